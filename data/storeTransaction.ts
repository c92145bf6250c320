import { DirectoryState } from './directoryState.ts';
import type { Overlay } from './overlay.ts';
import {
  logEntrySchema,
  priceKey,
  priceSchema,
  settingsSchema,
  storedCustomerSchema,
  type ChangeRequest,
  type Conversation,
  type Customer,
  type Delivery,
  type LogEntry,
  type NewLogEntry,
  type Order,
  type Price,
  type Quote,
  type Reservation,
  type Settings,
} from './schemas.ts';
import type { Directory, PurchaseIds, Transaction } from './store.ts';
import { checkedDirectory, checkedRecord, checkedTableRecord, customerProblem, numbering } from './storeChange.ts';
import { StoreView } from './storeView.ts';
import type { Tables } from './tables.ts';
import { tableSpecs, type Records, type TableName, type TableSpec } from './tableSpecs.ts';

/**
 * One transaction's view and writes: it reads the committed state with its own writes over it, and writes only
 * to its overlay. Every record given is checked by its schema and copied in; every record returned is a copy.
 * Log entries are numbered from `firstSeq`, the number after the last committed entry.
 */
export class StoreTransaction extends StoreView implements Transaction {
  constructor(tables: Tables, protected override readonly overlay: Overlay, private readonly firstSeq: number, guard: () => void) {
    super(tables, overlay, guard);
  }

  saveCustomer(customer: Customer): Promise<void> {
    return this.write(() => {
      const directory = this.directoryOrThrow();
      const checked = checkedRecord(storedCustomerSchema, customer, 'customer');
      const problem = customerProblem(checked, directory.partner.tenantId, this.customerWithDomain(checked.domain));
      if (problem) throw new Error(`not a valid customer: ${problem}`);
      if (this.overlay.directory) this.overlay.directory.putCustomer(checked);
      else this.overlay.customers.set(checked.id, checked);
    });
  }

  savePrice(price: Price): Promise<void> {
    return this.write(() => {
      const directory = this.directoryOrThrow();
      const checked = checkedRecord(priceSchema, price, 'price');
      if (!directory.skus.has(checked.sku.toLowerCase())) throw new Error(`not a valid price: ${checked.sku} is not in products`);
      if (this.overlay.directory) this.overlay.directory.putPrice(checked);
      else this.overlay.prices.set(priceKey(checked), checked);
    });
  }

  saveSettings(settings: Settings): Promise<void> {
    return this.write(() => {
      this.overlay.settings = checkedRecord(settingsSchema, settings, 'settings');
    });
  }

  replaceDirectory(directory: Directory): Promise<void> {
    return this.write(() => {
      this.overlay.directory = DirectoryState.from(checkedDirectory(directory));
      this.overlay.customers.clear();
      this.overlay.prices.clear();
    });
  }

  saveQuote(quote: Quote): Promise<void> {
    return this.write(() => {
      this.put('quotes', quote);
    });
  }

  deleteQuote(id: string): Promise<void> {
    return this.write(() => this.overlay.delete('quotes', id, this.tables.t.quotes.has(id)));
  }

  addOrder(make: (id: string) => Order): Promise<Order> {
    return this.write(() => {
      const id = this.nextId('orders');
      return structuredClone(this.put('orders', make(id), id));
    });
  }

  addPurchase(make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }): Promise<{ order: Order; reservation: Reservation }> {
    return this.write(() => {
      const ids = { orderId: this.nextId('orders'), reservationId: this.nextId('reservations') };
      const made = make(ids);
      // Both checked before either is kept: a purchase is added whole or not at all.
      const order = checkedTableRecord('orders', made?.order, ids.orderId);
      const reservation = checkedTableRecord('reservations', made?.reservation, ids.reservationId);
      this.overlay.put('orders', order.id, order);
      this.overlay.put('reservations', reservation.id, reservation);
      return structuredClone({ order, reservation });
    });
  }

  saveReservation(reservation: Reservation): Promise<void> {
    return this.write(() => {
      this.put('reservations', reservation);
    });
  }

  addRequest(make: (id: string) => ChangeRequest): Promise<ChangeRequest> {
    return this.write(() => {
      const id = this.nextId('requests');
      return structuredClone(this.put('requests', make(id), id));
    });
  }

  saveRequest(request: ChangeRequest): Promise<void> {
    return this.write(() => {
      this.put('requests', request);
    });
  }

  saveConversation(conversation: Conversation): Promise<void> {
    return this.write(() => {
      this.put('conversations', conversation);
    });
  }

  addDelivery(make: (id: string) => Delivery): Promise<Delivery> {
    return this.write(() => {
      const id = this.nextId('deliveries');
      return structuredClone(this.put('deliveries', make(id), id));
    });
  }

  saveDelivery(delivery: Delivery): Promise<void> {
    return this.write(() => {
      this.put('deliveries', delivery);
    });
  }

  log(entry: NewLogEntry): Promise<LogEntry> {
    return this.write(() => {
      const { seq: _ignored, ...rest } = entry as NewLogEntry & { seq?: unknown };
      const stored = checkedRecord(logEntrySchema, { seq: this.firstSeq + this.overlay.log.length, ...rest }, 'log entry');
      this.overlay.log.push(stored);
      return structuredClone(stored);
    });
  }

  /** Runs a write after the guard; resolves with what it returns, rejects with what it throws. */
  private write<T>(run: () => T): Promise<T> {
    try {
      this.guard();
      return Promise.resolve(run());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Checks and copies `record` into the overlay. */
  private put<K extends TableName>(name: K, record: Records[K], freshId?: string): Records[K] {
    const checked = checkedTableRecord(name, record, freshId);
    this.overlay.put(name, (tableSpecs[name] as unknown as TableSpec<Records[K]>).key(checked), checked);
    return checked;
  }

  /** The id the next new record of a numbered table gets: by count (committed + this transaction's new ones), skipping any taken. */
  private nextId(name: keyof typeof numbering): string {
    const { prefix, first } = numbering[name];
    const table = this.tables.table(name);
    let added = 0;
    for (const [key, record] of this.overlay.table(name) ?? []) if (record && !table.has(key)) added += 1;
    let n = first + table.size + added;
    while (this.record(name, `${prefix}${n}`)) n += 1;
    return `${prefix}${n}`;
  }
}
