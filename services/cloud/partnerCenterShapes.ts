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

// Buying a reservation: the catalogue (products, SKUs, availabilities), carts, checkout, and the entitlements an order
// yields [get-a-list-of-products-by-customer, cart-resources, order-resources, entitlement-resources].

export const productShape = z.object({ id: z.string().min(1), title: z.string().default('') });

/** A SKU; a reservation's names its ARM SKU and region, and (in older catalogues, one SKU per term) its duration. */
export const skuShape = z.object({
  id: z.string().min(1),
  supportedBillingCycles: z.array(z.string()).default([]),
  provisioningVariables: z.array(z.string()).default([]),
  dynamicAttributes: z.object({ armSkuName: z.string().optional(), armRegionName: z.string().optional(), duration: z.string().optional() }).default({}),
});

export const availabilityShape = z.object({ catalogItemId: z.string().min(1), terms: z.array(z.object({ duration: z.string() })).default([]) });

const code = z.union([z.string(), z.number()]).transform(String);

export const cartShape = z.object({
  id: z.string().min(1),
  lineItems: z.array(z.object({ error: z.object({ errorCode: code.optional(), errorDescription: z.string().optional() }).nullish() })).default([]),
});

export const checkoutShape = z.object({
  orders: z.array(z.object({ id: z.string().min(1), lineItems: z.array(z.object({ offerId: z.string().optional() })).default([]) })).default([]),
  orderErrors: z.array(z.object({ code: code.optional(), description: z.string().optional() })).default([]),
});

/** An entitlement an order line yields; for a reservation, its artifacts name the Azure reservation order (`resourceId`) and link to its reservations. */
export const orderEntitlementShape = z.object({
  referenceOrder: z.object({ id: z.string() }),
  entitledArtifacts: z.array(z.object({ link: link.optional(), resourceId: z.string().optional() })).default([]),
});

export const reservedInstanceArtifactShape = z.object({ reservations: z.array(z.object({ reservationId: z.string().min(1) })).default([]) });

export type PartnerCenterSku = z.infer<typeof skuShape>;
