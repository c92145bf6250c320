import { PostgresReads, noDirectory, type Run } from './postgresReads.ts';
import { customerColumns, logColumns, priceColumns, productColumns, rowSpecs, text, rowWrite } from './postgresRows.ts';
import {
  logEntrySchema,
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
import type { Records, TableName } from './tableSpecs.ts';

/** The sequence each numbered table's new ids are taken from. */
export const sequences = { orders: 'order_number', reservations: 'reservation_number', requests: 'request_number', deliveries: 'delivery_number' } as const;
type NumberedTable = keyof typeof sequences;

/**
 * The numbers one transaction drew for its new records, kept across its attempts. A transaction run again after a
 * conflict is one transaction to its caller: each attempt takes the numbers the attempts before it drew, in the
 * same order, so that a conflict nobody sees skips no order, reservation, request or delivery number. (A number
 * drawn from a sequence is nobody else's: the attempt that drew it was rolled back.)
 */
export class DrawnNumbers {
  private readonly drawn = new Map<NumberedTable, string[]>();
  private readonly taken = new Map<NumberedTable, number>();

  /** Starts an attempt: the numbers drawn so far are offered again from the first. */
  rewind(): void {
    this.taken.clear();
  }

  /** The attempt's next number for `table`: the one drawn at this place before, else a new one. */
  async next(table: NumberedTable, draw: () => Promise<string>): Promise<string> {
    const list = this.drawn.get(table) ?? [];
    this.drawn.set(table, list);
    const place = this.taken.get(table) ?? 0;
    this.taken.set(table, place + 1);
    const id = list[place] ?? (await draw());
    list[place] = id;
    return id;
  }
}

/**
 * One transaction on PostgreSQL, on one connection inside BEGIN … COMMIT (serializable: see PostgresStore). Every
 * record given is checked by the store's schemas before it is written, as in the embedded store; the database's
 * own constraints (one order per quote, one pending request per reservation, one renewal per reservation,
 * unique domains) are a second line.
 */
export class PostgresTransaction extends PostgresReads implements Transaction {
  constructor(
    run: Run,
    private readonly numbers = new DrawnNumbers(),
  ) {
    super(run, true);
  }

  async saveCustomer(customer: Customer): Promise<void> {
    const checked = checkedRecord(storedCustomerSchema, customer, 'customer');
    const partner = await this.partner();
    const [holder] = await this.run('SELECT id FROM customers WHERE domain_key = $1', [text(checked.domain.toLowerCase())]);
    const problem = customerProblem(checked, partner.tenantId, holder?.id as string | undefined);
    if (problem) throw new Error(`not a valid customer: ${problem}`);
    const { sql, params } = rowWrite('customers', ['id'], customerColumns(checked), checked);
    await this.run(sql, params);
  }

  async savePrice(price: Price): Promise<void> {
    const checked = checkedRecord(priceSchema, price, 'price');
    const [row] = await this.run('SELECT EXISTS (SELECT FROM partner) AS directory, EXISTS (SELECT FROM products WHERE sku_key = $1) AS product', [text(checked.sku.toLowerCase())]);
    if (!row?.directory) throw new Error(noDirectory);
    if (!row.product) throw new Error(`not a valid price: ${checked.sku} is not in products`);
    const { sql, params } = rowWrite('prices', ['price_key'], priceColumns(checked), checked);
    await this.run(sql, params);
  }

  async saveSettings(settings: Settings): Promise<void> {
    const checked = checkedRecord(settingsSchema, settings, 'settings');
    await this.run('INSERT INTO settings (record) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET record = excluded.record', [JSON.stringify(checked)]);
  }

  async replaceDirectory(directory: Directory): Promise<void> {
    const { partner, customers, products, prices } = checkedDirectory(directory);
    await this.run('DELETE FROM customers');
    await this.run('DELETE FROM products');
    await this.run('DELETE FROM prices');
    await this.run('INSERT INTO partner (tenant_id, record) VALUES ($1, $2) ON CONFLICT (singleton) DO UPDATE SET tenant_id = excluded.tenant_id, record = excluded.record', [
      text(partner.tenantId),
      JSON.stringify(partner),
    ]);
    // Many rows in one statement each: a world of 10,000 customers is three round trips, not 10,000.
    await insertMany(this.run, 'customers', customers.map((c) => ({ ...customerColumns(c), record: c })));
    await insertMany(this.run, 'products', products.map((p) => ({ ...productColumns(p), record: p })));
    await insertMany(this.run, 'prices', prices.map((p) => ({ ...priceColumns(p), record: p })));
  }

  async saveQuote(quote: Quote): Promise<void> {
    await this.put('quotes', quote);
  }

  async deleteQuote(id: string): Promise<void> {
    await this.run('DELETE FROM quotes WHERE id = $1', [text(id)]);
  }

  async addOrder(make: (id: string) => Order): Promise<Order> {
    const id = await this.nextId('orders');
    return this.put('orders', make(id), id, 'insert');
  }

  async addPurchase(make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }): Promise<{ order: Order; reservation: Reservation }> {
    const ids = { orderId: await this.nextId('orders'), reservationId: await this.nextId('reservations') };
    const made = make(ids);
    // Both checked before either is written: a purchase is added whole or not at all.
    const order = checkedTableRecord('orders', made?.order, ids.orderId);
    const reservation = checkedTableRecord('reservations', made?.reservation, ids.reservationId);
    await this.write('orders', order, 'insert');
    await this.write('reservations', reservation, 'insert');
    return structuredClone({ order, reservation });
  }

  async saveReservation(reservation: Reservation): Promise<void> {
    await this.put('reservations', reservation);
  }

  async addRequest(make: (id: string) => ChangeRequest): Promise<ChangeRequest> {
    const id = await this.nextId('requests');
    return this.put('requests', make(id), id, 'insert');
  }

  async saveRequest(request: ChangeRequest): Promise<void> {
    await this.put('requests', request);
  }

  async saveConversation(conversation: Conversation): Promise<void> {
    await this.put('conversations', conversation);
  }

  async addDelivery(make: (id: string) => Delivery): Promise<Delivery> {
    const id = await this.nextId('deliveries');
    return this.put('deliveries', make(id), id, 'insert');
  }

  async saveDelivery(delivery: Delivery): Promise<void> {
    await this.put('deliveries', delivery);
  }

  async log(entry: NewLogEntry): Promise<LogEntry> {
    const { seq: _ignored, ...rest } = entry as NewLogEntry & { seq?: unknown };
    const { seq: _placeholder, ...checked } = checkedRecord(logEntrySchema, { seq: 1, ...rest }, 'log entry');
    const { at, customer_id, operation, actor_id, outcome } = logColumns(checked);
    const [row] = await this.run(
      `INSERT INTO activity_log (seq, at, customer_id, operation, actor_id, outcome, entry) VALUES (nextval('activity_seq'), $1, $2, $3, $4, $5, $6) RETURNING seq`,
      [at, customer_id, operation, actor_id, outcome, JSON.stringify(checked)],
    );
    return { seq: Number(row!.seq), ...checked };
  }

  /** Checks `record` by its table's schema and writes it; resolves with a copy of what was written. */
  private async put<K extends TableName>(name: K, record: Records[K], freshId?: string, how: 'insert' | 'upsert' = 'upsert'): Promise<Records[K]> {
    const checked = checkedTableRecord(name, record, freshId);
    await this.write(name, checked, how);
    return structuredClone(checked);
  }

  /** Writes a checked record: a new one is inserted (its number taken already is refused), a saved one upserted. */
  private async write<K extends TableName>(name: K, checked: Records[K], how: 'insert' | 'upsert' = 'upsert'): Promise<void> {
    const spec = rowSpecs[name];
    const { sql, params } = rowWrite(spec.table, spec.key, spec.columns(checked), checked, how);
    await this.run(sql, params);
  }

  /**
   * The next id of a numbered table, from its sequence, or the one an earlier attempt of this transaction drew (a
   * transaction that does not commit leaves a gap).
   */
  private nextId(name: NumberedTable): Promise<string> {
    return this.numbers.next(name, async () => {
      const [row] = await this.run(`SELECT nextval('${sequences[name]}') AS n`);
      return `${numbering[name].prefix}${row!.n as string}`;
    });
  }
}

/** Inserts rows (columns and a `record` each) into `table` in one statement, from one JSON array parameter. */
async function insertMany(run: Run, table: string, rows: Record<string, unknown>[]): Promise<void> {
  if (!rows.length) return;
  const names = Object.keys(rows[0]!);
  await run(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM json_populate_recordset(NULL::${table}, $1) WITH ORDINALITY AS row ORDER BY row.ordinality`,
    [JSON.stringify(rows)],
  );
}
