import type { Reply } from './loopbackServer.ts';
import { collection, link, pcError } from './partnerCenterReplies.ts';

export type Term = 'P1Y' | 'P3Y' | 'P5Y';

/** One row of Partner Center's reservations catalogue: an ARM SKU in a region for a term (the world's products and prices). */
export interface CatalogueSeed {
  sku: string;
  /** The product's title, and Azure's reserved resource type (`VirtualMachines`, ...). */
  name: string;
  type: string;
  region: string;
  term: Term;
  currency: string;
}

/** A catalogue item (an availability) and what it sells. */
export interface CatalogueItem extends CatalogueSeed {
  catalogItemId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
}

export const years = (term: Term) => Number(term.slice(1, -1));
/** A term as a reservation SKU's provisioning context names it: "1Year", "3Years". */
export const durationOf = (term: Term) => `${years(term)}${years(term) === 1 ? 'Year' : 'Years'}`;

/** The catalogue views of Azure reservations by reserved resource type [get-a-list-of-products-by-customer]. */
const views: Readonly<Record<string, (type: string) => boolean>> = {
  azurereservations: () => true,
  azurereservationsvm: (type) => type === 'VirtualMachines',
  azurereservationssql: (type) => type === 'SqlDatabases',
  azurereservationscosmosdb: (type) => type === 'CosmosDb',
};

/**
 * Partner Center's catalogue of Azure reservations for Azure plan customers, by customer: one product per ARM SKU, one
 * SKU per region, one availability per term, with ids shaped like Partner Center's [get-a-list-of-products-by-customer,
 * get-a-list-of-skus-for-a-product-by-customer, get-a-list-of-availabilities-for-a-sku-by-customer].
 */
export function fakeCatalogue(seed: readonly CatalogueSeed[]) {
  const productIds = new Map([...new Set(seed.map((row) => row.sku))].map((sku, i) => [sku, `DZH318Z0B${String(i + 1).padStart(3, '0')}`]));
  const items: CatalogueItem[] = seed.map((row) => {
    const productId = productIds.get(row.sku)!;
    const regions = [...new Set(seed.filter((r) => r.sku === row.sku).map((r) => r.region))];
    const skuId = String(regions.indexOf(row.region) + 1).padStart(4, '0');
    const availabilityId = `DZH318Z0${skuId}${row.term}`;
    return { ...row, productId, skuId, availabilityId, catalogItemId: `${productId}:${skuId}:${availabilityId}` };
  });
  const firstOf = <K extends keyof CatalogueItem>(key: K) => [...new Map(items.map((i) => [i[key], i])).values()];

  const productJson = (p: CatalogueItem) => ({
    id: p.productId,
    title: p.name,
    description: `Reserved instances of ${p.sku}`,
    productType: { id: 'Azure', displayName: 'Azure', subType: { id: p.type, displayName: p.type } },
    isMicrosoftProduct: true,
    publisherName: 'Microsoft Corporation',
    links: { skus: link(`/products/${p.productId}/skus?country=US`), self: link(`/products/${p.productId}?country=US`) },
  });
  const skuJson = (s: CatalogueItem) => ({
    id: s.skuId,
    productId: s.productId,
    title: `Reserved Instance, ${s.sku}, ${s.region}`,
    description: `Reserved Instance, ${s.sku}, ${s.region}`,
    minimumQuantity: 1,
    maximumQuantity: 999999999,
    isTrial: false,
    supportedBillingCycles: ['one_time'],
    purchasePrerequisites: ['SubscriptionRegistration'],
    provisioningVariables: ['Scope', 'SubscriptionId', 'Duration'],
    dynamicAttributes: { armSkuName: s.sku, armRegionName: s.region, reservationType: s.type.toLowerCase() },
    links: { availabilities: link(`/products/${s.productId}/skus/${s.skuId}/availabilities?country=US`), self: link(`/products/${s.productId}/skus/${s.skuId}?country=US`) },
  });
  const availabilityJson = (a: CatalogueItem) => ({
    id: a.availabilityId,
    productId: a.productId,
    skuId: a.skuId,
    catalogItemId: a.catalogItemId,
    defaultCurrency: { code: a.currency, symbol: a.currency },
    segment: 'commercial',
    country: 'US',
    isPurchasable: true,
    isRenewable: false,
    terms: [{ duration: a.term, description: `${years(a.term)} Year${years(a.term) === 1 ? '' : 's'}` }],
    links: { self: link(`/products/${a.productId}/skus/${a.skuId}/availabilities/${a.availabilityId}?country=US`) },
  });

  /** `GET .../products[/{productId}/skus[/{skuId}/availabilities]]` with its query. */
  function answer(path: string[], query: Record<string, string>): Reply {
    const [productId, skus, skuId, availabilities] = path;
    // Without reservationScope=AzurePlan the catalogue is that of the legacy Microsoft Azure (MS-AZR-0145P) offer, which Azure plan customers cannot buy from.
    if (query.reservationScope !== 'AzurePlan') return { status: 200, body: collection([]) };
    if (!productId) {
      const inView = views[(query.targetView ?? '').toLowerCase()];
      if (!inView) return pcError(403, '400036', 'Access to the requested targetView is not allowed.');
      return { status: 200, body: collection(firstOf('productId').filter((p) => inView(p.type)).map(productJson)) };
    }
    const ofProduct = items.filter((i) => i.productId === productId);
    if (ofProduct.length === 0) return pcError(404, '400013', 'The parent product was not found.');
    if (skus !== 'skus') return pcError(404, '404', 'Not found.');
    if (!skuId) return { status: 200, body: collection([...new Map(ofProduct.map((i) => [i.skuId, i])).values()].map(skuJson)) };
    const ofSku = ofProduct.filter((i) => i.skuId === skuId);
    if (ofSku.length === 0 || availabilities !== 'availabilities') return pcError(404, '404', 'Not found.');
    return { status: 200, body: collection(ofSku.map(availabilityJson)) };
  }

  return { answer, item: (catalogItemId: string) => items.find((i) => i.catalogItemId === catalogItemId) };
}
