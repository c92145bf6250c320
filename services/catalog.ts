import type { Price, Product, Term } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';
import { refusals } from './refusals.ts';
import { parseTerm, termYears } from './terms.ts';

/** A catalogue row with its product: what can be priced and, with a partner price, bought. */
export interface Offer {
  product: Product;
  price: Price;
}

/** The partner's catalogue as read in one go. */
export interface Catalog {
  products: readonly Product[];
  prices: readonly Price[];
}

export async function catalogOf(store: StoreReads): Promise<Catalog> {
  const [products, prices] = await Promise.all([store.products(), store.prices()]);
  return { products, prices };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The catalogue row for a product, region and term as typed (any case; terms as 1y, 3y, P1Y...), or the refusal that says which part is wrong. */
export function findOffer(catalog: Catalog, sku: string, region: string, term: string): Offer {
  const product = catalog.products.find((p) => same(p.sku, sku));
  if (!product) throw refusals.unknownProduct(sku);
  const rows = catalog.prices.filter((p) => same(p.sku, product.sku));
  const inRegion = rows.filter((p) => same(p.region, region));
  if (!inRegion.length) throw refusals.unknownRegion(product.sku, region, [...new Set(rows.map((p) => p.region))]);
  const wanted = parseTerm(term);
  const price = inRegion.find((p) => p.term === wanted);
  if (!price) throw refusals.termNotOffered(product.sku, inRegion[0]!.region, term, inRegion.map((p) => p.term).sort(byLength));
  return { product, price };
}

const byLength = (a: Term, b: Term) => termYears[a] - termYears[b];

/** The catalogue's product of a reservation (or of a catalogue row), if the catalogue still has it. */
export const productOf = (catalog: Catalog, item: { sku: string }): Product | undefined => catalog.products.find((p) => p.sku === item.sku);

/** Every catalogue row with its product, in catalogue order. */
export function offers(catalog: Catalog): Offer[] {
  const bySku = new Map(catalog.products.map((p) => [p.sku.toLowerCase(), p]));
  return catalog.prices.map((price) => ({ product: bySku.get(price.sku.toLowerCase())!, price }));
}
