import { VirtualTimeScheduler } from 'rxjs';
import { Broker } from '../../src/emulator/Broker';
import { SasKeyring } from '../../src/emulator/cbs/SasKeyring';
import { EntityAlreadyExistsError } from '../../src/emulator/entities/EntityAlreadyExistsError';
import { EntityNotFoundError } from '../../src/emulator/entities/EntityNotFoundError';
import { EntityOptionsError } from '../../src/emulator/entities/EntityOptionsError';
import type { NamespaceEntities } from '../../src/emulator/entities/Namespace';
import { EmulatorOptionsError, startEmulator } from '../../src/emulator';

function namespaceOf(entities: NamespaceEntities = {}) {
  return new Broker(entities, SasKeyring.from({}), new VirtualTimeScheduler(), () => undefined).namespace;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}

describe('Namespace: the runtime entity API', () => {
  it('creates, reads, lists, updates and deletes queues', () => {
    const ns = namespaceOf();
    ns.createQueue({ name: 'orders', requiresSession: true });
    expect(ns.getQueue('ORDERS').options).toMatchObject({ name: 'orders', requiresSession: true, lockDurationMs: 60_000, forwardTo: undefined });
    expect(ns.queues.map((q) => q.name)).toEqual(['orders']);
    ns.updateQueue('orders', { lockDurationMs: 5_000, maxDeliveryCount: 2 });
    expect(ns.getQueue('orders').options).toMatchObject({ lockDurationMs: 5_000, maxDeliveryCount: 2, requiresSession: true });
    expect(ns.getQueue('orders').deadLetterQueue?.options.lockDurationMs).toBe(5_000);
    ns.deleteQueue('Orders');
    expect(ns.queues).toEqual([]);
    expect(ns.resolve('orders')).toBeUndefined();
  });

  it('creates topics with subscriptions ($Default when no rules) and resolves their addresses', () => {
    const ns = namespaceOf({ topics: [{ name: 'events', subscriptions: [{ name: 'all' }, { name: 'big', rules: [{ name: 'r', filter: { type: 'correlation', subject: 'big' } }] }] }] });
    expect(ns.listSubscriptions('events').map((s) => s.name)).toEqual(['all', 'big']);
    expect(ns.listRules('events', 'all').map((r) => [r.name, r.options.filter.type])).toEqual([['$Default', 'true']]);
    const topic = ns.resolve('events');
    expect(topic).toMatchObject({ queue: undefined, management: false });
    expect(topic?.sink?.name).toBe('events');
    expect(ns.resolve('Events/subscriptions/BIG')?.queue?.name).toBe('events/Subscriptions/big');
    expect(ns.resolve('events/Subscriptions/big')?.sink).toBeUndefined();
    expect(ns.resolve('events/Subscriptions/big/$DeadLetterQueue')?.queue?.name).toBe('events/Subscriptions/big/$DeadLetterQueue');
    expect(ns.resolve('events/Subscriptions/big/$management')?.management).toBe(true);
    expect(ns.resolve('events/$DeadLetterQueue')).toBeUndefined();
    expect(ns.resolve('events/Subscriptions/none')).toBeUndefined();
  });

  it('adds, replaces and removes subscriptions and rules at runtime', () => {
    const ns = namespaceOf({ topics: [{ name: 't' }] });
    ns.createSubscription('t', { name: 's', requiresSession: true, rules: [{ name: 'a', filter: { type: 'false' } }] });
    ns.createRule('t', 's', { name: 'b', filter: { type: 'correlation', properties: { color: 'red' } } });
    expect(ns.listRules('t', 's').map((r) => r.name)).toEqual(['a', 'b']);
    ns.updateRule('t', 's', 'A', { filter: { type: 'true' } });
    expect(ns.getRule('t', 's', 'a').options.filter).toEqual({ type: 'true' });
    ns.deleteRule('t', 's', 'b');
    expect(ns.listRules('t', 's').map((r) => r.name)).toEqual(['a']);
    ns.updateSubscription('t', 's', { maxDeliveryCount: 3 });
    expect(ns.getSubscription('t', 's').queue.options.maxDeliveryCount).toBe(3);
    ns.deleteSubscription('t', 'S');
    expect(ns.listSubscriptions('t')).toEqual([]);
    ns.deleteTopic('t');
    expect(ns.topics).toEqual([]);
  });

  it('throws typed errors: not found, already exists, bad options', () => {
    const ns = namespaceOf({ queues: [{ name: 'q' }], topics: [{ name: 't', subscriptions: [{ name: 's' }] }] });
    expect(thrown(() => ns.getQueue('nope'))).toBeInstanceOf(EntityNotFoundError);
    expect(thrown(() => ns.getSubscription('t', 'nope'))).toMatchObject({ name: 'EntityNotFoundError', entityPath: 't/Subscriptions/nope', kind: 'subscription' });
    expect(thrown(() => ns.getRule('t', 's', 'nope'))).toMatchObject({ kind: 'rule', entityPath: 't/Subscriptions/s/Rules/nope' });
    expect(thrown(() => ns.createTopic({ name: 'Q' }))).toMatchObject({ name: 'EntityAlreadyExistsError', existingKind: 'queue' });
    expect(thrown(() => ns.createSubscription('t', { name: 'S' }))).toBeInstanceOf(EntityAlreadyExistsError);
    expect(thrown(() => ns.createRule('t', 's', { name: '$default' }))).toBeInstanceOf(EntityAlreadyExistsError);
    expect(thrown(() => ns.createQueue({ name: 'x', lockDurationMs: -1 }))).toMatchObject({ name: 'EntityOptionsError', option: 'lockDurationMs' });
    expect(thrown(() => ns.createQueue({ name: 'a/b' }))).toMatchObject({ option: 'name' });
    expect(thrown(() => ns.updateQueue('q', { requiresSession: true }))).toMatchObject({ option: 'requiresSession' });
    expect(thrown(() => ns.createRule('t', 's', { name: 'c', filter: { type: 'correlation' } }))).toMatchObject({ option: 'filter' });
    expect(thrown(() => ns.createRule('t', 's', { name: 'c', filter: { type: 'bogus' } as never }))).toMatchObject({ option: 'filter.type' });
    expect(thrown(() => ns.createSubscription('t', { name: 'x', rules: [{ name: 'ok' }, { name: 'bad', filter: { type: 'correlation' } }] }))).toMatchObject({
      option: 'rules[1].filter',
    });
    expect(thrown(() => ns.createRule('t', 's', { name: 'sql', filter: { type: 'sql', sqlExpression: 'a = ' } }))).toMatchObject({
      name: 'EntityOptionsError',
      entityPath: 't/Subscriptions/s/Rules/sql',
      option: 'filter.sqlExpression',
      problem: expect.stringMatching(/position \d+/),
      cause: expect.objectContaining({ name: 'SqlExpressionError' }),
    });
    expect(thrown(() => ns.createRule('t', 's', { name: 'act', action: { sqlExpression: 'REMOVE' } }))).toMatchObject({ option: 'action.sqlExpression' });
    expect(ns.createRule('t', 's', { name: 'ok-sql', filter: { type: 'sql', sqlExpression: "color = 'red'" }, action: { sqlExpression: 'SET seen = 1' } }).action).toBeDefined();
  });

  it('checks forwarding: the target must exist and forwarding must not loop', () => {
    const ns = namespaceOf({ queues: [{ name: 'a', forwardTo: 'b' }, { name: 'b' }], topics: [{ name: 't', subscriptions: [{ name: 's' }] }] });
    expect(ns.getQueue('a').options.forwardTo).toBe('b');
    expect(thrown(() => ns.createQueue({ name: 'c', forwardTo: 'missing' }))).toMatchObject({ option: 'forwardTo', cause: expect.any(EntityNotFoundError) });
    expect(thrown(() => ns.updateQueue('b', { forwardTo: 'a' }))).toMatchObject({ option: 'forwardTo', problem: expect.stringMatching(/loop/) });
    expect(thrown(() => ns.updateSubscription('t', 's', { forwardTo: 't' }))).toMatchObject({ option: 'forwardTo', problem: expect.stringMatching(/loop/) });
    ns.updateQueue('b', { forwardTo: 't' });
    expect(thrown(() => ns.updateSubscription('t', 's', { forwardTo: 'a' }))).toMatchObject({ problem: expect.stringMatching(/loop/) });
    ns.updateQueue('b', { forwardTo: '' });
    expect(ns.getQueue('b').options.forwardTo).toBeUndefined();
    ns.updateSubscription('t', 's', { forwardTo: 'a', forwardDeadLetteredMessagesTo: 'b' });
  });

  it('createAll names the option path of the first problem', () => {
    expect(thrown(() => namespaceOf({ queues: [{ name: 'a', forwardTo: 'a' }] }))).toMatchObject({ option: 'queues[0].forwardTo' });
    expect(thrown(() => namespaceOf({ queues: [{ name: 'a' }], topics: [{ name: 'A' }] }))).toMatchObject({ option: 'topics[0].name' });
    expect(thrown(() => namespaceOf({ topics: [{ name: 't', subscriptions: [{ name: 's', lockDurationMs: 0 }] }] }))).toMatchObject({
      option: 'topics[0].subscriptions[0].lockDurationMs',
    });
    expect(thrown(() => namespaceOf({ topics: [{ name: 't', subscriptions: [{ name: 's', forwardTo: 'q' }] }], queues: [{ name: 'q', forwardTo: 't' }] }))).toMatchObject({
      option: 'queues[0].forwardTo',
    });
    expect(thrown(() => namespaceOf({ queues: [{ name: 'q' }, { name: 'Q' }] }))).toBeInstanceOf(EntityOptionsError);
  });

  it('startEmulator({ topics }) refuses bad options with EmulatorOptionsError naming the path', async () => {
    const bad = startEmulator({ topics: [{ name: 't', subscriptions: [{ name: 's', lockDurationMs: 0 }] }] });
    await expect(bad).rejects.toBeInstanceOf(EmulatorOptionsError);
    await expect(startEmulator({ topics: [{ name: 't', subscriptions: [{ name: 's', lockDurationMs: 0 }] }] })).rejects.toMatchObject({
      option: 'topics[0].subscriptions[0].lockDurationMs',
    });
    await expect(startEmulator({ queues: [{ name: 'q', forwardTo: 'nowhere' }] })).rejects.toMatchObject({ option: 'queues[0].forwardTo' });
  });
});
