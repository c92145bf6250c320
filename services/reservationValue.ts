import type { Order, Price, Reservation, ValueFigures } from '../data/schemas.ts';
import { priceKey } from '../data/schemas.ts';
import { utcDay } from './clock.ts';
import { fromCents, times, toCents } from './money.ts';
import { addYears, daysBetween, nextDay } from './terms.ts';

/** R17: refunds to one customer may not pass this in any rolling 12 months. Exchanges do not count. */
export const refundCap = { amount: 50_000, currency: 'USD' } as const;

/** What is returned of a reservation: how many units, at which price per unit (R17's lower of the price paid and today's). */
export interface Returned {
  quantity: number;
  unitPrice: number;
  priceBasis: 'Paid' | 'Today';
}

/**
 * R17: the unused part of a reservation's total commitment on `today`, pro rata by whole UTC days; with `returned`,
 * of those units at that price instead, and the figures say so. The term runs from the purchase day to the expiry
 * day; a reservation ended today has used the days before today, so one ended on its purchase day is refunded in
 * full, and one past its expiry not at all. The amount is rounded to the nearest cent.
 */
export function unusedValue(reservation: Pick<Reservation, 'purchasedAt' | 'expiresOn' | 'total' | 'currency'>, today: string, returned?: Returned): ValueFigures {
  const totalDays = daysBetween(utcDay(new Date(reservation.purchasedAt)), reservation.expiresOn);
  const remainingDays = Math.min(totalDays, Math.max(0, daysBetween(today, reservation.expiresOn)));
  const commitment = returned ? times(returned.unitPrice, returned.quantity) : reservation.total;
  return {
    asOf: today,
    totalDays,
    remainingDays,
    unusedValue: fromCents(Math.round((toCents(commitment) * remainingDays) / totalDays)),
    currency: reservation.currency,
    ...returned,
  };
}

/** The catalogue row a reservation was bought from (its product, region and term), if the price list still has it. */
export const rowOf = (reservation: Pick<Reservation, 'sku' | 'region' | 'term'>, prices: readonly Price[]): Price | undefined =>
  prices.find((p) => priceKey(p) === priceKey(reservation));

/**
 * R17: `quantity` units of a reservation as a return counts them: at the lower of the price per unit paid and the
 * partner's price today for the same row, or at the price paid when there is none today (or it is in another currency).
 */
export function returnedAt(reservation: Pick<Reservation, 'unitPrice' | 'currency'>, row: Price | undefined, quantity: number): Returned {
  const today = row?.currency === reservation.currency ? row.partnerPrice : undefined;
  return today !== undefined && today < reservation.unitPrice ? { quantity, unitPrice: today, priceBasis: 'Today' } : { quantity, unitPrice: reservation.unitPrice, priceBasis: 'Paid' };
}

/**
 * R17: an amount in USD, for the cap: as it is in USD, or converted at `usdRate` (USD per unit of its currency, from
 * the price list) to the nearest cent; undefined when there is no rate to convert it with.
 */
export function inUsd(amount: number, currency: string, usdRate: number | undefined): number | undefined {
  if (currency === refundCap.currency) return amount;
  return usdRate === undefined ? undefined : fromCents(Math.round(toCents(amount) * usdRate));
}

/** The first day of the rolling 12 months that end on `today`: the day after the same date a year before. */
export const capWindowStart = (today: string) => nextDay(addYears(today, -1));

/**
 * R17: what a customer may still be refunded on `today`, in USD: the cap less the USD value of the refunds among its
 * orders in the rolling 12 months (a refund kept before orders had one counts its amount if that was in USD).
 */
export function refundAllowance(orders: readonly Order[], today: string): number {
  const from = capWindowStart(today);
  const refunded = orders
    .filter((o) => o.type === 'Refund' && utcDay(new Date(o.at)) >= from && utcDay(new Date(o.at)) <= today)
    .reduce((cents, o) => cents + toCents(o.usdAmount ?? (o.currency === refundCap.currency ? o.amount : 0)), 0);
  return fromCents(Math.max(0, toCents(refundCap.amount) - refunded));
}
