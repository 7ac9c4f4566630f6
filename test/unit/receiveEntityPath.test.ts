import { InvalidArgumentError, ServiceBusClient, sessionPool, type ReceiveEntity } from '../../src';
import { entityName, receiveEntityPath, subscriptionPath } from '../../src/entity';

const CS = 'Endpoint=sb://localhost:1/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';

/** The `argument` of the InvalidArgumentError `call` throws. */
function argumentOf(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).argument;
  }
  throw new Error('did not throw');
}

describe('receiveEntityPath', () => {
  it('a queue name as it is; a subscription as <topic>/Subscriptions/<subscription>', () => {
    expect(receiveEntityPath('orders')).toBe('orders');
    expect(receiveEntityPath({ topic: 'orders', subscription: 'billing' })).toBe('orders/Subscriptions/billing');
    expect(subscriptionPath('a/b', 's')).toBe('a/b/Subscriptions/s');
  });

  it.each<[string, unknown, string]>([
    ['an empty queue name', '', 'queue'],
    ['a blank queue name', '  ', 'queue'],
    ['null', null, 'entity'],
    ['a number', 7, 'entity'],
    ['no topic', { subscription: 's' }, 'entity.topic'],
    ['an empty topic', { topic: '', subscription: 's' }, 'entity.topic'],
    ['a topic that is not a string', { topic: 1, subscription: 's' }, 'entity.topic'],
    ['no subscription', { topic: 't' }, 'entity.subscription'],
    ['a blank subscription', { topic: 't', subscription: ' ' }, 'entity.subscription'],
    ['a subscription path instead of a name', { topic: 't', subscription: 't/Subscriptions/s' }, 'entity.subscription'],
  ])('refuses %s, naming the field', (_what, entity, argument) => {
    expect(argumentOf(() => receiveEntityPath(entity as ReceiveEntity))).toBe(argument);
  });

  it("with a connection string's EntityPath, the queue or the subscription's topic must equal it", () => {
    expect(receiveEntityPath('q', 'q')).toBe('q');
    expect(receiveEntityPath({ topic: 't', subscription: 's' }, 't')).toBe('t/Subscriptions/s');
    expect(argumentOf(() => receiveEntityPath('other', 'q'))).toBe('queue');
    expect(argumentOf(() => receiveEntityPath({ topic: 'other', subscription: 's' }, 't'))).toBe('entity.topic');
    expect(argumentOf(() => entityName('queueOrTopic', 'other', 't'))).toBe('queueOrTopic');
  });
});

describe('entry points validate the entity at the call', () => {
  const client = new ServiceBusClient(CS);
  afterAll(() => client.close());
  const bad = { topic: 't', subscription: '' } as const;

  it('acceptSession, acceptNextSession, sessions, sessionPool and send', () => {
    expect(argumentOf(() => client.acceptSession(bad, 's'))).toBe('entity.subscription');
    expect(argumentOf(() => client.acceptNextSession({ topic: ' ', subscription: 's' }))).toBe('entity.topic');
    expect(argumentOf(() => client.sessions(bad, { maxConcurrentSessions: 1 }))).toBe('entity.subscription');
    expect(argumentOf(() => sessionPool(client, bad, { maxConcurrentSessions: 1 }))).toBe('entity.subscription');
    expect(argumentOf(() => client.send('', { body: 1 }))).toBe('queueOrTopic');
    // A good entity builds the cold Observable without touching the network.
    expect(() => client.acceptSession({ topic: 't', subscription: 's' }, 'id')).not.toThrow();
    expect(() => client.sessions({ topic: 't', subscription: 's' }, { maxConcurrentSessions: 1 })).not.toThrow();
  });

  it("a client bound to a topic by its connection string's EntityPath refuses other entities at the call", async () => {
    const bound = new ServiceBusClient(`${CS};EntityPath=t`);
    try {
      expect(argumentOf(() => bound.sessions({ topic: 'other', subscription: 's' }, { maxConcurrentSessions: 1 }))).toBe('entity.topic');
      expect(argumentOf(() => bound.sessions('q', { maxConcurrentSessions: 1 }))).toBe('queue');
      expect(argumentOf(() => bound.acceptNextSession({ topic: 'other', subscription: 's' }))).toBe('entity.topic');
      expect(argumentOf(() => bound.send('other', { body: 1 }))).toBe('queueOrTopic');
      expect(() => bound.sessions({ topic: 't', subscription: 's' }, { maxConcurrentSessions: 1 })).not.toThrow();
    } finally {
      await bound.close();
    }
  });
});
