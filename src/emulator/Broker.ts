import { randomBytes } from 'node:crypto';
import type { SchedulerLike } from 'rxjs';
import { asyncScheduler } from 'rxjs/internal/scheduler/async';
import type { BrokerServices } from './BrokerServices';
import type { SasKeyring } from './cbs/SasKeyring';
import type { JwtValidator } from './config/EmulatorOptions';
import { Namespace, type NamespaceEntities } from './entities/Namespace';
import { FaultInjector } from './FaultInjector';
import { DeadlineHeap } from './locks/DeadlineHeap';
import { LockTokens } from './wire/lockToken';


/**
 * The broker's state independent of any connection: entities, clock, deadlines, lock tokens, faults.
 * @throws EntityOptionsError / EntityAlreadyExistsError when `entities` are invalid (see `Namespace.createAll`).
 */
export class Broker implements BrokerServices {
  readonly deadlines: DeadlineHeap;
  readonly lockTokens = new LockTokens();
  readonly faults = new FaultInjector();
  readonly namespace: Namespace;
  /** Scheduler time when the broker was created: when the entities of its configuration were created. */
  readonly startedAt: number;

  constructor(
    entities: NamespaceEntities,
    /** The keys CBS tokens are verified against, with their rights. */
    readonly sasKeys: SasKeyring,
    private readonly scheduler: SchedulerLike,
    /** Reports failures that have no client to go to (a throwing handler, a socket error). */
    readonly warn: (message: string) => void,
    /** Decides `jwt` put-tokens; without it they are refused. */
    readonly validateJwt?: JwtValidator,
  ) {
    this.startedAt = scheduler.now();
    this.deadlines = new DeadlineHeap(scheduler, (error) => warn(`Broker deadline failed: ${describe(error)}`));
    this.namespace = new Namespace(this);
    try {
      this.namespace.createAll(entities);
    } catch (error: unknown) {
      this.deadlines.close();
      throw error;
    }
  }

  private readonly messageIdPrefix = randomBytes(8).toString('hex');
  private messageIdCounter = 0;

  /** The real clock's time read in this tick (-1: not read yet); see {@link now}. */
  private tickNow = -1;
  private readonly forgetTickNow = (): void => {
    this.tickNow = -1;
  };

  /**
   * The scheduler's time. On the real clock it is read once per tick and kept until the tick's work is
   * done (`process.nextTick`): a pass over one socket read takes each of its messages in (and hands
   * them out) at the time it began, instead of reading the clock twice per message.
   */
  now(): number {
    if (this.tickNow >= 0) return this.tickNow;
    const now = this.scheduler.now();
    if (this.scheduler === asyncScheduler) {
      this.tickNow = now;
      process.nextTick(this.forgetTickNow);
    }
    return now;
  }

  newMessageId(): string {
    return this.messageIdPrefix + (++this.messageIdCounter).toString(16).padStart(16, '0');
  }

  get clock(): SchedulerLike {
    return this.scheduler;
  }
}

/** A thrown value as text for a warning. */
export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
