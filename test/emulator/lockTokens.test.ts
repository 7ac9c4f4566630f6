import { LockTokens } from '../../src/emulator/wire/lockToken';
import { ticksLong } from '../../src/emulator/wire/ticks';

/** How the SDK turns a delivery tag into a lock token string (`reorderLockToken`, then uuid formatting). */
function sdkLockToken(tag: Buffer): string {
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  const hex = Buffer.from(order.map((i) => tag[i] as number)).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function rfcString(uuid: Buffer): string {
  const hex = uuid.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('LockTokens', () => {
  const tokens = new LockTokens(Buffer.from('0102030405060708', 'hex'));

  it('writes delivery tags in .NET GUID order and management uuids in RFC order of the same token', () => {
    const key = tokens.next();
    const tag = tokens.tag(key);
    expect(tag).toHaveLength(16);
    expect(tag.subarray(0, 8).toString('hex')).toBe('0403020106050807');
    expect(sdkLockToken(tag)).toBe(rfcString(tokens.uuid(key)));
  });

  it('maps a uuid back to its key, and rejects foreign or unknown ones', () => {
    const key = tokens.next();
    expect(tokens.keyOf(tokens.uuid(key))).toBe(key);
    expect(tokens.keyOf(new LockTokens(Buffer.from('ffffffffffffffff', 'hex')).uuid(key))).toBeUndefined();
    expect(tokens.keyOf(tokens.uuid(key + 1000))).toBeUndefined();
    expect(tokens.keyOf('not a uuid')).toBeUndefined();
  });

  it('encodes locked-until as .NET ticks in an AMQP long', () => {
    const typed = ticksLong(Date.UTC(2024, 0, 1));
    expect(typed.type.name).toBe('Long');
    expect((typed.value as Buffer).readBigInt64BE(0)).toBe(638_396_640_000_000_000n);
  });
});
