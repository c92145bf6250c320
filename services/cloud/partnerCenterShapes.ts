import { z } from 'zod';

// What the bot reads of Partner Center's answers (its documented resources); anything else in them is ignored, and an
// answer without these fields is not trusted.

const link = z.object({ uri: z.string(), headers: z.array(z.object({ key: z.string(), value: z.string() })).default([]) });

/** A page of a resource collection: `links.next` (with its MS-ContinuationToken header) leads to the next one. */
export const collectionOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), links: z.object({ next: link.optional() }).optional() });

export const customerShape = z.object({
  id: z.string().min(1),
  companyProfile: z.object({ companyName: z.string().default(''), domain: z.string().default('') }),
});

export const subscriptionShape = z.object({
  id: z.string().min(1),
  offerId: z.string().optional(),
  offerName: z.string().default(''),
  friendlyName: z.string().optional(),
  status: z.string(),
  billingType: z.string().optional(),
});

export const entitlementShape = z.object({ id: z.string().min(1), friendlyName: z.string().optional(), status: z.string().default('active') });

export const policyShape = z.object({
  id: z.string().min(1),
  permissions: z.array(z.object({ resource: z.string(), action: z.string().optional() })).default([]),
  attributes: z.object({ etag: z.string().optional() }).optional(),
});

export const errorShape = z.object({ code: z.union([z.string(), z.number()]).optional(), description: z.string().optional() });

export type PartnerCenterSubscription = z.infer<typeof subscriptionShape>;
export type PartnerCenterEntitlement = z.infer<typeof entitlementShape>;
export type PartnerCenterPolicy = z.infer<typeof policyShape>;
