import type { ChangeRequest, Conversation, Customer, LogEntry, NewLogEntry, Order, Partner, Price, Product, PurchasePermission, Quote, Reservation, Settings } from './schemas.ts';

/** The partner's directory: who its agents are, its customers and their subscriptions, its catalogue and prices, its settings. */
export interface DirectoryRepository {
  partner(): Partner;
  customers(): readonly Customer[];
  customer(id: string): Customer | undefined;
  products(): readonly Product[];
  prices(): readonly Price[];
  settings(): Settings;
  /** Each of these resolves once the change is durable. */
  setPurchasePermission(customerId: string, permission: PurchasePermission): Promise<void>;
  /** Sets (or, with undefined, withdraws) the partner price of the catalogue row that `row` names exactly. */
  setPartnerPrice(row: Pick<Price, 'sku' | 'region' | 'term'>, partnerPrice: number | undefined): Promise<void>;
  setSettings(settings: Settings): Promise<void>;
}

/** The ids a new purchase gets, handed out when it is recorded. */
export interface PurchaseIds {
  orderId: string;
  reservationId: string;
}

/** Reservations, Order history and the quotes waiting to be confirmed. */
export interface PurchaseRepository {
  reservations(customerId: string): readonly Reservation[];
  orders(customerId: string): readonly Order[];
  quote(id: string): Quote | undefined;
  /** The purchase of this quote once it is durable (writes under way are waited for). */
  boughtQuote(quoteId: string): Promise<{ order: Order; reservation: Reservation } | undefined>;
  /** Keeps a quote, dropping those created before `dropBefore` (an order keeps the id of the quote it bought). */
  saveQuote(quote: Quote, dropBefore: string): Promise<void>;
  /**
   * Records the purchase of a quote exactly once: if it was already bought, returns that order and
   * records nothing. Otherwise adds what `make` builds with fresh ids, and resolves once it is durable.
   */
  recordPurchase(quoteId: string, make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }): Promise<{ order: Order; reservation: Reservation; alreadyBought: boolean }>;
}

/** Conversation references, so that the bot can write to a person first (R12). */
export interface ConversationRepository {
  conversation(tenantId: string, userId: string): Conversation | undefined;
  /** Keeps the newest reference for this person, replacing any earlier one. */
  saveConversation(conversation: Conversation): Promise<void>;
}

/** The append-only activity log (R18). */
export interface ActivityLogRepository {
  /** Resolves once the entry is durable; the entry gets the next sequence number. */
  append(entry: NewLogEntry): Promise<LogEntry>;
  /** The newest entries that match, newest first, at most `limit` of them. */
  newest(match: (entry: LogEntry) => boolean, limit: number): Promise<LogEntry[]>;
  size(): number;
}

/**
 * What one step of a change request may read and change: the request, the reservations and orders an
 * approval carries out the change on, and new records with fresh ids. Records returned are live: a
 * step changes them in place.
 */
export interface ChangeRecords {
  request(id: string): ChangeRequest | undefined;
  reservation(id: string): Reservation | undefined;
  reservations(customerId: string): readonly Reservation[];
  addRequest(make: (id: string) => ChangeRequest): ChangeRequest;
  addOrder(make: (id: string) => Order): Order;
  /** A new reservation and the order that made it (an exchange, a renewal). */
  addPurchase(make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }): { order: Order; reservation: Reservation };
}

/** Change requests (R15–R17). */
export interface ChangeRequestRepository {
  requests(): readonly ChangeRequest[];
  request(id: string): ChangeRequest | undefined;
  /**
   * Runs `step` in one synchronous step, so that no other step sees the store half-way (two decisions
   * at once: the second sees the first), and resolves once its changes are durable. If `step` throws,
   * nothing is changed.
   */
  change<T>(step: (records: ChangeRecords) => T): Promise<T>;
  /** Resolves once the writes under way are durable, before reporting a state another step just wrote. */
  settled(): Promise<void>;
}
