import { DirectoryState } from './directoryState.ts';
import { settingsSchema, type Settings, type StoreData } from './schemas.ts';
import type { StoreChange } from './storeChange.ts';
import { Table } from './table.ts';
import { tableNames, tableSpecs, type Records, type TableName } from './tableSpecs.ts';

type AllTables = { readonly [K in TableName]: Table<Records[K]> };

/**
 * The committed state, in memory: the directory (none in a new store), the settings, and a table per kind of
 * record with the indexes the store's reads need. Changed only by `apply`, one transaction at a time.
 */
export class Tables {
  directory?: DirectoryState;
  settings: Settings = settingsSchema.parse({});
  readonly t: AllTables = {
    reservations: new Table(tableSpecs.reservations),
    orders: new Table(tableSpecs.orders),
    quotes: new Table(tableSpecs.quotes),
    conversations: new Table(tableSpecs.conversations),
    requests: new Table(tableSpecs.requests),
    deliveries: new Table(tableSpecs.deliveries),
  };

  /** The state a snapshot holds (already checked), or an empty store. Throws on two records with one key. */
  static load(data?: StoreData): Tables {
    const tables = new Tables();
    if (!data) return tables;
    tables.directory = DirectoryState.from(data);
    tables.settings = data.settings;
    for (const name of tableNames) tables.table(name).load(data[name]);
    return tables;
  }

  table<K extends TableName>(name: K): Table<Records[K]> {
    return this.t[name];
  }

  /**
   * Applies one committed transaction, in one synchronous step. Its records were checked when written (or read
   * back from the journal), so nothing here can fail half-way, save a customer or price without a directory,
   * which `check` finds first.
   */
  apply(change: StoreChange): void {
    this.check(change);
    if (change.directory) this.directory = DirectoryState.from(change.directory);
    if (change.settings) this.settings = change.settings;
    for (const customer of change.customers ?? []) this.directory!.putCustomer(customer);
    for (const price of change.prices ?? []) this.directory!.putPrice(price);
    for (const name of tableNames) {
      const table = this.table(name) as Table<unknown>;
      for (const record of change.put?.[name] ?? []) table.put(record);
    }
    for (const key of change.deleted?.quotes ?? []) this.t.quotes.delete(key);
  }

  /** Throws if `change` cannot be applied as a whole. */
  check(change: StoreChange): void {
    if ((change.customers?.length || change.prices?.length) && !change.directory && !this.directory) {
      throw new Error(`transaction ${change.txn} changes customers or prices of a store without a directory`);
    }
  }

  /** The whole state as `store.json` holds it; the lists are taken now, the records are shared (never changed in place). */
  snapshot(committed: number): StoreData {
    const directory = this.directory;
    if (!directory) throw new Error('a store without a directory has no snapshot');
    const rows = <K extends TableName>(name: K): Records[K][] => Array.from(this.table(name).rows.values());
    return {
      schemaVersion: 3,
      committed,
      partner: directory.partner,
      customers: Array.from(directory.customers.values()),
      products: [...directory.products],
      prices: Array.from(directory.prices.values()),
      settings: this.settings,
      reservations: rows('reservations'),
      orders: rows('orders'),
      quotes: rows('quotes'),
      conversations: rows('conversations'),
      requests: rows('requests'),
      deliveries: rows('deliveries'),
    };
  }
}
