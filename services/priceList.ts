import type { Price } from '../data/schemas.ts';
import type { Store } from '../data/store.ts';
import type { ActivityLog, LogTarget } from './activityLog.ts';
import { catalogOf, findOffer, offers, type Catalog, type Offer } from './catalog.ts';
import { CodedError } from './codedError.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { refusals } from './refusals.ts';

export interface PriceChange {
  offer: Offer;
  before?: number;
  after?: number;
  /** False when the price already was the one asked for: nothing changes, nothing is logged. */
  changed: boolean;
}

/** R10: the partner's price list, which is what customers pay. */
export class PriceList {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
  ) {}

  /** Agents see every row, with the Web Direct price beside the partner's; customer users only what they can buy. */
  async view(viewer: Person): Promise<Offer[]> {
    const all = offers(await catalogOf(this.store));
    return viewer.kind === 'agent' ? all : all.filter((o) => o.price.partnerPrice !== undefined);
  }

  /** The whole catalogue with the partner's prices, as it is now. */
  catalog(): Promise<Catalog> {
    return catalogOf(this.store);
  }

  /** Sets the partner price of a catalogue row (Admin Agents only), or withdraws it with `none`. */
  async set(person: Person, sku: string, region: string, term: string, amount: string): Promise<PriceChange> {
    const target = `${sku} ${region} ${term}`;
    try {
      return await this.store.transaction(async (tx) => {
        if (person.role !== 'AdminAgent') throw refusals.adminOnly(person, 'set the prices customers pay', (await tx.partner()).name);
        const offer = findOffer(await catalogOf(tx), sku, region, term);
        const after = parseAmount(amount);
        const before = offer.price.partnerPrice;
        if (before === after) return { offer, before, after, changed: false };
        const { partnerPrice: _, ...rest } = offer.price;
        const price: Price = after === undefined ? rest : { ...rest, partnerPrice: after };
        await tx.savePrice(price);
        await this.log.succeeded(tx, person, Operation.SetPartnerPrice, priceChangeEntry(offer.price, before, after));
        return { offer: { ...offer, price }, before, after, changed: true };
      });
    } catch (err) {
      if (err instanceof CodedError) await this.log.refused(person, Operation.SetPartnerPrice, { target }, err);
      throw err;
    }
  }
}

/** A partner price change as the log holds it (R18), whoever made it: chat or a world import. */
export function priceChangeEntry(row: Price, before: number | undefined, after: number | undefined): LogTarget {
  return {
    target: `${row.sku} ${row.region} ${row.term}`,
    before: { partnerPrice: before ?? null, currency: row.currency },
    after: { partnerPrice: after ?? null, webDirectPrice: row.webDirectPrice, currency: row.currency },
  };
}

/** "612", "612.5", "612.50" → 612.5; "none" → no price; zero or less is refused (R21). */
function parseAmount(text: string): number | undefined {
  if (text.toLowerCase() === 'none') return undefined;
  if (!/^-?\d{1,9}(\.\d{1,2})?$/.test(text)) throw refusals.invalidPrice(text);
  const amount = Number(text);
  if (amount <= 0) throw refusals.priceNotPositive(text);
  return amount;
}
