import type { z } from 'zod';
import {
  changeRequestSchema,
  conversationSchema,
  deliverySchema,
  orderSchema,
  quoteSchema,
  reservationSchema,
  type ChangeRequest,
  type Conversation,
  type Delivery,
  type Order,
  type Quote,
  type Reservation,
} from './schemas.ts';

/** The records the store keeps besides the directory and settings, by table. */
export interface Records {
  reservations: Reservation;
  orders: Order;
  quotes: Quote;
  conversations: Conversation;
  requests: ChangeRequest;
  deliveries: Delivery;
}

export type TableName = keyof Records;

export const tableNames: readonly TableName[] = ['reservations', 'orders', 'quotes', 'conversations', 'requests', 'deliveries'];

/** What a table's records are, how they are keyed, and the indexes its reads need. */
export interface TableSpec<R> {
  /** The record in words, for a refusal: "not a valid reservation". */
  what: string;
  schema: z.ZodType<R>;
  key(record: R): string;
  /** Secondary indexes: a record is listed under the key this gives (none if undefined), in the order it came. */
  groups: Readonly<Record<string, (record: R) => string | undefined>>;
  /** Deadline indexes for `due.*`: when a record falls due (ms since the epoch), or undefined if it does not. */
  deadlines: Readonly<Record<string, (record: R) => number | undefined>>;
}

/** A person's key: their conversation's, and the preparer of a quote. */
export const personKey = (tenantId: string, userId: string) => `${tenantId}\n${userId}`;

const time = (iso: string) => Date.parse(iso);
const dayMs = 86_400_000;

/** R17: an auto-renewing reservation's renewal price is locked this many days before it expires. */
export const renewalLockDays = 30;

/**
 * R17: when an active, auto-renewing reservation not yet renewed falls due (ms since the epoch): 30 days before its
 * expiry, to lock its renewal price, and once locked, on its expiry day, to be renewed. Undefined if it does not.
 */
export function renewalDue(r: Reservation): number | undefined {
  if (r.status !== 'Active' || !r.autoRenew || r.renewedBy) return undefined;
  return time(r.expiresOn) - (r.renewalPrice ? 0 : renewalLockDays * dayMs);
}

export const tableSpecs: { readonly [K in TableName]: TableSpec<Records[K]> } = {
  reservations: {
    what: 'reservation',
    schema: reservationSchema,
    key: (r) => r.id,
    groups: { customer: (r) => r.customerId },
    deadlines: { renewal: renewalDue },
  },
  orders: {
    what: 'order',
    schema: orderSchema,
    key: (o) => o.id,
    groups: { customer: (o) => o.customerId, quote: (o) => o.quoteId },
    deadlines: {},
  },
  quotes: {
    what: 'quote',
    schema: quoteSchema,
    key: (q) => q.id,
    groups: { preparer: (q) => personKey(q.preparedBy.tenantId, q.preparedBy.userId) },
    deadlines: { stale: (q) => time(q.createdAt) },
  },
  conversations: {
    what: 'conversation',
    schema: conversationSchema,
    key: (c) => personKey(c.tenantId, c.userId),
    groups: {},
    deadlines: {},
  },
  requests: {
    what: 'change request',
    schema: changeRequestSchema,
    key: (r) => r.id,
    groups: { customer: (r) => r.customerId, pending: (r) => (r.state === 'Pending' ? r.reservationId : undefined) },
    deadlines: {
      expiry: (r) => (r.state === 'Pending' ? time(r.expiresAt) : undefined),
      /** R16: Admin Agents are reminded at half time, once. */
      reminder: (r) => (r.state === 'Pending' && !r.reminderSentAt ? (time(r.requestedAt) + time(r.expiresAt)) / 2 : undefined),
      /** R17 in Partner Center mode: an approved change still to be carried out in Azure. */
      execution: (r) => (r.execution?.state === 'InProgress' ? time(r.execution.nextAttemptAt) : undefined),
    },
  },
  deliveries: {
    what: 'delivery',
    schema: deliverySchema,
    key: (d) => d.id,
    groups: { request: (d) => ('requestId' in d.message ? d.message.requestId : undefined) },
    deadlines: { due: (d) => (d.state === 'Pending' ? time(d.nextAttemptAt) : undefined) },
  },
};
