import type { SasRight } from '../config/EmulatorOptions';

/** The right each `$management` operation needs (Service Bus: receiving side Listen, sending side Send, rules Manage). */
const NEEDED: ReadonlyMap<string, SasRight> = new Map<string, SasRight>([
  ['com.microsoft:renew-lock', 'Listen'],
  ['com.microsoft:renew-session-lock', 'Listen'],
  ['com.microsoft:get-session-state', 'Listen'],
  ['com.microsoft:set-session-state', 'Listen'],
  ['com.microsoft:peek-message', 'Listen'],
  ['com.microsoft:receive-by-sequence-number', 'Listen'],
  ['com.microsoft:update-disposition', 'Listen'],
  ['com.microsoft:get-message-sessions', 'Listen'],
  ['com.microsoft:schedule-message', 'Send'],
  ['com.microsoft:cancel-scheduled-message', 'Send'],
  ['com.microsoft:add-rule', 'Manage'],
  ['com.microsoft:remove-rule', 'Manage'],
  ['com.microsoft:enumerate-rules', 'Manage'],
]);

/** The right `operation` needs; Manage for an operation the table does not know. */
export function rightFor(operation: string): SasRight {
  return NEEDED.get(operation) ?? 'Manage';
}
