import type { EditableMessage } from '../filters/EditableMessage';
import type { MessageView } from '../filters/MessageView';
import type { RuleAction } from '../filters/RuleFilter';
import type { MessageContent } from '../wire/MessageContent';
import type { Queue } from './Queue';
import type { Rule } from '../filters/Rule';

/**
 * One subscription of a topic: a {@link Queue} (sessions, locks, DLQ, TTL, forwarding: everything a queue
 * does) plus the rules that choose which messages of the topic it gets.
 */
export class Subscription {
  /** The rules by lower-case name, in creation order. */
  private readonly ruleMap = new Map<string, Rule>();
  /** Fast path: some rule takes every message unchanged and no rule has an action. */
  private acceptsAll = false;
  private hasActions = false;

  constructor(
    /** The subscription's name inside its topic. */
    readonly name: string,
    readonly topicName: string,
    /** The subscription's message store; its name is `<topic>/Subscriptions/<name>`. */
    readonly queue: Queue,
    rules: readonly Rule[],
  ) {
    for (const rule of rules) this.ruleMap.set(rule.name.toLowerCase(), rule);
    this.rulesChanged();
  }

  /** The rules, in creation order. */
  get rules(): readonly Rule[] {
    return [...this.ruleMap.values()];
  }

  rule(name: string): Rule | undefined {
    return this.ruleMap.get(name.toLowerCase());
  }

  /** Adds or replaces a rule (the namespace checks names). */
  setRule(rule: Rule): void {
    this.ruleMap.set(rule.name.toLowerCase(), rule);
    this.rulesChanged();
  }

  deleteRule(name: string): boolean {
    const deleted = this.ruleMap.delete(name.toLowerCase());
    this.rulesChanged();
    return deleted;
  }

  /**
   * This subscription's copy of a message sent to the topic, or `undefined` when no rule matches. Any
   * matching rule selects the message (one copy however many match); the actions of all matching rules are
   * applied to the copy in rule order. Without actions the copy is the topic's content itself (immutable,
   * shared); `view.get()` (the decoded message, shared by the fan-out) is called only when a rule needs it.
   */
  select(content: MessageContent, view: { get(): MessageView }, edit: (view: MessageView) => EditableMessage): MessageContent | undefined {
    if (this.acceptsAll) return content;
    let matched = false;
    let actions: RuleAction[] | undefined;
    for (const rule of this.ruleMap.values()) {
      if (!rule.filter.matches(view.get())) continue;
      matched = true;
      if (rule.action !== undefined) (actions ??= []).push(rule.action);
      else if (!this.hasActions) break;
    }
    if (!matched) return undefined;
    if (actions === undefined) return content;
    const copy = edit(view.get());
    for (const action of actions) action.apply(copy);
    return copy.toContent();
  }

  private rulesChanged(): void {
    const rules = [...this.ruleMap.values()];
    this.hasActions = rules.some((rule) => rule.action !== undefined);
    this.acceptsAll = !this.hasActions && rules.some((rule) => rule.acceptsAll);
  }
}
