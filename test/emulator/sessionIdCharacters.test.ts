import { intakeError } from '../../src/emulator/entities/intakeError';
import type { Queue } from '../../src/emulator/entities/Queue';
import type { MessageContent } from '../../src/emulator/wire/MessageContent';

const sessionQueue = { requiresSession: true, name: 'sq' } as unknown as Queue;
const withSessionId = (sessionId: string) => ({ sessionId }) as unknown as MessageContent;

describe('session id length', () => {
  it('counts characters, not UTF-16 units: 128 emoji (256 units) pass, 129 characters fail', () => {
    expect(intakeError(withSessionId('😀'.repeat(128)), sessionQueue)).toBeUndefined();
    expect(intakeError(withSessionId('a'.repeat(129)), sessionQueue)?.condition).toBe('com.microsoft:argument-error');
    expect(intakeError(withSessionId('😀'.repeat(129)), sessionQueue)?.description).toContain('got 129');
  });
});
