import { settingsSchema, type ChangeRequest, type Conversation, type Customer, type Delivery, type Order, type Partner, type Price, type Product, type Quote, type Reservation, type Settings } from './schemas.ts';
import type { CustomerName, DueWork, StoreReads } from './store.ts';
import { instantText, text } from './postgresRows.ts';

/** Runs one statement and resolves with its rows. */
export type Run = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

export const noDirectory = 'the store is empty: it has no directory (partner and customers) until a world is imported';

/** A time asked about, as timestamptz text; a string that is not one is refused rather than matching nothing. */
function instant(iso: string, what: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) throw new Error(`${what}: not a date or time: ${JSON.stringify(iso)}`);
  return instantText(at);
}

const records = <R>(rows: Record<string, unknown>[]) => rows.map((row) => row.record as R);
const first = <R>(rows: Record<string, unknown>[]) => rows[0]?.record as R | undefined;
/** A customer written before there was a savings plan permission has none: off (R1), as the embedded store's schema reads it. */
function customerOf(record: unknown): Customer {
  const customer = record as Partial<Customer> & Omit<Customer, 'savingsPlanPermission'>;
  return { ...customer, savingsPlanPermission: customer.savingsPlanPermission ?? { enabled: false } };
}

/**
 * The store's reads on PostgreSQL, by statements that each use an index. Records come back parsed from their
 * JSON, so every one is a fresh copy. In a transaction (`claiming`), work that falls due is locked as it is
 * read, skipping what another instance has locked: two instances never claim the same work.
 */
export class PostgresReads implements StoreReads {
  readonly due: DueWork;

  constructor(
    protected readonly run: Run,
    claiming: boolean,
  ) {
    const lock = claiming ? ' FOR UPDATE SKIP LOCKED' : '';
    /** At most `limit` records whose `column` is before `bound` (or at it), earliest first; `pending` as the partial index says. */
    const due = async <R>(table: string, column: string, upTo: '<' | '<=', bound: string, limit: number, pending = false): Promise<R[]> => {
      if (!(limit > 0)) return [];
      const where = `${column} ${upTo} $1${pending ? ` AND state = 'Pending'` : ''}`;
      return records<R>(await this.run(`SELECT record FROM ${table} WHERE ${where} ORDER BY ${column}, id COLLATE "C" LIMIT $2${lock}`, [bound, Math.min(Math.floor(limit), 1e9)]));
    };
    this.due = {
      expiries: async (now, limit) => due<ChangeRequest>('requests', 'expires_at', '<=', instant(now, 'due.expiries'), limit, true),
      reminders: async (now, limit) => due<ChangeRequest>('requests', 'remind_at', '<=', instant(now, 'due.reminders'), limit),
      executions: async (now, limit) => due<ChangeRequest>('requests', 'execute_at', '<=', instant(now, 'due.executions'), limit),
      renewals: async (day, limit) => due<Reservation>('reservations', 'renew_at', '<=', instant(day, 'due.renewals'), limit),
      staleQuotes: async (before, limit) => due<Quote>('quotes', 'created_at', '<', instant(before, 'due.staleQuotes'), limit),
      deliveries: async (now, limit) => due<Delivery>('deliveries', 'next_attempt_at', '<=', instant(now, 'due.deliveries'), limit, true),
    };
  }

  async hasDirectory(): Promise<boolean> {
    return (await this.run('SELECT EXISTS (SELECT FROM partner) AS directory'))[0]!.directory === true;
  }

  async partner(): Promise<Partner> {
    const partner = first<Partner>(await this.run('SELECT record FROM partner'));
    if (!partner) throw new Error(noDirectory);
    return partner;
  }

  async settings(): Promise<Settings> {
    const [row] = await this.run('SELECT (SELECT record FROM settings) AS record, EXISTS (SELECT FROM partner) AS directory');
    if (!row?.directory) throw new Error(noDirectory);
    return (row.record as Settings | null) ?? settingsSchema.parse({});
  }

  async products(): Promise<Product[]> {
    return records(await this.run('SELECT record FROM products ORDER BY position'));
  }

  async prices(): Promise<Price[]> {
    return records(await this.run('SELECT record FROM prices ORDER BY position'));
  }

  async customer(id: string): Promise<Customer | undefined> {
    const record = first<Customer>(await this.run('SELECT record FROM customers WHERE id = $1', [text(id)]));
    return record && customerOf(record);
  }

  async customerNames(): Promise<CustomerName[]> {
    return (await this.run('SELECT id, name, domain FROM customers ORDER BY position')) as unknown as CustomerName[];
  }

  async customersMatching(query: string): Promise<Customer[]> {
    const q = text(query.trim().toLowerCase());
    if (!q) return [];
    const exact = await this.run('SELECT record FROM customers WHERE id_key = $1 OR domain_key = $1 OR name_key = $1 ORDER BY position', [q]);
    if (exact.length) return records(exact).map(customerOf);
    return records(await this.run('SELECT record FROM customers WHERE strpos(name_key, $1) > 0 OR strpos(domain_key, $1) > 0 ORDER BY position', [q])).map(customerOf);
  }

  async customers(ids: readonly string[]): Promise<Customer[]> {
    if (!ids.length) return [];
    const rows = await this.run('SELECT id, record FROM customers WHERE id = ANY($1::text[])', [ids.map(text)]);
    const byId = new Map(rows.map((row) => [row.id as string, customerOf(row.record)]));
    // Each asked for once is a copy of its own, also when an id is asked twice.
    return ids.flatMap((id) => (byId.has(text(id)) ? [structuredClone(byId.get(text(id))!)] : []));
  }

  async reservation(id: string): Promise<Reservation | undefined> {
    return first(await this.run('SELECT record FROM reservations WHERE id = $1', [text(id)]));
  }

  async reservations(customerId: string): Promise<Reservation[]> {
    return records(await this.run('SELECT record FROM reservations WHERE customer_id = $1 ORDER BY position', [text(customerId)]));
  }

  async orders(customerId: string): Promise<Order[]> {
    return records(await this.run('SELECT record FROM orders WHERE customer_id = $1 ORDER BY position', [text(customerId)]));
  }

  async orderOfQuote(quoteId: string): Promise<Order | undefined> {
    return first(await this.run('SELECT record FROM orders WHERE quote_id = $1', [text(quoteId)]));
  }

  async quote(id: string): Promise<Quote | undefined> {
    return first(await this.run('SELECT record FROM quotes WHERE id = $1', [text(id)]));
  }

  async quotesBy(tenantId: string, userId: string): Promise<Quote[]> {
    return records(await this.run('SELECT record FROM quotes WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at, position', [text(tenantId), text(userId)]));
  }

  async conversation(tenantId: string, userId: string): Promise<Conversation | undefined> {
    return first(await this.run('SELECT record FROM conversations WHERE tenant_id = $1 AND user_id = $2', [text(tenantId), text(userId)]));
  }

  async request(id: string): Promise<ChangeRequest | undefined> {
    return first(await this.run('SELECT record FROM requests WHERE id = $1', [text(id)]));
  }

  async requests(customerId?: string): Promise<ChangeRequest[]> {
    if (customerId === undefined) return records(await this.run('SELECT record FROM requests ORDER BY position'));
    return records(await this.run('SELECT record FROM requests WHERE customer_id = $1 ORDER BY position', [text(customerId)]));
  }

  async pendingRequest(reservationId: string): Promise<ChangeRequest | undefined> {
    return first(await this.run(`SELECT record FROM requests WHERE reservation_id = $1 AND state = 'Pending'`, [text(reservationId)]));
  }

  async delivery(id: string): Promise<Delivery | undefined> {
    return first(await this.run('SELECT record FROM deliveries WHERE id = $1', [text(id)]));
  }

  async deliveriesAbout(requestId: string): Promise<Delivery[]> {
    return records(await this.run('SELECT record FROM deliveries WHERE request_id = $1 ORDER BY position', [text(requestId)]));
  }
}
