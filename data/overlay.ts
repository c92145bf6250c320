import type { DirectoryState } from './directoryState.ts';
import type { Customer, LogEntry, Price, Settings } from './schemas.ts';
import type { StoreChange } from './storeChange.ts';
import { tableNames, type Records, type TableName } from './tableSpecs.ts';

type Writes = { [K in TableName]?: Map<string, Records[K] | null> };

/**
 * What one transaction has written so far, over the committed state: records put (by key; null for a
 * deleted quote), a replaced directory, customers and prices saved, settings, and its log entries. Its reads
 * see these first; at commit it becomes one journal line.
 */
export class Overlay {
  private readonly writes: Writes = {};
  /** A world import: the whole directory as this transaction left it (later saves change this copy). */
  directory?: DirectoryState;
  /** Customers and price rows saved on the committed directory (empty once the directory is replaced). */
  readonly customers = new Map<string, Customer>();
  readonly prices = new Map<string, Price>();
  settings?: Settings;
  readonly log: LogEntry[] = [];

  /** This transaction's writes to one table, if any: a record, or null where it deleted one. */
  table<K extends TableName>(name: K): ReadonlyMap<string, Records[K] | null> | undefined {
    return this.writes[name] as Map<string, Records[K] | null> | undefined;
  }

  put<K extends TableName>(name: K, key: string, record: Records[K]): void {
    this.writable(name).set(key, record);
  }

  /** Deletes a record: marked deleted if committed, else only forgotten (it was this transaction's own). */
  delete<K extends TableName>(name: K, key: string, committed: boolean): void {
    if (committed) this.writable(name).set(key, null);
    else this.writes[name]?.delete(key);
  }

  isEmpty(): boolean {
    return (
      !this.directory &&
      !this.settings &&
      this.customers.size === 0 &&
      this.prices.size === 0 &&
      this.log.length === 0 &&
      tableNames.every((name) => !this.writes[name]?.size)
    );
  }

  /** Everything written, as the journal line of transaction `txn`. */
  toChange(txn: number): StoreChange {
    const change: StoreChange = { txn };
    if (this.directory) {
      const d = this.directory;
      change.directory = { partner: d.partner, customers: [...d.customers.values()], products: [...d.products], prices: [...d.prices.values()] };
    }
    if (this.settings) change.settings = this.settings;
    if (this.customers.size) change.customers = [...this.customers.values()];
    if (this.prices.size) change.prices = [...this.prices.values()];
    const put: Record<string, unknown[]> = {};
    const deleted: string[] = [];
    for (const name of tableNames) {
      const writes = this.writes[name];
      if (!writes?.size) continue;
      const records: unknown[] = [];
      for (const [key, record] of writes) {
        if (record) records.push(record);
        else if (name === 'quotes') deleted.push(key);
        else throw new Error(`${name} cannot be deleted`);
      }
      if (records.length) put[name] = records;
    }
    if (Object.keys(put).length) change.put = put as StoreChange['put'];
    if (deleted.length) change.deleted = { quotes: deleted };
    if (this.log.length) change.log = [...this.log];
    return change;
  }

  private writable<K extends TableName>(name: K): Map<string, Records[K] | null> {
    let writes = this.writes[name] as Map<string, Records[K] | null> | undefined;
    if (!writes) this.writes[name] = writes = new Map() as Writes[K];
    return writes!;
  }
}
