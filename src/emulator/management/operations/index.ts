import type { Operation } from '../OperationContext';
import { addRule } from './addRule';
import { cancelScheduledMessage } from './cancelScheduledMessage';
import { enumerateRules } from './enumerateRules';
import { getMessageSessions } from './getMessageSessions';
import { getSessionState } from './getSessionState';
import { peekMessage } from './peekMessage';
import { receiveBySequenceNumber } from './receiveBySequenceNumber';
import { removeRule } from './removeRule';
import { renewLock } from './renewLock';
import { renewSessionLock } from './renewSessionLock';
import { scheduleMessage } from './scheduleMessage';
import { setSessionState } from './setSessionState';
import { updateDisposition } from './updateDisposition';

/** The `$management` operations the broker implements, by `operation` application property. */
export const operations: ReadonlyMap<string, Operation> = new Map([
  ['com.microsoft:renew-session-lock', renewSessionLock],
  ['com.microsoft:get-session-state', getSessionState],
  ['com.microsoft:set-session-state', setSessionState],
  ['com.microsoft:peek-message', peekMessage],
  ['com.microsoft:receive-by-sequence-number', receiveBySequenceNumber],
  ['com.microsoft:update-disposition', updateDisposition],
  ['com.microsoft:renew-lock', renewLock],
  ['com.microsoft:schedule-message', scheduleMessage],
  ['com.microsoft:cancel-scheduled-message', cancelScheduledMessage],
  ['com.microsoft:get-message-sessions', getMessageSessions],
  ['com.microsoft:add-rule', addRule],
  ['com.microsoft:remove-rule', removeRule],
  ['com.microsoft:enumerate-rules', enumerateRules],
]);
