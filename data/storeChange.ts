import { z } from 'zod';
import { describeIssues } from './describeIssues.ts';
import {
  changeRequestSchema,
  conversationSchema,
  deliverySchema,
  logEntrySchema,
  orderSchema,
  partnerSchema,
  priceSchema,
  productSchema,
  quoteSchema,
  reservationSchema,
  settingsSchema,
  storedCustomerSchema,
  storeSchema,
} from './schemas.ts';
import type { Customer } from './schemas.ts';
import type { Directory } from './store.ts';
import { tableSpecs, type Records, type TableName, type TableSpec } from './tableSpecs.ts';

const keys = z.array(z.string().min(1));

/**
 * Everything one transaction wrote, as one line of the journal: a replaced directory, settings, customers and
 * price rows, the records it put (whole) and the quotes it deleted (by id), and its log entries, numbered.
 * Records are at most once in `put` or `deleted`, so the order they are applied in does not matter; a
 * directory comes before the customers and prices put after it.
 */
export const storeChangeSchema = z.strictObject({
  txn: z.number().int().positive(),
  directory: z
    .strictObject({
      partner: partnerSchema,
      customers: z.array(storedCustomerSchema),
      products: z.array(productSchema),
      prices: z.array(priceSchema),
    })
    .optional(),
  settings: settingsSchema.optional(),
  customers: z.array(storedCustomerSchema).optional(),
  prices: z.array(priceSchema).optional(),
  put: z
    .strictObject({
      reservations: z.array(reservationSchema).optional(),
      orders: z.array(orderSchema).optional(),
      quotes: z.array(quoteSchema).optional(),
      conversations: z.array(conversationSchema).optional(),
      requests: z.array(changeRequestSchema).optional(),
      deliveries: z.array(deliverySchema).optional(),
    })
    .optional(),
  deleted: z.strictObject({ quotes: keys.optional() }).optional(),
  log: z.array(logEntrySchema).optional(),
});

export type StoreChange = z.infer<typeof storeChangeSchema>;

/**
 * A directory as a world import gives it, checked by the store's own schemas, cross-record rules included
 * (unique customer ids and domains, owners who are users, prices of products in the catalogue): the copy to keep.
 */
export function checkedDirectory(directory: Directory): Directory {
  const { partner, customers, products, prices } = structuredClone(directory);
  const parsed = storeSchema.safeParse({ schemaVersion: 3, partner, customers, products, prices });
  if (!parsed.success) throw new Error(`not a valid directory:\n${describeIssues(parsed.error)}`);
  return { partner: parsed.data.partner, customers: parsed.data.customers, products: parsed.data.products, prices: parsed.data.prices };
}

/** A record as given to the store, checked by its schema: the copy to keep (defaults filled in). */
export function checkedRecord<T>(schema: z.ZodType<T>, record: unknown, what: string): T {
  const parsed = schema.safeParse(structuredClone(record));
  if (!parsed.success) throw new Error(`not a valid ${what}:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** How new records of a table are numbered: O-1001, R-1001, REQ-1001, D-1 (records of these are never removed). */
export const numbering = {
  orders: { prefix: 'O-', first: 1001 },
  reservations: { prefix: 'R-', first: 1001 },
  requests: { prefix: 'REQ-', first: 1001 },
  deliveries: { prefix: 'D-', first: 1 },
} as const;

/** What makes `customer` break the directory's cross-record rules, if anything. */
export function customerProblem(customer: Customer, partnerTenantId: string, domainHolder: string | undefined): string | undefined {
  if (customer.id === partnerTenantId) return "a customer cannot have the partner's own tenant id";
  if (domainHolder !== undefined && domainHolder !== customer.id) return `duplicate customer domain ${customer.domain}`;
  const users = new Set(customer.users.map((u) => u.userId));
  for (const subscription of customer.subscriptions) {
    for (const owner of subscription.owners) if (!users.has(owner)) return `owner ${owner} of ${subscription.id} is not a user of this customer`;
  }
  return undefined;
}

/** A record for table `name`, checked by its schema, as a copy; a record made for a fresh id must carry that id. */
export function checkedTableRecord<K extends TableName>(name: K, record: unknown, freshId?: string): Records[K] {
  const spec = tableSpecs[name] as unknown as TableSpec<Records[K]>;
  const checked = checkedRecord(spec.schema, record, spec.what);
  const key = spec.key(checked);
  if (freshId !== undefined && key !== freshId) throw new Error(`a new ${spec.what} must have the id it was given, ${freshId}, not ${key}`);
  return checked;
}
