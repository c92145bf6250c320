import { searchKeys, type DirectoryState } from './directoryState.ts';
import type { Overlay } from './overlay.ts';
import type { ChangeRequest, Conversation, Customer, Delivery, Order, Partner, Price, Product, Quote, Reservation, Settings } from './schemas.ts';
import type { CustomerName, DueWork, StoreReads } from './store.ts';
import type { Tables } from './tables.ts';
import { personKey, type Records, type TableName } from './tableSpecs.ts';

/** A time asked about, as ms since the epoch; a string that is not one is refused rather than matching nothing. */
function instant(iso: string, what: string): number {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new Error(`${what}: not a date or time: ${JSON.stringify(iso)}`);
  return at;
}

/** The committed values of a map with what `writes` put over them (null: deleted), in order: old ones, then new ones. */
function merged<V>(committed: ReadonlyMap<string, V> | undefined, writes: ReadonlyMap<string, V | null> | undefined): V[] {
  if (!writes?.size) return committed ? [...committed.values()] : [];
  const out: V[] = [];
  if (committed) {
    for (const [key, value] of committed) {
      if (!writes.has(key)) out.push(value);
      else if (writes.get(key)) out.push(writes.get(key)!);
    }
  }
  for (const [key, value] of writes) if (value && !committed?.has(key)) out.push(value);
  return out;
}

/**
 * The reads of the store over the committed tables and, in a transaction, its overlay: what it wrote is seen
 * first. Every index lookup is merged with the overlay's few records, so a read costs what it returns, never a
 * scan. What it returns is a copy.
 */
export class StoreView implements StoreReads {
  readonly due: DueWork;

  constructor(
    protected readonly tables: Tables,
    protected readonly overlay: Overlay | undefined,
    /** Throws if this view may no longer be read (a closed store, an ended transaction). */
    protected readonly guard: () => void,
  ) {
    this.due = {
      expiries: (now, limit) => this.read(() => this.dueRecords('requests', 'expiry', instant(now, 'due.expiries'), true, limit)),
      reminders: (now, limit) => this.read(() => this.dueRecords('requests', 'reminder', instant(now, 'due.reminders'), true, limit)),
      executions: (now, limit) => this.read(() => this.dueRecords('requests', 'execution', instant(now, 'due.executions'), true, limit)),
      renewals: (day, limit) => this.read(() => this.dueRecords('reservations', 'renewal', instant(day, 'due.renewals'), true, limit)),
      staleQuotes: (before, limit) => this.read(() => this.dueRecords('quotes', 'stale', instant(before, 'due.staleQuotes'), false, limit)),
      deliveries: (now, limit) => this.read(() => this.dueRecords('deliveries', 'due', instant(now, 'due.deliveries'), true, limit)),
    };
  }

  hasDirectory(): Promise<boolean> {
    return this.read(() => this.directory() !== undefined, false);
  }

  partner(): Promise<Partner> {
    return this.read(() => this.directoryOrThrow().partner);
  }

  settings(): Promise<Settings> {
    return this.read(() => {
      this.directoryOrThrow();
      return this.overlay?.settings ?? this.tables.settings;
    });
  }

  products(): Promise<Product[]> {
    return this.read(() => [...(this.directory()?.products ?? [])]);
  }

  prices(): Promise<Price[]> {
    return this.read(() => {
      const overlay = this.overlay;
      if (overlay?.directory) return [...overlay.directory.prices.values()];
      return merged(this.tables.directory?.prices, overlay?.prices);
    });
  }

  customer(id: string): Promise<Customer | undefined> {
    return this.read(() => this.customerNow(id));
  }

  customerNames(): Promise<CustomerName[]> {
    const committed = this.tables.directory;
    // Without changes of its own, a view hands out the committed list, which is frozen: nobody can change it.
    if (committed && !this.overlay?.directory && !this.overlay?.customers.size) return this.read(() => committed.customerNames() as CustomerName[], false);
    return this.read(() => this.allCustomers().map(({ id, name, domain }) => ({ id, name, domain })), false);
  }

  customersMatching(text: string): Promise<Customer[]> {
    return this.read(() => {
      const q = text.trim().toLowerCase();
      if (!q) return [];
      const exact: string[] = [];
      const partial: string[] = [];
      for (const [id, keys] of this.searchKeys()) {
        if (keys.id === q || keys.domain === q || keys.name === q) exact.push(id);
        else if (!exact.length && (keys.name.includes(q) || keys.domain.includes(q))) partial.push(id);
      }
      return (exact.length ? exact : partial).map((id) => this.customerNow(id)!);
    });
  }

  customers(ids: readonly string[]): Promise<Customer[]> {
    return this.read(() => ids.map((id) => this.customerNow(id)).filter((c): c is Customer => c !== undefined));
  }

  reservation(id: string): Promise<Reservation | undefined> {
    return this.read(() => this.record('reservations', id));
  }

  reservations(customerId: string): Promise<Reservation[]> {
    return this.read(() => this.listed('reservations', 'customer', customerId));
  }

  orders(customerId: string): Promise<Order[]> {
    return this.read(() => this.listed('orders', 'customer', customerId));
  }

  orderOfQuote(quoteId: string): Promise<Order | undefined> {
    return this.read(() => this.listed('orders', 'quote', quoteId)[0]);
  }

  quote(id: string): Promise<Quote | undefined> {
    return this.read(() => this.record('quotes', id));
  }

  quotesBy(tenantId: string, userId: string): Promise<Quote[]> {
    return this.read(() => this.listed('quotes', 'preparer', personKey(tenantId, userId)).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)));
  }

  conversation(tenantId: string, userId: string): Promise<Conversation | undefined> {
    return this.read(() => this.record('conversations', personKey(tenantId, userId)));
  }

  request(id: string): Promise<ChangeRequest | undefined> {
    return this.read(() => this.record('requests', id));
  }

  requests(customerId?: string): Promise<ChangeRequest[]> {
    return this.read(() =>
      customerId === undefined ? merged(this.tables.t.requests.rows, this.overlay?.table('requests')) : this.listed('requests', 'customer', customerId),
    );
  }

  pendingRequest(reservationId: string): Promise<ChangeRequest | undefined> {
    return this.read(() => this.listed('requests', 'pending', reservationId)[0]);
  }

  delivery(id: string): Promise<Delivery | undefined> {
    return this.read(() => this.record('deliveries', id));
  }

  deliveriesAbout(requestId: string): Promise<Delivery[]> {
    return this.read(() => this.listed('deliveries', 'request', requestId));
  }

  /** Runs a read after the guard, and resolves with a copy of what it found (a deep copy unless `copy` is false). */
  protected read<T>(find: () => T, copy = true): Promise<T> {
    try {
      this.guard();
      const found = find();
      return Promise.resolve(copy ? structuredClone(found) : found);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The directory as this view sees it: the one a world import in this transaction wrote, else the committed one. */
  protected directory(): DirectoryState | undefined {
    return this.overlay?.directory ?? this.tables.directory;
  }

  protected directoryOrThrow(): DirectoryState {
    const directory = this.directory();
    if (!directory) throw new Error('the store is empty: it has no directory (partner and customers) until a world is imported');
    return directory;
  }

  protected customerNow(id: string): Customer | undefined {
    const overlay = this.overlay;
    if (overlay?.directory) return overlay.directory.customers.get(id);
    return overlay?.customers.get(id) ?? this.tables.directory?.customers.get(id);
  }

  /** Every customer's lower-case keys by id, as this view sees the directory: the committed ones, with this transaction's changes. */
  private *searchKeys(): Generator<[string, CustomerName]> {
    const overlay = this.overlay;
    if (overlay?.directory) {
      for (const c of overlay.directory.customers.values()) yield [c.id, searchKeys(c)];
      return;
    }
    const changed = overlay?.customers;
    for (const [id, keys] of this.tables.directory?.searchable ?? []) {
      const now = changed?.get(id);
      if (now === undefined) yield [id, keys];
      else if (now) yield [id, searchKeys(now)];
    }
    for (const [id, c] of changed ?? []) if (c && !this.tables.directory?.customers.has(id)) yield [id, searchKeys(c)];
  }

  protected allCustomers(): Customer[] {
    const overlay = this.overlay;
    if (overlay?.directory) return [...overlay.directory.customers.values()];
    return merged(this.tables.directory?.customers, overlay?.customers);
  }

  /** The id of the customer with this domain (case-insensitively), as this view sees the directory. */
  protected customerWithDomain(domain: string): string | undefined {
    const lower = domain.toLowerCase();
    const overlay = this.overlay;
    if (overlay?.directory) return overlay.directory.domains.get(lower);
    for (const customer of overlay?.customers.values() ?? []) if (customer.domain.toLowerCase() === lower) return customer.id;
    const id = this.tables.directory?.domains.get(lower);
    return id !== undefined && !overlay?.customers.has(id) ? id : undefined;
  }

  protected record<K extends TableName>(name: K, key: string): Records[K] | undefined {
    const writes = this.overlay?.table(name);
    if (writes?.has(key)) return writes.get(key) ?? undefined;
    return this.tables.table(name).get(key);
  }

  /** The records listed under `key` in a group index, in the order they came (this transaction's new ones last). */
  protected listed<K extends TableName>(name: K, index: string, key: string): Records[K][] {
    const table = this.tables.table(name);
    const keys = table.group(index, key);
    const writes = this.overlay?.table(name);
    if (!writes?.size) return keys ? [...keys].map((k) => table.get(k)!) : [];
    const listedUnder = table.spec.groups[index]!;
    const out: Records[K][] = [];
    for (const k of keys ?? []) {
      if (!writes.has(k)) out.push(table.get(k)!);
      else {
        const written = writes.get(k);
        if (written && listedUnder(written) === key) out.push(written);
      }
    }
    for (const [k, written] of writes) if (written && !keys?.has(k) && listedUnder(written) === key) out.push(written);
    return out;
  }

  /** At most `limit` records due by `bound` in a deadline index, earliest first: the committed ones read from its front, merged with this transaction's. */
  protected dueRecords<K extends TableName>(name: K, index: string, bound: number, inclusive: boolean, limit: number): Records[K][] {
    if (!(limit > 0)) return [];
    const table = this.tables.table(name);
    const writes = this.overlay?.table(name);
    const found: { at: number; id: string; record: Records[K] }[] = [];
    for (const { at, id } of table.deadlines(index).upTo(bound, inclusive)) {
      if (found.length >= limit) break;
      if (!writes?.has(id)) found.push({ at, id, record: table.get(id)! });
    }
    if (!writes?.size) return found.map((f) => f.record);
    const dueAt = table.spec.deadlines[index]!;
    for (const [id, record] of writes) {
      const at = record ? dueAt(record) : undefined;
      if (record && at !== undefined && (at < bound || (inclusive && at === bound))) found.push({ at, id, record });
    }
    found.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return found.slice(0, limit).map((f) => f.record);
  }
}
