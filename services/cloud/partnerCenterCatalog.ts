import type { z } from 'zod';
import type { Term } from '../../data/schemas.ts';
import type { CloudPurchase } from '../microsoftCloud.ts';
import { availabilityShape, collectionOf, productShape, skuShape, type PartnerCenterSku } from './partnerCenterShapes.ts';

/** A GET of a Partner Center path (from the API root), its answer read as `shape`. */
export type PartnerCenterRead = <T>(path: string, shape: z.ZodType<T>) => Promise<T>;

/** What a cart line needs of the catalogue: the availability's id, and what its SKU allows and asks for. */
export interface CatalogItem {
  catalogItemId: string;
  sku: PartnerCenterSku;
}

/** Partner Center's catalogue views of Azure reservations for some reserved resource types; the others are in the whole view. */
const views: Readonly<Record<string, string>> = { VirtualMachines: 'AzureReservationsVM', SqlDatabases: 'AzureReservationsSQL', CosmosDb: 'AzureReservationsCosmosDb' };
/** Azure plan customers buy from the reservations catalogue of Azure plans, not of the legacy Microsoft Azure (MS-AZR-0145P) offer. */
const azurePlan = 'reservationScope=AzurePlan';
/** Products searched at once for the SKU. */
const concurrency = 4;

/** A term as a reservation SKU's `duration` and a cart line's provisioning context name it: "1Year", "3Years". */
export const durationOf = (term: Term) => {
  const years = Number(term.slice(1, -1));
  return `${years}${years === 1 ? 'Year' : 'Years'}`;
};

/**
 * The catalogue item to buy `purchase` by, from the catalogue as Partner Center shows it to this customer (so in the
 * customer's country and currency): the SKU whose ARM SKU name and region are the purchase's, and its availability for
 * the term. Undefined when the customer cannot buy it.
 */
export async function catalogItemFor(read: PartnerCenterRead, purchase: CloudPurchase): Promise<CatalogItem | undefined> {
  const customer = `/v1/customers/${encodeURIComponent(purchase.customerId)}`;
  const view = views[purchase.productType] ?? 'AzureReservations';
  const products = (await read(`${customer}/products?targetView=${view}&${azurePlan}`, collectionOf(productShape))).items;
  for (let i = 0; i < products.length; i += concurrency) {
    const batch = products.slice(i, i + concurrency).map((p) => itemOfProduct(read, `${customer}/products/${encodeURIComponent(p.id)}`, purchase));
    const found = (await Promise.all(batch)).find((item) => item !== undefined);
    if (found) return found;
  }
  return undefined;
}

async function itemOfProduct(read: PartnerCenterRead, product: string, purchase: CloudPurchase): Promise<CatalogItem | undefined> {
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();
  const skus = (await read(`${product}/skus?${azurePlan}`, collectionOf(skuShape))).items.filter(({ dynamicAttributes: d }) =>
    same(d.armSkuName, purchase.sku) && same(d.armRegionName, purchase.region) && (d.duration === undefined || same(d.duration, durationOf(purchase.term))),
  );
  for (const sku of skus) {
    const availabilities = (await read(`${product}/skus/${encodeURIComponent(sku.id)}/availabilities?${azurePlan}`, collectionOf(availabilityShape))).items;
    const availability = availabilities.find((a) => a.terms.length === 0 || a.terms.some((t) => t.duration === purchase.term));
    if (availability) return { catalogItemId: availability.catalogItemId, sku };
  }
  return undefined;
}
