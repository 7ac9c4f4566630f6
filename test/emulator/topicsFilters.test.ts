import { message as rheaMessage, types } from 'rhea';
import { DuplicateDetector } from '../../src/emulator/entities/DuplicateDetector';
import { forwardingProblem } from '../../src/emulator/config/forwardingProblem';
import { Subscription } from '../../src/emulator/entities/Subscription';
import type { Queue } from '../../src/emulator/entities/Queue';
import { compileRule } from '../../src/emulator/filters/compileRule';
import { CorrelationFilter } from '../../src/emulator/filters/CorrelationFilter';
import { EditableMessage } from '../../src/emulator/filters/EditableMessage';
import { MessageView } from '../../src/emulator/filters/MessageView';
import type { RuleAction } from '../../src/emulator/filters/RuleFilter';
import { Rule } from '../../src/emulator/filters/Rule';
import { ConstantFilter } from '../../src/emulator/filters/constantFilter';
import { parseMessage } from '../../src/emulator/wire/parseMessage';
import type { MessageContent } from '../../src/emulator/wire/MessageContent';

const encode = (fields: Record<string, unknown>): MessageContent => parseMessage(rheaMessage.encode(fields as never) as unknown as Buffer);
const decode = (content: MessageContent) => rheaMessage.decode(content.bare) as unknown as Record<string, unknown> & { application_properties?: Record<string, unknown> };
const facts = { sequenceNumber: 7, enqueuedAt: Date.UTC(2026, 0, 1) };
const view = (content: MessageContent) => new MessageView(content, facts);

const sample = encode({
  message_id: 'm-1',
  correlation_id: 'c-1',
  to: 'dest',
  subject: 'urgent',
  reply_to: 'back',
  content_type: 'text/plain',
  group_id: 'session-a',
  reply_to_group_id: 'session-b',
  application_properties: { color: 'red', n: 42, big: types.wrap_long(Buffer.from([0x7f, 0, 0, 0, 0, 0, 0, 0]) as never), flag: true, at: new Date(5) },
  body: 'hello',
});

describe('MessageView: a stored message as filters read it', () => {
  it('reads system properties case-insensitively and application properties exactly', () => {
    const v = view(sample);
    expect(['MessageId', 'correlationid', 'TO', 'Label', 'Subject', 'ReplyTo', 'ContentType', 'SessionId', 'ReplyToSessionId'].map((n) => v.system(n))).toEqual([
      'm-1',
      'c-1',
      'dest',
      'urgent',
      'urgent',
      'back',
      'text/plain',
      'session-a',
      'session-b',
    ]);
    expect(v.system('SequenceNumber')).toBe(7);
    expect(v.system('EnqueuedTimeUtc')).toEqual(new Date(facts.enqueuedAt));
    expect(v.system('Nope')).toBeUndefined();
    expect([v.user('color'), v.user('n'), v.user('flag'), v.user('at'), v.user('Color')]).toEqual(['red', 42, true, new Date(5), undefined]);
    expect(v.user('big')).toBe(0x7f00000000000000n);
  });

  it('reads a uuid message id as its text and a message without properties as all-undefined', () => {
    const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(view(encode({ message_id: types.wrap_uuid(uuid), body: 'x' })).system('MessageId')).toBe('00112233-4455-6677-8899-aabbccddeeff');
    const bare = encode({ body: 'x' });
    expect([view(bare).system('MessageId'), view(bare).user('a')]).toEqual([undefined, undefined]);
  });
});

describe('EditableMessage: rule actions on one subscription copy', () => {
  it('returns the original content when nothing changed', () => {
    expect(new EditableMessage(view(sample)).toContent()).toBe(sample);
  });

  it('re-encodes changed properties and application properties, keeping the body and other values as typed', () => {
    const copy = new EditableMessage(view(sample));
    copy.setUser('color', 'blue');
    copy.setUser('added', 1.5);
    copy.removeUser('n');
    copy.setSystem('Label', 'routine');
    copy.setSystem('SessionId', 'session-z');
    copy.removeSystem('To');
    expect([copy.user('color'), copy.user('n'), copy.system('label')]).toEqual(['blue', undefined, 'routine']);
    const content = copy.toContent();
    expect(content.sessionId).toBe('session-z');
    const decoded = decode(content);
    expect(decoded).toMatchObject({ message_id: 'm-1', subject: 'routine', group_id: 'session-z', correlation_id: 'c-1', body: 'hello' });
    expect(decoded['to']).toBeUndefined();
    expect(decoded.application_properties).toEqual({ color: 'blue', big: expect.anything(), flag: true, at: new Date(5), added: 1.5 });
    expect(decode(sample).application_properties?.['color']).toBe('red');
  });

  it('sets and removes sys.TimeToLive (the header ttl, in ms)', () => {
    const copy = new EditableMessage(view(sample));
    copy.setSystem('TimeToLive', 5_000);
    expect(copy.system('timeToLive')).toBe(5_000);
    const content = copy.toContent();
    expect([content.timeToLiveMs, content.header.ttl?.value]).toEqual([5_000, 5_000]);
    const cleared = new EditableMessage(view(content));
    cleared.removeSystem('TimeToLive');
    expect(cleared.toContent().timeToLiveMs).toBeUndefined();
  });

  it('adds a properties section to a message that has none', () => {
    const copy = new EditableMessage(view(encode({ body: 'x' })));
    copy.setSystem('CorrelationId', 'new');
    copy.setUser('k', 'v');
    const decoded = decode(copy.toContent());
    expect(decoded).toMatchObject({ correlation_id: 'new', application_properties: { k: 'v' }, body: 'x' });
  });
});

describe('CorrelationFilter', () => {
  it('matches when every given system and application property is equal', () => {
    expect(new CorrelationFilter({ subject: 'urgent', contentType: 'text/plain', properties: { color: 'red', n: 42 } }).matches(view(sample))).toBe(true);
    expect(new CorrelationFilter({ subject: 'Urgent' }).matches(view(sample))).toBe(false);
    expect(new CorrelationFilter({ properties: { color: 'red', missing: 'x' } }).matches(view(sample))).toBe(false);
    expect(new CorrelationFilter({ properties: { n: '42' } }).matches(view(sample))).toBe(false);
    expect(new CorrelationFilter({ properties: { big: 0x7f00000000000000n } }).matches(view(sample))).toBe(true);
    expect(new CorrelationFilter({ sessionId: 'session-a', replyToSessionId: 'session-b', to: 'dest', replyTo: 'back', messageId: 'm-1', correlationId: 'c-1' }).matches(view(sample))).toBe(true);
  });
});

describe('Subscription.select: rules choose and change a copy', () => {
  const store = {} as Queue;
  const tag = (name: string, value: string): RuleAction => ({ apply: (m) => m.setUser(name, value) });
  const selectFrom = (rules: Rule[], content: MessageContent = sample) => {
    let views = 0;
    const subscription = new Subscription('s', 't', store, rules);
    const copy = subscription.select(
      content,
      {
        get: () => {
          views++;
          return view(content);
        },
      },
      (v) => new EditableMessage(v),
    );
    return { copy, views };
  };
  const correlation = (name: string, properties: Record<string, string>, action?: RuleAction) =>
    new Rule({ name, filter: { type: 'correlation', properties } }, new CorrelationFilter({ properties }), action);

  it('takes every message unchanged through $Default without decoding it', () => {
    const { copy, views } = selectFrom([compileRule({ name: '$Default' })]);
    expect(copy).toBe(sample);
    expect(views).toBe(0);
  });

  it('makes one copy when several rules match, and none when none does', () => {
    expect(selectFrom([correlation('a', { color: 'red' }), correlation('b', { flag: 'x' })]).copy).toBe(sample);
    expect(selectFrom([correlation('a', { color: 'blue' }), new Rule({ name: 'f', filter: { type: 'false' } }, ConstantFilter.false, undefined)]).copy).toBeUndefined();
  });

  it("applies the action of every matching rule (in rule order) to the copy, and no other rule's", () => {
    const { copy } = selectFrom([
      correlation('first', { color: 'red' }, tag('seen', 'first')),
      correlation('never', { color: 'blue' }, tag('never', 'x')),
      correlation('second', { color: 'red' }, tag('seen', 'second')),
    ]);
    expect(copy).not.toBe(sample);
    const properties = decode(copy as MessageContent).application_properties;
    expect(properties?.['seen']).toBe('second');
    expect(properties?.['never']).toBeUndefined();
  });
});

describe('DuplicateDetector', () => {
  it('drops an id seen within the window, whatever its encoding width, and forgets it afterwards', () => {
    const detector = new DuplicateDetector(1_000);
    expect(detector.isDuplicate(types.wrap_string('a'), 0)).toBe(false);
    expect(detector.isDuplicate(types.wrap_string('a'), 999)).toBe(true);
    expect(detector.isDuplicate(types.wrap_symbol('a'), 999)).toBe(true);
    expect(detector.isDuplicate(types.wrap_uuid(Buffer.alloc(16)), 999)).toBe(false);
    expect(detector.isDuplicate(undefined, 999)).toBe(false);
    expect(detector.isDuplicate(types.wrap_string('a'), 1_000)).toBe(false);
    expect(detector.size).toBe(2);
    detector.isDuplicate(types.wrap_string('b'), 5_000);
    expect(detector.size).toBe(1);
  });
});

describe('forwardingProblem', () => {
  const q = (name: string, forwardTo?: string, forwardDeadLetteredMessagesTo?: string) => ({ name, forwardTo, forwardDeadLetteredMessagesTo });
  it('accepts chains and reports a missing target or a loop through topics', () => {
    expect(forwardingProblem({ queues: [q('a', 'b'), q('b', 't')], topics: [{ name: 't', subscriptions: [q('s', 'c')] }, { name: 'c', subscriptions: [] }] })).toBeUndefined();
    expect(forwardingProblem({ queues: [q('a', undefined, 'zz')], topics: [] })).toMatchObject({ kind: 'queue', index: 0, option: 'forwardDeadLetteredMessagesTo' });
    expect(forwardingProblem({ queues: [q('a', 'T')], topics: [{ name: 't', subscriptions: [q('s'), q('back', 'A')] }] })).toMatchObject({
      kind: 'queue',
      option: 'forwardTo',
      problem: expect.stringMatching(/loop/),
    });
    expect(forwardingProblem({ queues: [], topics: [{ name: 't', subscriptions: [q('s', 't')] }] })).toMatchObject({ kind: 'subscription', index: 0, subscriptionIndex: 0 });
  });
});
