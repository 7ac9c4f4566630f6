import { EmulatorConfigError, parseIsoDuration } from '../../src/emulator/config';

describe('parseIsoDuration', () => {
  it.each([
    ['PT1M', 60_000],
    ['PT1S', 1_000],
    ['PT0.5S', 500],
    ['PT0,25S', 250],
    ['PT1.5M', 90_000],
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P1W', 7 * 86_400_000],
    ['P1M', 30 * 86_400_000],
    ['P1Y', 365 * 86_400_000],
    ['P1DT2H3M4.5S', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500],
    ['PT0S', 0],
    ['pt30s', 30_000],
    [' PT5M ', 300_000],
    ['P10675199DT2H48M5.4775807S', 922_337_203_685_478],
    ['00:01:00', 60_000],
    ['00:00:00.5', 500],
    ['1.02:03:04.5', 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_500],
  ])('%j is %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '1M', 'PT1', 'PT1M1H', 'P1S', 'PT1.5M30S', 'PT-1S', '-PT1S', 'abc', 'P1DT', '25:00:00', '00:60:00', 'PT1e3S'])(
    'rejects %j with an EmulatorConfigError naming the field',
    (text) => {
      let caught: unknown;
      try {
        parseIsoDuration(text, 'X.LockDuration');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EmulatorConfigError);
      expect((caught as EmulatorConfigError).field).toBe('X.LockDuration');
      expect((caught as Error).message).toContain('X.LockDuration');
    },
  );

  it('rejects a non-string with a message saying what it got', () => {
    expect(() => parseIsoDuration(60 as unknown as string)).toThrow(/got number 60/);
  });

  it('uses the default field name "duration"', () => {
    expect(() => parseIsoDuration('soon')).toThrow(expect.objectContaining({ field: 'duration' }));
  });
});
