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

const customerFields = {
  id,
  name: z.string().min(1),
  domain: z.string().min(1),
  users: z.array(customerUserSchema).default([]),
  subscriptions: z.array(subscriptionSchema).default([]),
};

export const priceSchema = z.strictObject({
  sku: id,
  region: id,
  term: z.enum(['P1Y', 'P3Y', 'P5Y']),
  partnerPrice: z.number().nonnegative(),
  webDirectPrice: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter currency code such as USD'),
});

/** Cross-record rules that a well-formed directory must satisfy. */
function checkDirectory(
  value: { partner: z.infer<typeof partnerSchema>; customers: { id: string; domain: string; users: { userId: string }[]; subscriptions: { id: string; owners: string[] }[] }[] },
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
}

/** The world file that `npm run seed` loads (documented in README.md). */
export const worldSchema = z
  .strictObject({
    partner: partnerSchema,
    customers: z.array(z.strictObject({ ...customerFields, purchasePermission: z.boolean().default(false) })),
    prices: z.array(priceSchema).default([]),
  })
  .superRefine(checkDirectory);

export const storedCustomerSchema = z.strictObject({
  ...customerFields,
  purchasePermission: purchasePermissionSchema,
});

/** What `store.json` holds. */
export const storeSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    partner: partnerSchema,
    customers: z.array(storedCustomerSchema),
    prices: z.array(priceSchema),
  })
  .superRefine(checkDirectory);

export const actorRoleSchema = z.enum(['AdminAgent', 'SalesAgent', 'HelpDeskAgent', 'CustomerUser', 'System']);

export const logEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  actor: z.strictObject({
    tenantId: z.string(),
    userId: z.string(),
    name: z.string(),
    role: actorRoleSchema,
  }),
  operation: z.string().min(1),
  customerId: z.string().optional(),
  customerName: z.string().optional(),
  target: z.string().optional(),
  outcome: z.enum(['Succeeded', 'Refused']),
  reason: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export type AgentRole = z.infer<typeof agentRoleSchema>;
export type Agent = z.infer<typeof agentSchema>;
export type Partner = z.infer<typeof partnerSchema>;
export type Subscription = z.infer<typeof subscriptionSchema>;
export type Price = z.infer<typeof priceSchema>;
export type World = z.infer<typeof worldSchema>;
export type WorldInput = z.input<typeof worldSchema>;
export type Customer = z.infer<typeof storedCustomerSchema>;
export type PurchasePermission = z.infer<typeof purchasePermissionSchema>;
export type StoreData = z.infer<typeof storeSchema>;
export type ActorRole = z.infer<typeof actorRoleSchema>;
export type LogEntry = z.infer<typeof logEntrySchema>;
export type NewLogEntry = Omit<LogEntry, 'seq'>;
