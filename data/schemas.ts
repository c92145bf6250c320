import { z } from 'zod';

const id = z.string().trim().min(1);

export const agentRoleSchema = z.enum(['AdminAgent', 'SalesAgent', 'HelpDeskAgent']);

export const agentSchema = z.strictObject({
  userId: id,
  name: z.string().min(1),
  role: agentRoleSchema,
  email: z.string().optional(),
});

export const partnerSchema = z.strictObject({
  tenantId: id,
  name: z.string().min(1),
  agents: z.array(agentSchema),
});

export const customerUserSchema = z.strictObject({
  userId: id,
  name: z.string().min(1),
  email: z.string().optional(),
});

export const subscriptionSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  offer: z.string().min(1),
  usageBased: z.boolean(),
  status: z.enum(['active', 'suspended', 'deleted']),
  owners: z.array(id).default([]),
});

export const purchasePermissionSchema = z.strictObject({
  enabled: z.boolean(),
  changedAt: z.iso.datetime().optional(),
  changedBy: z.string().optional(),
});

export const managementGroupSchema = z.strictObject({ id, name: z.string().min(1) });

const customerFields = {
  id,
  name: z.string().min(1),
  domain: z.string().min(1),
  users: z.array(customerUserSchema).default([]),
  subscriptions: z.array(subscriptionSchema).default([]),
  /** R14: the customer's Azure management groups, the targets a management-group scope may name. */
  managementGroups: z.array(managementGroupSchema).default([]),
};

/** R13: 1 or 3 years; 5 years only where the catalogue has a 5-year row for the product. */
export const termSchema = z.enum(['P1Y', 'P3Y', 'P5Y']);

/**
 * A product of the reservation catalogue; `type` groups the products an exchange may move between (R17). Absent
 * flags keep the old behaviour: refundable, exchangeable, not covered by savings plans.
 */
export const productSchema = z.strictObject({
  sku: id,
  name: z.string().min(1),
  type: z.string().min(1),
  /** R17: false for what Azure never refunds (Red Hat and SUSE plans, pre-purchase plans such as Databricks'). */
  refundable: z.boolean().optional(),
  /** R17: false for what Azure never exchanges (the same plans). */
  exchangeable: z.boolean().optional(),
  /** R17: the service is covered by Azure savings plans (compute: Virtual Machines, Dedicated Host, App Service...). */
  savingsPlanCovered: z.boolean().optional(),
});

const money = z.number().nonnegative().multipleOf(0.01, 'an amount in whole cents');
/** R21: a price per unit is more than 0 (at 0 a customer would buy for nothing, billed to the partner). */
const unitPrice = z.number().positive('a price of more than 0 (R21)').multipleOf(0.01, 'an amount in whole cents');
const currency = z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code such as USD');

/**
 * One row of the catalogue: a product, region and term, its Web Direct (retail) price and the
 * partner's price (R10) per unit for the whole term. A row without a partner price cannot be bought.
 * `usdRate`: how many USD one unit of the row's currency is, to count a refund against the USD cap (R17); a USD row has none.
 */
export const priceSchema = z.strictObject({
  sku: id,
  region: id,
  term: termSchema,
  webDirectPrice: unitPrice,
  partnerPrice: unitPrice.optional(),
  currency,
  usdRate: z.number().positive('a rate of more than 0').optional(),
});

export const actorSchema = z.strictObject({
  tenantId: z.string(),
  userId: z.string(),
  name: z.string(),
  /** `Unknown`: someone the directory does not know, refused (R18); their ids are as Teams or a verified token gave them. */
  role: z.enum(['AdminAgent', 'SalesAgent', 'HelpDeskAgent', 'CustomerUser', 'System', 'Unknown']),
});

/** R14: where the discount applies. */
export const scopeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('Shared') }),
  z.strictObject({ type: z.literal('Single'), subscriptionId: id }),
  z.strictObject({ type: z.literal('ResourceGroup'), subscriptionId: id, resourceGroup: id }),
  z.strictObject({ type: z.literal('ManagementGroup'), managementGroupId: id }),
]);

export const billingPlanSchema = z.enum(['Upfront', 'Monthly']);

/** What someone asks to buy: everything R13 needs from the buyer. */
export const purchaseRequestSchema = z.strictObject({
  sku: id,
  region: id,
  term: termSchema,
  quantity: z.number().int().positive(),
  billingPlan: billingPlanSchema,
  billingSubscriptionId: id,
  scope: scopeSchema,
});

/** R13: a reservation, bought in the order `orderId`. */
export const reservationSchema = z.strictObject({
  id,
  orderId: id,
  customerId: id,
  sku: id,
  productName: z.string().min(1),
  region: id,
  quantity: z.number().int().positive(),
  term: termSchema,
  billingPlan: billingPlanSchema,
  billingSubscriptionId: id,
  scope: scopeSchema,
  autoRenew: z.boolean(),
  purchasedAt: z.iso.datetime(),
  expiresOn: z.iso.date(),
  /** Expired is not stored: a reservation is expired once its expiry date has passed. */
  status: z.enum(['Active', 'Cancelled', 'Exchanged']),
  /** R17: the day a cancel or an exchange ended it. */
  endedOn: z.iso.date().optional(),
  /** R17: the reservation an exchange moved it to, or the one it was exchanged from. */
  exchangedFor: id.optional(),
  exchangedFrom: id.optional(),
  /** R17: the reservation this one renews, made at that one's expiry; and, on the one renewed, its renewal. */
  renewalOf: id.optional(),
  renewedBy: id.optional(),
  boughtBy: actorSchema,
  unitPrice: money,
  total: money,
  currency,
  /** Azure's reservation order and reservation ids, for a reservation found in Azure (bought in the Azure portal, R11). */
  azure: z.strictObject({ orderId: id, reservationId: id }).optional(),
  /** R17: the partner's price per unit on the day, 30 days before expiry, that an auto-renewing reservation's renewal price was locked. */
  renewalPrice: z.strictObject({ unitPrice, currency, lockedOn: z.iso.date() }).optional(),
});

/**
 * An entry of the customer's Order history (R11): who bought, billed to whom (R9), and the amount. A Refund's
 * amount is what is paid back; an Exchange's is the new reservation's total, of which `credit` came from the old one.
 */
export const orderSchema = z.strictObject({
  id,
  type: z.enum(['Purchase', 'Refund', 'Exchange', 'Renewal']),
  customerId: id,
  at: z.iso.datetime(),
  by: actorSchema,
  billedTo: z.strictObject({ tenantId: id, name: z.string().min(1) }),
  reservationId: id,
  /** The quote confirmed, so that confirming the same card twice buys once. */
  quoteId: id.optional(),
  /** The change request whose approval made this order (R17). */
  requestId: id.optional(),
  description: z.string().min(1),
  billingPlan: billingPlanSchema,
  amount: money,
  credit: money.optional(),
  currency,
  /** R17, a Refund: how many units were returned, and the refund in USD as it counts against the cap. */
  quantity: z.number().int().positive().optional(),
  usdAmount: money.optional(),
  /** Partner Center mode: the order Partner Center's checkout made (R9). */
  partnerCenterOrderId: z.string().min(1).max(100).optional(),
});

/** A purchase checked and priced for its buyer to confirm; kept for a day (an order names the quote it bought). */
export const quoteSchema = z.strictObject({
  id,
  customerId: id,
  preparedBy: z.strictObject({ tenantId: id, userId: id }),
  createdAt: z.iso.datetime(),
  request: purchaseRequestSchema,
  unitPrice: money,
  total: money,
  currency,
});

/** A Bot Framework conversation reference, kept as Teams sent it: where the bot can write without being asked. */
const referenceSchema = z.record(z.string(), z.unknown());

export const requestLifetimeDaysSchema = z.number().int().min(1).max(90);

export const settingsSchema = z.strictObject({
  /** R12: tell Admin Agents about every purchase a customer makes. Off until an Admin Agent turns it on. */
  purchaseNotifications: z.boolean().default(false),
  /** A Teams channel that gets a copy of every change request's approval card, set by typing the command in it. */
  approvalsChannel: z.strictObject({ reference: referenceSchema, setBy: z.string().min(1), setAt: z.iso.datetime() }).optional(),
  /** How long a change request waits for a decision before it expires; Admin Agents are reminded at half time. */
  requestLifetimeDays: requestLifetimeDaysSchema.default(7),
  /** When a sync with Partner Center last ended: reservations found at the first sync predate the bot and are not announced (R12). */
  syncedAt: z.iso.datetime().optional(),
});

/** Where to reach a person proactively: the Bot Framework conversation reference of their personal chat, kept as sent. */
export const conversationSchema = z.strictObject({
  tenantId: id,
  userId: id,
  reference: referenceSchema,
  updatedAt: z.iso.datetime(),
});

/**
 * A message the bot sends first, kept in the outbox in the same transaction as the change it tells of, and
 * delivered after the answer by a worker that retries it (with backoff, across restarts) until it is sent or
 * finally fails. What it shows is built when it is sent, from the store as it is then.
 */
export const deliverySchema = z.strictObject({
  id,
  /** Where it goes: a personal chat (whose) or a channel, as a stored conversation reference. */
  to: z.strictObject({ reference: referenceSchema, tenantId: id.optional(), userId: id.optional() }),
  message: z.discriminatedUnion('kind', [
    /** R12: an Admin Agent hears of a customer's purchase. */
    z.strictObject({ kind: z.literal('purchaseNotice'), customerId: id, orderId: id }),
    /** R15–R16: a request's card, new or the half-time reminder; the copy sent is kept on the request. */
    z.strictObject({ kind: z.literal('requestCard'), requestId: id, audience: z.enum(['approver', 'requester', 'observer']), news: z.enum(['new', 'reminder']) }),
    /** R16: a copy of a request's card sent before, updated to show the request as it is now. */
    z.strictObject({ kind: z.literal('cardUpdate'), requestId: id, activityId: id }),
    /** A short text (Markdown), such as how a request ended. */
    z.strictObject({ kind: z.literal('text'), text: z.string().min(1), requestId: id.optional() }),
  ]),
  createdAt: z.iso.datetime(),
  state: z.enum(['Pending', 'Sent', 'Failed']),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.iso.datetime(),
  /** Why the last attempt failed. */
  lastError: z.string().max(500).optional(),
  /** When it was sent, or given up. */
  doneAt: z.iso.datetime().optional(),
});

/** R17: an exchange returns at most this many reservations into one. */
export const maxReturned = 10;

/**
 * R15: what a customer asks the partner to change on a reservation. A cancel may return only `quantity` of its units
 * (all when absent); an exchange may return other reservations of the customer with it (`alsoReturned`).
 */
export const changeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('Cancel'), quantity: z.number().int().positive().optional() }),
  z.strictObject({
    kind: z.literal('Exchange'),
    sku: id,
    region: id,
    term: termSchema,
    quantity: z.number().int().positive(),
    alsoReturned: z.array(id).min(1).max(maxReturned - 1).optional(),
  }),
  z.strictObject({ kind: z.literal('Renew'), autoRenew: z.boolean() }),
  z.strictObject({ kind: z.literal('Scope'), scope: scopeSchema }),
]);

/** Which price per unit a return is counted at (R17): the one paid, or today's partner price when that is lower. */
export const priceBasisSchema = z.enum(['Paid', 'Today']);

/** One reservation's share of what a return is worth on a day (R17). */
const returnedShare = {
  totalDays: z.number().int().positive(),
  remainingDays: z.number().int().nonnegative(),
  unusedValue: money,
  /** The units returned, and the price per unit they are counted at. Absent in figures kept before these were. */
  quantity: z.number().int().positive().optional(),
  unitPrice: money.optional(),
  priceBasis: priceBasisSchema.optional(),
};

/**
 * R17's figures for a cancel or an exchange on one day: the unused part of what is returned. An exchange of several
 * reservations lists each in `returned`; its `unusedValue` is their sum, and the days are the first one's.
 */
export const valueFiguresSchema = z.strictObject({
  asOf: z.iso.date(),
  ...returnedShare,
  currency,
  /** Cancel: what the customer may still be refunded in the rolling 12 months (in USD), before this refund. */
  allowance: money.optional(),
  /** Cancel in another currency than USD: the refund in USD at the price list's rate, as it counts against the cap. */
  usdValue: money.optional(),
  usdRate: z.number().positive().optional(),
  returned: z.array(z.strictObject({ reservationId: id, ...returnedShare })).optional(),
  /** Exchange: the new reservation's total commitment, and what is due beyond the credit. */
  newTotal: money.optional(),
  due: money.optional(),
});

/** Each copy of a request's card that was sent, so that every copy can be updated when the request is decided (R16). */
export const cardCopySchema = z.strictObject({
  audience: z.enum(['approver', 'requester', 'observer']),
  reference: referenceSchema,
  activityId: id,
});

/**
 * An approved change being carried out in Azure, by the worker that takes it up when `nextAttemptAt` comes: a claim
 * moves that past the attempt's time limit, so that an attempt cut short by a crash is taken up again. `Failed` waits
 * for an Admin Agent to retry it.
 */
export const executionSchema = z.strictObject({
  state: z.enum(['InProgress', 'Done', 'Failed']),
  attempts: z.number().int().nonnegative(),
  nextAttemptAt: z.iso.datetime(),
  /** Sent to Azure and Partner Center as MS-CorrelationId, and kept in the change's log entry. */
  correlationId: z.string().min(1).max(100),
  /** Azure's quote for a cancel or an exchange, kept before the change is sent, so that a retry after a crash can tell it was done. */
  quote: z
    .strictObject({ sessionId: z.string().min(1).max(200), amount: money, currency, credit: money.optional(), due: money.optional() })
    .optional(),
  /** Failed: why, in Azure's or Partner Center's words. */
  reason: z.string().max(500).optional(),
  updatedAt: z.iso.datetime(),
});

export const requestStateSchema = z.enum(['Pending', 'Approved', 'Rejected', 'Withdrawn', 'Expired']);

/** R15–R17: a customer's request to change a reservation, pending until one Admin Agent decides it. */
export const changeRequestSchema = z.strictObject({
  id,
  customerId: id,
  reservationId: id,
  change: changeSchema,
  comment: z.string().max(500).optional(),
  requestedBy: actorSchema,
  requestedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  reminderSentAt: z.iso.datetime().optional(),
  /** The figures the customer was shown when asking (cancel, exchange). */
  estimate: valueFiguresSchema.optional(),
  state: requestStateSchema,
  /** Who decided, withdrew or (System) let it expire, and when; a rejection's reason. */
  closedBy: actorSchema.optional(),
  closedAt: z.iso.datetime().optional(),
  reason: z.string().max(500).optional(),
  /** What an approval carried out: the figures of that day and the order and reservation it made. */
  outcome: z
    .strictObject({ figures: valueFiguresSchema.optional(), orderId: id.optional(), newReservationId: id.optional() })
    .optional(),
  copies: z.array(cardCopySchema).default([]),
  /** Partner Center mode: an approved change is carried out in Azure after the decision (R17); where that stands. */
  execution: executionSchema.optional(),
});

/** Cross-record rules that a well-formed directory must satisfy. */
function checkDirectory(
  value: {
    partner: z.infer<typeof partnerSchema>;
    customers: { id: string; domain: string; users: { userId: string }[]; subscriptions: { id: string; owners: string[] }[] }[];
    products: { sku: string }[];
    prices: { sku: string; region: string; term: string; currency: string; usdRate?: number }[];
  },
  ctx: z.RefinementCtx,
): void {
  const seenAgents = new Set<string>();
  value.partner.agents.forEach((agent, i) => {
    if (seenAgents.has(agent.userId)) ctx.addIssue({ code: 'custom', path: ['partner', 'agents', i, 'userId'], message: `duplicate agent userId ${agent.userId}` });
    seenAgents.add(agent.userId);
  });
  const seenCustomers = new Set<string>();
  const seenDomains = new Set<string>();
  value.customers.forEach((customer, i) => {
    const at = (...rest: (string | number)[]) => ['customers', i, ...rest];
    if (customer.id === value.partner.tenantId) ctx.addIssue({ code: 'custom', path: at('id'), message: 'a customer cannot have the partner\'s own tenant id' });
    if (seenCustomers.has(customer.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate customer id ${customer.id}` });
    seenCustomers.add(customer.id);
    const domain = customer.domain.toLowerCase();
    if (seenDomains.has(domain)) ctx.addIssue({ code: 'custom', path: at('domain'), message: `duplicate customer domain ${customer.domain}` });
    seenDomains.add(domain);
    const users = new Set(customer.users.map((u) => u.userId));
    customer.subscriptions.forEach((sub, j) => {
      sub.owners.forEach((owner, k) => {
        if (!users.has(owner)) ctx.addIssue({ code: 'custom', path: at('subscriptions', j, 'owners', k), message: `owner ${owner} is not a user of this customer` });
      });
    });
  });
  const skus = new Set<string>();
  value.products.forEach((product, i) => {
    if (skus.has(product.sku.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['products', i, 'sku'], message: `duplicate product ${product.sku}` });
    skus.add(product.sku.toLowerCase());
  });
  const rows = new Set<string>();
  value.prices.forEach((price, i) => {
    if (!skus.has(price.sku.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['prices', i, 'sku'], message: `${price.sku} is not in products` });
    const key = priceKey(price);
    if (rows.has(key)) ctx.addIssue({ code: 'custom', path: ['prices', i], message: `a second price for ${price.sku} ${price.region} ${price.term}` });
    rows.add(key);
    if (price.currency === 'USD' && price.usdRate !== undefined) ctx.addIssue({ code: 'custom', path: ['prices', i, 'usdRate'], message: 'a USD row needs no usdRate' });
  });
}

/** Prices are looked up by product, region and term, case-insensitively. */
export const priceKey = (p: { sku: string; region: string; term: string }) => `${p.sku}|${p.region}|${p.term}`.toLowerCase();

/** The world file that `npm run seed` loads (documented in README.md). */
export const worldSchema = z
  .strictObject({
    partner: partnerSchema,
    customers: z.array(z.strictObject({ ...customerFields, purchasePermission: z.boolean().default(false), savingsPlanPermission: z.boolean().default(false) })),
    products: z.array(productSchema).default([]),
    prices: z.array(priceSchema).default([]),
  })
  .superRefine(checkDirectory);

export const storedCustomerSchema = z.strictObject({
  ...customerFields,
  purchasePermission: purchasePermissionSchema,
  /** A store written before the bot showed the savings plan permission holds none: it is off (R1). */
  savingsPlanPermission: purchasePermissionSchema.default({ enabled: false }),
});

const storeShape = z
  .strictObject({
    schemaVersion: z.union([z.literal(1), z.literal(2), z.literal(3)]).transform((): 3 => 3),
    /** The last journal transaction this snapshot holds; the journal's later ones are replayed at start. */
    committed: z.number().int().nonnegative().default(0),
    partner: partnerSchema,
    customers: z.array(storedCustomerSchema),
    products: z.array(productSchema).default([]),
    prices: z.array(priceSchema),
    settings: settingsSchema.prefault({}),
    reservations: z.array(reservationSchema).default([]),
    orders: z.array(orderSchema).default([]),
    quotes: z.array(quoteSchema).default([]),
    conversations: z.array(conversationSchema).default([]),
    requests: z.array(changeRequestSchema).default([]),
    deliveries: z.array(deliverySchema).default([]),
  })
  .superRefine(checkDirectory);

/**
 * Version 1 (before purchases) had prices but no products: each priced SKU becomes a product named
 * by its SKU and of a type of its own, so that an exchange never moves it to another product.
 */
function upgradeVersion1(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const store = raw as Record<string, unknown>;
  if (store.schemaVersion !== 1 || 'products' in store || !Array.isArray(store.prices)) return raw;
  const skus = new Set(store.prices.map((p: { sku?: unknown }) => p?.sku).filter((sku): sku is string => typeof sku === 'string'));
  return { ...store, products: [...skus].map((sku) => ({ sku, name: sku, type: sku })) };
}

/** Before version 3 a renewed reservation did not name its renewal: it is found from the renewal's `renewalOf`. */
function upgradeVersion2(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const store = raw as Record<string, unknown>;
  if (store.schemaVersion === 3 || !Array.isArray(store.reservations)) return raw;
  const renewals = new Map<unknown, unknown>(store.reservations.flatMap((r: { id?: unknown; renewalOf?: unknown }) => (typeof r?.renewalOf === 'string' ? [[r.renewalOf, r.id] as const] : [])));
  return { ...store, reservations: store.reservations.map((r: { id?: unknown }) => (renewals.has(r?.id) ? { ...r, renewedBy: renewals.get(r.id) } : r)) };
}

/**
 * What `store.json` holds. Version 1 is read as version 3 (products from its prices, no
 * reservations, orders, quotes or conversations, the default settings), version 2 as 3 (an empty
 * outbox, no journal), and both are written back as 3.
 */
export const storeSchema = z.preprocess((raw) => upgradeVersion2(upgradeVersion1(raw)), storeShape);

export const actorRoleSchema = actorSchema.shape.role;

export const logEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  actor: actorSchema,
  operation: z.string().min(1),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  target: z.string().optional(),
  outcome: z.enum(['Succeeded', 'Refused']),
  reason: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  /** The MS-CorrelationId sent with the Partner Center or Azure calls this change made, to find them in Microsoft's traces. */
  correlationId: z.string().max(100).optional(),
});

export type AgentRole = z.infer<typeof agentRoleSchema>;
export type Agent = z.infer<typeof agentSchema>;
export type Partner = z.infer<typeof partnerSchema>;
export type Subscription = z.infer<typeof subscriptionSchema>;
export type Price = z.infer<typeof priceSchema>;
export type Product = z.infer<typeof productSchema>;
export type Term = z.infer<typeof termSchema>;
export type Scope = z.infer<typeof scopeSchema>;
export type BillingPlan = z.infer<typeof billingPlanSchema>;
export type PurchaseRequest = z.infer<typeof purchaseRequestSchema>;
export type Reservation = z.infer<typeof reservationSchema>;
export type Order = z.infer<typeof orderSchema>;
export type Quote = z.infer<typeof quoteSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type Change = z.infer<typeof changeSchema>;
export type ChangeKind = Change['kind'];
export type ValueFigures = z.infer<typeof valueFiguresSchema>;
export type CardCopy = z.infer<typeof cardCopySchema>;
export type Delivery = z.infer<typeof deliverySchema>;
export type ChangeRequest = z.infer<typeof changeRequestSchema>;
export type RequestState = z.infer<typeof requestStateSchema>;
export type ManagementGroup = z.infer<typeof managementGroupSchema>;
export type Actor = z.infer<typeof actorSchema>;
export type World = z.infer<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;
export type Customer = z.infer<typeof storedCustomerSchema>;
export type PurchasePermission = z.infer<typeof purchasePermissionSchema>;
export type StoreData = z.infer<typeof storeSchema>;
export type StoreInput = z.input<typeof storeShape>;
export type ActorRole = z.infer<typeof actorRoleSchema>;
export type LogEntry = z.infer<typeof logEntrySchema>;
export type NewLogEntry = Omit<LogEntry, 'seq'>;
