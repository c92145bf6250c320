import { DeadlineIndex, type Deadline } from './deadlineIndex.ts';
import type { TableSpec } from './tableSpecs.ts';

/**
 * One table of committed records, by key, in the order they were added, with the secondary and deadline
 * indexes its spec names. Records are never changed in place: a put replaces the object, so a list of the
 * objects taken at one moment (a snapshot being written) stays as it was.
 */
export class Table<R> {
  readonly rows = new Map<string, R>();
  /** Per group index: the key a record is listed under → its record's key, or their keys once there are two or more (most keys list one). */
  private readonly groupIndexes = new Map<string, Map<string, string | Set<string>>>();
  private readonly deadlineIndexes = new Map<string, DeadlineIndex>();

  constructor(readonly spec: TableSpec<R>) {
    for (const name of Object.keys(spec.groups)) this.groupIndexes.set(name, new Map());
    for (const name of Object.keys(spec.deadlines)) this.deadlineIndexes.set(name, new DeadlineIndex());
  }

  get size(): number {
    return this.rows.size;
  }

  get(key: string): R | undefined {
    return this.rows.get(key);
  }

  has(key: string): boolean {
    return this.rows.has(key);
  }

  /** The keys of the records listed under `key` in the group index `index`, in the order they came. */
  group(index: string, key: string): ReadonlySet<string> | undefined {
    const keys = this.groupIndex(index).get(key);
    return typeof keys === 'string' ? new Set([keys]) : keys;
  }

  deadlines(index: string): DeadlineIndex {
    const found = this.deadlineIndexes.get(index);
    if (!found) throw new Error(`${this.spec.what}: no deadline index ${index}`);
    return found;
  }

  put(record: R): void {
    const key = this.spec.key(record);
    const old = this.rows.get(key);
    this.rows.set(key, record);
    for (const [name, keyOf] of Object.entries(this.spec.groups)) {
      const before = old === undefined ? undefined : keyOf(old);
      const after = keyOf(record);
      if (old !== undefined && before === after) continue;
      if (before !== undefined) this.unlist(name, before, key);
      if (after !== undefined) this.list(name, after, key);
    }
    for (const [name, dueAt] of Object.entries(this.spec.deadlines)) this.deadlines(name).set(key, dueAt(record));
  }

  delete(key: string): void {
    const old = this.rows.get(key);
    if (old === undefined) return;
    this.rows.delete(key);
    for (const [name, keyOf] of Object.entries(this.spec.groups)) {
      const before = keyOf(old);
      if (before !== undefined) this.unlist(name, before, key);
    }
    for (const name of Object.keys(this.spec.deadlines)) this.deadlines(name).set(key, undefined);
  }

  /**
   * Fills the empty table with records already checked (a store being opened), sorting each deadline index
   * once. Two records with the same key are refused: which one is meant cannot be known.
   */
  load(records: readonly R[]): void {
    if (this.rows.size) throw new Error(`${this.spec.what}: load into a table that is not empty`);
    const groups = Object.entries(this.spec.groups);
    const dueAts = Object.entries(this.spec.deadlines).map(([name, dueAt]) => ({ name, dueAt, entries: [] as Deadline[] }));
    for (const record of records) {
      const key = this.spec.key(record);
      if (this.rows.has(key)) throw new Error(`two ${this.spec.what}s have the key ${JSON.stringify(key)}`);
      this.rows.set(key, record);
      for (const [name, keyOf] of groups) {
        const listed = keyOf(record);
        if (listed !== undefined) this.list(name, listed, key);
      }
      for (const { dueAt, entries } of dueAts) {
        const at = dueAt(record);
        if (at !== undefined) entries.push({ at, id: key });
      }
    }
    for (const { name, entries } of dueAts) this.deadlines(name).load(entries);
  }

  private groupIndex(index: string): Map<string, string | Set<string>> {
    const found = this.groupIndexes.get(index);
    if (!found) throw new Error(`${this.spec.what}: no index ${index}`);
    return found;
  }

  private list(index: string, listed: string, key: string): void {
    const groups = this.groupIndex(index);
    const keys = groups.get(listed);
    if (keys === undefined) groups.set(listed, key);
    else if (typeof keys === 'string') {
      if (keys !== key) groups.set(listed, new Set([keys, key]));
    } else keys.add(key);
  }

  private unlist(index: string, listed: string, key: string): void {
    const groups = this.groupIndex(index);
    const keys = groups.get(listed);
    if (keys === key) groups.delete(listed);
    else if (typeof keys === 'object') {
      keys.delete(key);
      if (keys.size === 1) groups.set(listed, keys.values().next().value!);
    }
  }
}
