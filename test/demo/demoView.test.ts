import { NEVER, Subject, throwError } from 'rxjs';
import { InFlight } from '../../src/cli/demo/InFlight';
import { UsageError } from '../../src/cli/UsageError';
import type { DemoEvent, OrderMessage } from '../../src/cli/demo/DemoEvent';
import { DemoModel } from '../../src/cli/demo/DemoModel';
import { formatFrame } from '../../src/cli/demo/formatFrame';
import { parseDemoArgs, demoDefaults } from '../../src/cli/demo/parseDemoArgs';
import { terminalWidth } from '../../src/cli/demo/terminalWidth';
import { summarize } from '../../src/cli/demo/summarize';

const order = (customer: string, index: number, of: number): OrderMessage => ({
  id: `${customer}/${index}`,
  customer,
  orderId: `o-${customer}`,
  step: index === 1 ? 'order-created' : index === of ? 'order-submitted' : 'item-added',
  index,
  of,
});
const checkpoint = (lastIndex: number) => ({ lastIndex, step: 'item-added' as const, items: lastIndex - 1, totalCents: 1234 });
const on = (consumer: string, sessionId: string, at: number) => ({ consumer, sessionId, at });

/** A run in which `slow` loses c-01 with two messages in flight and `w1` completes them afterwards. */
function lockLossRun(): DemoEvent[] {
  return [
    { type: 'produced', at: 0, message: order('c-01', 1, 2) },
    { type: 'produced', at: 0, message: order('c-01', 2, 2) },
    { type: 'traffic-done', at: 10, count: 2 },
    { type: 'accepted', ...on('slow', 'c-01', 20), lockedUntil: 3_020, lockDurationMs: 3_000 },
    { type: 'received', ...on('slow', 'c-01', 25), messageId: 'c-01/1', deliveryCount: 1 },
    { type: 'received', ...on('slow', 'c-01', 25), messageId: 'c-01/2', deliveryCount: 1 },
    { type: 'lock', ...on('slow', 'c-01', 1_500), kind: 'tick', remainingMs: 1_520 },
    { type: 'lock', ...on('slow', 'c-01', 2_000), kind: 'renewed', remainingMs: 3_000 },
    { type: 'auto-renew-error', ...on('slow', 'c-01', 2_100), errorName: 'AutoLockRenewTimeout', detail: 'budget spent' },
    { type: 'lock-lost', ...on('slow', 'c-01', 5_000), reason: 'expired', detail: 'lock expired' },
    { type: 'settle-failed', ...on('slow', 'c-01', 5_001), messageId: 'c-01/1', errorName: 'SessionLockLostError', detail: '' },
    { type: 'closed', ...on('slow', 'c-01', 5_002), why: 'lost' },
    { type: 'accepted', ...on('w1', 'c-01', 5_100), lockedUntil: 8_100, lockDurationMs: 3_000 },
    { type: 'received', ...on('w1', 'c-01', 5_110), messageId: 'c-01/1', deliveryCount: 2 },
    { type: 'completed', ...on('w1', 'c-01', 5_200), messageId: 'c-01/1', checkpoint: checkpoint(1) },
    { type: 'received', ...on('w1', 'c-01', 5_110), messageId: 'c-01/2', deliveryCount: 2 },
    { type: 'completed', ...on('w1', 'c-01', 5_300), messageId: 'c-01/2', checkpoint: checkpoint(2) },
  ];
}

describe('DemoModel', () => {
  it('tracks rows, lock countdown and renewals, and the loss with its in-flight messages', () => {
    const model = new DemoModel();
    const events = lockLossRun();
    for (const e of events.slice(0, 9)) model.apply(e);
    const row = model.rows.get('slow\u0000c-01');
    expect(row).toMatchObject({ remainingMs: 3_000, renewals: 1, renewalStopped: 'AutoLockRenewTimeout' });
    for (const e of events.slice(9)) model.apply(e);
    expect(model.losses).toEqual([{ consumer: 'slow', sessionId: 'c-01', reason: 'expired', at: 5_000, inFlight: ['c-01/1', 'c-01/2'] }]);
    expect([...model.rows.keys()]).toEqual(['w1\u0000c-01']);
    expect(model.allSettled).toBe(true);
    expect(model.redeliveries()[0]?.settled).toEqual([
      { id: 'c-01/1', by: 'w1', outcome: 'completed' },
      { id: 'c-01/2', by: 'w1', outcome: 'completed' },
    ]);
  });

  it('summarizes a complete run as nothing lost, naming the redelivery', () => {
    const model = new DemoModel();
    for (const e of lockLossRun()) model.apply(e);
    const summary = summarize(model, 5_300);
    expect(summary.ok).toBe(true);
    expect(summary.lines.join('\n')).toMatch(/nothing lost: 2 produced = 2 completed \+ 0 dead-lettered/);
    expect(summary.lines.join('\n')).toMatch(/lock lost: session c-01 on slow \(expired\), 2 messages in flight; redelivered and settled by w1: 2\/2/);
  });

  it('fails the summary when a produced message was never settled', () => {
    const model = new DemoModel();
    for (const e of lockLossRun().slice(0, 15)) model.apply(e);
    const summary = summarize(model, 5_300);
    expect(summary.ok).toBe(false);
    expect(summary.lines.at(-1)).toMatch(/LOST: 1 of 2 messages .*c-01\/2/);
  });

  it('reports the unsettled messages of a run stopped early as still queued, not lost', () => {
    const model = new DemoModel();
    for (const e of lockLossRun().slice(0, 15)) model.apply(e);
    const summary = summarize(model, 5_300, { stopped: true });
    expect(summary).toMatchObject({ ok: true, unsettled: 1 });
    const text = summary.lines.join('\n');
    expect(text).toMatch(/completed 1, dead-lettered 0, still queued 1/);
    expect(summary.lines.at(-1)).toBe('  stopped early: 1 of 2 messages not processed yet, still in the queue (not lost): c-01/2');
    expect(text).not.toMatch(/LOST/);
  });
});

describe('formatFrame', () => {
  it('draws one row per held session with a lock bar proportional to the remaining time', () => {
    const model = new DemoModel();
    for (const e of lockLossRun().slice(0, 7)) model.apply(e); // tick: 1 520 of 3 000 ms left
    const lines = formatFrame(model, 1_500, { columns: 200, color: false, recent: ['  1.2s  something'], title: 'demo' });
    const row = lines.find((l) => l.includes('c-01'));
    expect(row).toContain('██████████░░░░░░░░░░'); // 10 of 20 cells
    expect(row).toContain('1.5s');
    expect(lines.at(-1)).toContain('something');
    expect(formatFrame(model, 1_500, { columns: 30, color: true, recent: [], title: 'demo' }).every((l) => l.replace(/\x1b\[[0-9;]*m/g, '').length <= 30)).toBe(true);
  });
});

describe('parseDemoArgs', () => {
  it('applies defaults and reads values', () => {
    expect(parseDemoArgs([])).toEqual({ help: false, plain: false, ...demoDefaults });
    expect(parseDemoArgs(['--sessions', '5', '--messages=3', '--duration', '2.5', '--plain'])).toEqual({
      help: false,
      plain: true,
      sessions: 5,
      messagesPerSession: 3,
      durationSeconds: 2.5,
    });
    expect(parseDemoArgs(['-h']).help).toBe(true);
    expect(parseDemoArgs(['--help']).help).toBe(true);
    expect(parseDemoArgs(['--duration=2', '--sessions=3']).durationSeconds).toBe(2);
  });

  it.each([
    [['--sessions', '0'], /invalid --sessions "0"/],
    [['--sessions', '2.5'], /expected an integer/],
    [['--messages', '1'], /invalid --messages/],
    [['--duration', 'abc'], /invalid --duration/],
    [['--bogus'], /^unknown option '--bogus'$/],
    [['extra'], /^unexpected argument 'extra'$/],
    // In the CLI's own words, not node:util parseArgs' ("argument is ambiguous", an undocumented -s).
    [['--duration', '-1'], /^invalid --duration "-1": expected a number from 1 to 300$/],
    [['--duration=-1'], /^invalid --duration "-1": expected a number from 1 to 300$/],
    [['--sessions'], /^option --sessions needs a value$/],
    [['--sessions', '--plain'], /^option --sessions needs a value$/],
    [['-s', '3'], /^unknown option '-s'$/],
    [['-d', '3'], /^unknown option '-d'$/],
    [['-m', '3'], /^unknown option '-m'$/],
    [['--plain=yes'], /^option --plain takes no value$/],
    [['--sessions', '3', '--sessions', '4'], /^option --sessions is given twice$/],
    [['--dur', '3'], /^unknown option '--dur'$/],
    [['-'], /^unexpected argument '-'$/],
  ])('rejects %j with a one-line UsageError', (argv, message) => {
    let thrown: unknown;
    try {
      parseDemoArgs(argv);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toMatch(message);
    expect((thrown as UsageError).message).not.toContain('\n');
  });
});

describe('terminalWidth', () => {
  it('uses the reported width, or 80 when the terminal reports none or 0 columns', () => {
    expect(terminalWidth(132)).toBe(132);
    expect(terminalWidth(0)).toBe(80);
    expect(terminalWidth(undefined)).toBe(80);
    expect(terminalWidth(Number.NaN)).toBe(80);
  });
});

describe('InFlight', () => {
  it('counts an operation from subscription until it completes, errors or is unsubscribed', () => {
    const inFlight = new InFlight();
    const running = new Subject<number>();
    const done = inFlight.track(running).subscribe();
    const failed = inFlight.track(throwError(() => new Error('refused'))).subscribe({ error: () => undefined });
    const cancelled = inFlight.track(NEVER).subscribe();
    expect(inFlight.count).toBe(2);
    running.complete();
    expect(inFlight.count).toBe(1);
    cancelled.unsubscribe();
    expect(inFlight.count).toBe(0);
    expect([done.closed, failed.closed]).toEqual([true, true]);
  });
});
