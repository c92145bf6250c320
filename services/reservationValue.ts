import type { Order, Reservation, ValueFigures } from '../data/schemas.ts';
import { utcDay } from './clock.ts';
import { fromCents, toCents } from './money.ts';
import { addYears, daysBetween, nextDay } from './terms.ts';

/** R17: refunds to one customer may not pass this in any rolling 12 months. Exchanges do not count. */
export const refundCap = { amount: 50_000, currency: 'USD' } as const;

/**
 * R17: the unused part of a reservation's total commitment on `today`, pro rata by whole UTC days.
 * The term runs from the purchase day to the expiry day; a reservation ended today has used the days
 * before today, so one ended on its purchase day is refunded in full, and one past its expiry not at all.
 * The amount is rounded to the nearest cent.
 */
export function unusedValue(reservation: Pick<Reservation, 'purchasedAt' | 'expiresOn' | 'total' | 'currency'>, today: string): ValueFigures {
  const totalDays = daysBetween(utcDay(new Date(reservation.purchasedAt)), reservation.expiresOn);
  const remainingDays = Math.min(totalDays, Math.max(0, daysBetween(today, reservation.expiresOn)));
  return {
    asOf: today,
    totalDays,
    remainingDays,
    unusedValue: fromCents(Math.round((toCents(reservation.total) * remainingDays) / totalDays)),
    currency: reservation.currency,
  };
}

/** The first day of the rolling 12 months that end on `today`: the day after the same date a year before. */
export const capWindowStart = (today: string) => nextDay(addYears(today, -1));

/** R17: what a customer may still be refunded on `today`: the cap less the refunds among its orders in the rolling 12 months. */
export function refundAllowance(orders: readonly Order[], today: string): number {
  const from = capWindowStart(today);
  const refunded = orders
    .filter((o) => o.type === 'Refund' && o.currency === refundCap.currency && utcDay(new Date(o.at)) >= from && utcDay(new Date(o.at)) <= today)
    .reduce((cents, o) => cents + toCents(o.amount), 0);
  return fromCents(Math.max(0, toCents(refundCap.amount) - refunded));
}
