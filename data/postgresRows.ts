import type { Customer, LogEntry, Price, Product } from './schemas.ts';
import { priceKey } from './schemas.ts';
import { renewalDue, type Records, type TableName } from './tableSpecs.ts';

/**
 * Text for a column or a parameter: PostgreSQL's text cannot hold U+0000, so it becomes U+FFFD, in what is
 * written and in what is looked up alike (the record itself, kept as JSON, keeps it as given).
 */
export const text = (value: string): string => (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value);

const optionalText = (value: string | undefined) => (value === undefined ? null : text(value));

/**
 * An instant (ms since the epoch, maybe with a fraction) as timestamptz text, to the microsecond: R16's half
 * time of a request may fall between two milliseconds, and a deadline is compared as the embedded store does.
 */
export function instantText(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return new Date(whole).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}

const at = (iso: string) => instantText(Date.parse(iso));

const optionalInstant = (ms: number | undefined) => (ms === undefined ? null : instantText(ms));

/** How a table's records are kept: the primary key's columns, and the columns written from each record beside it. */
export interface RowSpec<R> {
  table: string;
  key: readonly string[];
  columns(record: R): Record<string, unknown>;
}

export const rowSpecs: { readonly [K in TableName]: RowSpec<Records[K]> } = {
  reservations: {
    table: 'reservations',
    key: ['id'],
    columns: (r) => ({
      id: text(r.id),
      customer_id: text(r.customerId),
      order_id: text(r.orderId),
      status: r.status,
      expires_on: r.expiresOn,
      auto_renew: r.autoRenew,
      renewal_of: optionalText(r.renewalOf),
      renewed_by: optionalText(r.renewedBy),
      renew_at: optionalInstant(renewalDue(r)),
    }),
  },
  orders: {
    table: 'orders',
    key: ['id'],
    columns: (o) => ({
      id: text(o.id),
      customer_id: text(o.customerId),
      type: o.type,
      at: at(o.at),
      day: o.at.slice(0, 10),
      amount: o.amount.toFixed(2),
      credit: o.credit === undefined ? null : o.credit.toFixed(2),
      currency: o.currency,
      reservation_id: text(o.reservationId),
      quote_id: optionalText(o.quoteId),
      request_id: optionalText(o.requestId),
    }),
  },
  quotes: {
    table: 'quotes',
    key: ['id'],
    columns: (q) => ({ id: text(q.id), tenant_id: text(q.preparedBy.tenantId), user_id: text(q.preparedBy.userId), created_at: at(q.createdAt) }),
  },
  conversations: {
    table: 'conversations',
    key: ['tenant_id', 'user_id'],
    columns: (c) => ({ tenant_id: text(c.tenantId), user_id: text(c.userId) }),
  },
  requests: {
    table: 'requests',
    key: ['id'],
    columns: (r) => ({
      id: text(r.id),
      customer_id: text(r.customerId),
      reservation_id: text(r.reservationId),
      state: r.state,
      requested_at: at(r.requestedAt),
      expires_at: at(r.expiresAt),
      remind_at: r.state === 'Pending' && !r.reminderSentAt ? instantText((Date.parse(r.requestedAt) + Date.parse(r.expiresAt)) / 2) : null,
      execute_at: r.execution?.state === 'InProgress' ? at(r.execution.nextAttemptAt) : null,
    }),
  },
  deliveries: {
    table: 'deliveries',
    key: ['id'],
    columns: (d) => ({
      id: text(d.id),
      request_id: 'requestId' in d.message && d.message.requestId !== undefined ? text(d.message.requestId) : null,
      state: d.state,
      next_attempt_at: at(d.nextAttemptAt),
    }),
  },
};

export const customerColumns = (c: Customer) => ({
  id: text(c.id),
  name: text(c.name),
  domain: text(c.domain),
  id_key: text(c.id.toLowerCase()),
  name_key: text(c.name.toLowerCase()),
  domain_key: text(c.domain.toLowerCase()),
  purchase_permission: c.purchasePermission.enabled,
});

export const priceColumns = (p: Price) => ({
  price_key: text(priceKey(p)),
  partner_price: p.partnerPrice === undefined ? null : p.partnerPrice.toFixed(2),
  currency: p.currency,
});

export const productColumns = (p: Product) => ({ sku_key: text(p.sku.toLowerCase()) });

/** An activity-log entry's columns beside it (R19's filters): the bot's own entries and copied ones alike. */
export const logColumns = (e: Omit<LogEntry, 'seq'>) => ({
  at: e.at,
  customer_id: e.customerId === undefined ? null : text(e.customerId),
  operation: text(e.operation),
  actor_id: text(e.actor.userId),
  outcome: e.outcome,
});

/**
 * The statement that writes one row, its columns and its record (as JSON text): an upsert (`INSERT … ON CONFLICT
 * DO UPDATE`, keeping the position the row was first given), or, for a new record, a plain INSERT, which a key
 * already taken makes fail. Resolves to the SQL and its parameters.
 */
export function rowWrite(table: string, key: readonly string[], columns: Record<string, unknown>, record: unknown, how: 'insert' | 'upsert' = 'upsert'): { sql: string; params: unknown[] } {
  const names = [...Object.keys(columns), 'record'];
  const params = [...Object.values(columns), JSON.stringify(record)];
  const insert = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`;
  if (how === 'insert') return { sql: insert, params };
  const updates = names.filter((n) => !key.includes(n)).map((n) => `${n} = excluded.${n}`);
  return { sql: `${insert} ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`, params };
}
