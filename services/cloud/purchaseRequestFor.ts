import { KnownReservedResourceType, type PurchaseRequest } from '@azure/arm-reservations';
import { CloudError, type CloudPurchase } from '../microsoftCloud.ts';
import { appliedScopeFor } from './reservationFromAzure.ts';

/** Azure's ReservedResourceType values, found whatever their case; the catalogue's `SqlDatabase` is Azure's `SqlDatabases`. */
const reservedResourceTypes = new Map<string, string>(Object.values(KnownReservedResourceType).map((type) => [type.toLowerCase(), type]));
const catalogueNames = new Map([['sqldatabase', 'SqlDatabases']]);

export function reservedResourceTypeOf(productType: string): string {
  const key = productType.toLowerCase();
  const type = catalogueNames.get(key) ?? reservedResourceTypes.get(key);
  if (!type) throw new CloudError('refused', `Azure sells no reservations of the product type ${productType}, so the bot cannot ask it for one.`);
  return type;
}

/**
 * What an exchange buys (R8, R13), as calculateExchange's `reservationsToPurchase` takes it: billed to the customer's
 * Azure subscription, applied where the customer asked, and not renewed automatically (auto-renew is its own change).
 */
export function purchaseRequestFor(purchase: CloudPurchase): PurchaseRequest {
  return {
    sku: { name: purchase.sku },
    location: purchase.region,
    reservedResourceType: reservedResourceTypeOf(purchase.productType),
    billingScopeId: `/subscriptions/${purchase.billingSubscriptionId}`,
    term: purchase.term,
    billingPlan: purchase.billingPlan,
    quantity: purchase.quantity,
    displayName: purchase.displayName,
    ...appliedScopeFor(purchase.scope, purchase.customerId),
    renew: false,
  };
}
