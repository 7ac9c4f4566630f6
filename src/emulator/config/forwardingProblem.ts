/** What the forwarding check needs to know about one queue or subscription. */
export interface ForwardingSource {
  readonly forwardTo: string | undefined;
  readonly forwardDeadLetteredMessagesTo: string | undefined;
}

/** The entities whose forwarding is checked: queues and topics (with their subscriptions), by name. */
export interface ForwardingGraph {
  readonly queues: readonly (ForwardingSource & { readonly name: string })[];
  readonly topics: readonly { readonly name: string; readonly subscriptions: readonly ForwardingSource[] }[];
}

/** The first forwarding problem found: which entity, which option, what is wrong. */
export interface ForwardingProblem {
  /** `queue` (index into `queues`) or `subscription` (indexes into `topics` and its `subscriptions`). */
  readonly kind: 'queue' | 'subscription';
  readonly index: number;
  readonly subscriptionIndex: number;
  readonly option: 'forwardTo' | 'forwardDeadLetteredMessagesTo';
  readonly problem: string;
}

/**
 * Checks auto-forwarding: every `forwardTo` / `forwardDeadLetteredMessagesTo` names an existing queue or
 * topic (case-insensitively), and following `forwardTo` (a topic leads to each of its subscriptions)
 * never comes back to where it started. Returns the first problem, or `undefined`.
 */
export function forwardingProblem(
  graph: ForwardingGraph,
  /** Checks only the sources this accepts (default all), e.g. the one entity being created or updated. */
  only: (kind: ForwardingProblem['kind'], index: number, subscriptionIndex: number) => boolean = () => true,
): ForwardingProblem | undefined {
  const queues = new Map(graph.queues.map((queue) => [queue.name.toLowerCase(), queue]));
  const topics = new Map(graph.topics.map((topic) => [topic.name.toLowerCase(), topic]));
  const exists = (name: string): boolean => queues.has(name.toLowerCase()) || topics.has(name.toLowerCase());

  /** True when forwarding from entity `start` (a queue or topic name) reaches `goal`. */
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>();
    const pending = [start.toLowerCase()];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (name === goal) return true;
      if (seen.has(name)) continue;
      seen.add(name);
      const queue = queues.get(name);
      if (queue?.forwardTo !== undefined) pending.push(queue.forwardTo.toLowerCase());
      for (const subscription of topics.get(name)?.subscriptions ?? []) {
        if (subscription.forwardTo !== undefined) pending.push(subscription.forwardTo.toLowerCase());
      }
    }
    return false;
  };

  const check = (source: ForwardingSource, owner: string): Pick<ForwardingProblem, 'option' | 'problem'> | undefined => {
    for (const option of ['forwardTo', 'forwardDeadLetteredMessagesTo'] as const) {
      const target = source[option];
      if (target === undefined) continue;
      if (!exists(target)) return { option, problem: `the forwarding target '${target}' is not a queue or topic of this namespace` };
    }
    const target = source.forwardTo;
    if (target !== undefined && reaches(target, owner.toLowerCase())) {
      return { option: 'forwardTo', problem: `forwarding to '${target}' leads back to '${owner}' (a forwarding loop)` };
    }
    return undefined;
  };

  for (const [index, queue] of graph.queues.entries()) {
    if (!only('queue', index, -1)) continue;
    const found = check(queue, queue.name);
    if (found !== undefined) return { kind: 'queue', index, subscriptionIndex: -1, ...found };
  }
  for (const [index, topic] of graph.topics.entries()) {
    for (const [subscriptionIndex, subscription] of topic.subscriptions.entries()) {
      if (!only('subscription', index, subscriptionIndex)) continue;
      const found = check(subscription, topic.name);
      if (found !== undefined) return { kind: 'subscription', index, subscriptionIndex, ...found };
    }
  }
  return undefined;
}
