import type {
  ChangeRequest,
  Conversation,
  Customer,
  Delivery,
  LogEntry,
  NewLogEntry,
  Order,
  Partner,
  Price,
  Product,
  Quote,
  Reservation,
  Settings,
} from './schemas.ts';

/** A customer as lists and lookups by name need it. */
export interface CustomerName {
  id: string;
  name: string;
  domain: string;
}

/** R19: what the activity log is read by. Times are ISO 8601; `from` is inclusive, `to` exclusive. */
export interface LogQuery {
  /** Entries about any of these customers (an empty list matches nothing); all entries when absent. */
  customerIds?: readonly string[];
  operations?: readonly string[];
  /** The person who acted: their user id (aadObjectId), or `system`. */
  actorId?: string;
  from?: string;
  to?: string;
  /** Only entries older than this sequence number: where the previous page ended. */
  beforeSeq?: number;
  /** At most this many entries, newest first. */
  limit: number;
}

/** The ids a new purchase gets. */
export interface PurchaseIds {
  orderId: string;
  reservationId: string;
}

/** The partner's directory as a world import writes it whole. */
export interface Directory {
  partner: Partner;
  customers: Customer[];
  products: Product[];
  prices: Price[];
}

/**
 * Everything the store can be asked. Every record returned is a copy: changing it changes nothing stored.
 * Lists are in the order records were added (oldest first) unless said otherwise.
 */
export interface StoreReads {
  /** False until a directory (a partner and its customers) is written: a new store is empty. */
  hasDirectory(): Promise<boolean>;
  partner(): Promise<Partner>;
  settings(): Promise<Settings>;
  products(): Promise<Product[]>;
  prices(): Promise<Price[]>;
  customer(id: string): Promise<Customer | undefined>;
  /** Every customer's id, name and domain, in directory order. */
  customerNames(): Promise<CustomerName[]>;
  /**
   * The customers whose id, domain or name is `text` (in any case), in directory order; if there are none, those
   * whose name or domain contains it. Nothing for blank text.
   */
  customersMatching(text: string): Promise<Customer[]>;
  /** The customers with these ids that exist, in the order asked. */
  customers(ids: readonly string[]): Promise<Customer[]>;
  reservation(id: string): Promise<Reservation | undefined>;
  reservations(customerId: string): Promise<Reservation[]>;
  orders(customerId: string): Promise<Order[]>;
  /** The order that bought this quote, if any: a quote is bought once. */
  orderOfQuote(quoteId: string): Promise<Order | undefined>;
  quote(id: string): Promise<Quote | undefined>;
  /** The quotes this person prepared, oldest first (bought ones too, until they are dropped). */
  quotesBy(tenantId: string, userId: string): Promise<Quote[]>;
  conversation(tenantId: string, userId: string): Promise<Conversation | undefined>;
  request(id: string): Promise<ChangeRequest | undefined>;
  /** Every request, or one customer's. */
  requests(customerId?: string): Promise<ChangeRequest[]>;
  /** The pending request about this reservation, if there is one (there is at most one, R15). */
  pendingRequest(reservationId: string): Promise<ChangeRequest | undefined>;
  /** Work that falls due, found by its deadline (never by reading every record), earliest first, at most `limit`. */
  due: DueWork;
  delivery(id: string): Promise<Delivery | undefined>;
  /** The deliveries of messages about this request, oldest first. */
  deliveriesAbout(requestId: string): Promise<Delivery[]>;
}

export interface DueWork {
  /** Pending requests whose expiry is at or before `now`. */
  expiries(now: string, limit: number): Promise<ChangeRequest[]>;
  /** Pending requests not yet reminded whose half time is at or before `now`. */
  reminders(now: string, limit: number): Promise<ChangeRequest[]>;
  /** Approved requests whose change is still to be carried out in Azure, due at or before `now`. */
  executions(now: string, limit: number): Promise<ChangeRequest[]>;
  /**
   * Active reservations with auto-renew on, not yet renewed, due on or before `day` (YYYY-MM-DD): 30 days before expiry
   * while no renewal price is locked, on their expiry day once one is (R17).
   */
  renewals(day: string, limit: number): Promise<Reservation[]>;
  /** Quotes prepared before `before`, to be dropped. */
  staleQuotes(before: string, limit: number): Promise<Quote[]>;
  /** Pending deliveries whose next attempt is at or before `now`. */
  deliveries(now: string, limit: number): Promise<Delivery[]>;
}

/**
 * One transaction: it reads what is committed plus its own writes, and nothing it writes, its log entries
 * included (R18), is seen by anyone else or kept until it commits, all together.
 */
export interface Transaction extends StoreReads {
  saveCustomer(customer: Customer): Promise<void>;
  savePrice(price: Price): Promise<void>;
  saveSettings(settings: Settings): Promise<void>;
  /** Replaces the partner, customers, products and prices (a world import); everything else is kept. */
  replaceDirectory(directory: Directory): Promise<void>;
  saveQuote(quote: Quote): Promise<void>;
  deleteQuote(id: string): Promise<void>;
  /** A new order with a fresh id (a refund). */
  addOrder(make: (id: string) => Order): Promise<Order>;
  /** A new reservation and the order that made it, with fresh ids (a purchase, an exchange, a renewal). */
  addPurchase(make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }): Promise<{ order: Order; reservation: Reservation }>;
  saveReservation(reservation: Reservation): Promise<void>;
  addRequest(make: (id: string) => ChangeRequest): Promise<ChangeRequest>;
  saveRequest(request: ChangeRequest): Promise<void>;
  saveConversation(conversation: Conversation): Promise<void>;
  /** A message to send once this transaction commits (the outbox), with a fresh id. */
  addDelivery(make: (id: string) => Delivery): Promise<Delivery>;
  saveDelivery(delivery: Delivery): Promise<void>;
  /** An activity-log entry (R18), kept if and only if the transaction commits; it gets the next sequence number. */
  log(entry: NewLogEntry): Promise<LogEntry>;
}

/** The append-only activity log, read by queries served from indexes. */
export interface LogReads {
  /** The newest entries that match, newest first. */
  query(query: LogQuery): Promise<LogEntry[]>;
  count(): Promise<number>;
}

/**
 * The store every service uses, and nothing else does (R22). Reads outside a transaction see what is committed.
 * `transaction` runs `work` with consistent reads and all-or-nothing writes: if `work` throws, nothing it
 * wrote is kept and the error is thrown on; once the promise resolves, everything it wrote is durable.
 * Work may await between its reads and writes: the rules it checks still hold when it commits.
 */
export interface Store extends StoreReads {
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  log: LogReads;
  /** Resolves if the store can be read and written now (for /healthz); rejects saying why not. */
  check(): Promise<void>;
  /** Where the store keeps its data, for the start-up line. */
  readonly location: string;
  /** Waits for transactions under way, writes what is pending, and releases the store. */
  close(): Promise<void>;
}
