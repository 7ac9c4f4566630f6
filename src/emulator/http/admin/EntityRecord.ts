/** Times and echoed settings the administration side keeps per entity (the broker itself has neither). */
export interface EntityRecord {
  readonly createdAt: number;
  updatedAt: number;
  accessedAt: number;
  /** Settings stored and echoed that change nothing in the broker's behaviour, by field name. */
  inert: Readonly<Record<string, string>>;
  userMetadata: string | undefined;
}

/** The administration side's records, per entity object (a deleted entity's record goes with it). */
export class EntityRecords {
  private readonly records = new WeakMap<object, EntityRecord>();

  constructor(private readonly startedAt: number) {}

  /** The entity's record; entities the administration API did not create date from the broker's start. */
  of(entity: object): EntityRecord {
    let record = this.records.get(entity);
    if (record === undefined) {
      record = { createdAt: this.startedAt, updatedAt: this.startedAt, accessedAt: this.startedAt, inert: {}, userMetadata: undefined };
      this.records.set(entity, record);
    }
    return record;
  }

  /** Records a new (or newly updated) entity's settings at `now`. */
  set(entity: object, now: number, inert: Readonly<Record<string, string>>, userMetadata: string | undefined): void {
    const existing = this.records.get(entity);
    this.records.set(entity, { createdAt: existing?.createdAt ?? now, updatedAt: now, accessedAt: now, inert, userMetadata });
  }
}
