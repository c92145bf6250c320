import { maxReturned, type Reservation, type ValueFigures } from '../data/schemas.ts';
import { findOffer, productOf } from './catalog.ts';
import { isChangeable } from './changeable.ts';
import type { ChangeInput, ChangePlan, ChangeSubject } from './changeRules.ts';
import { changeNames } from './changeWords.ts';
import { utcDay } from './clock.ts';
import { formatMoney, fromCents, times, toCents } from './money.ts';
import { parseQuantity } from './quantity.ts';
import { refusals } from './refusals.ts';
import { requestRefusals } from './requestRefusals.ts';
import { returnedAt, rowOf, unusedValue } from './reservationValue.ts';
import { termLabel } from './terms.ts';

/**
 * Azure's exchange policy (exchange-and-refund-azure-reservations, 2026-07-22): reservations bought from this day for a
 * service savings plans cover are not exchanged. Its compute rule for reservations bought from 1 January 2024 has been
 * postponed "until further notice" (the same page, 2026-01-15), so nothing is checked for it until Microsoft ends it.
 */
export const savingsPlanExchangeEnd = '2027-02-01';

/** Why Azure would not exchange this reservation at all (R17), or undefined if it would. */
export function exchangeBar({ catalog }: Pick<ChangeSubject, 'catalog'>, reservation: Reservation): string | undefined {
  const product = productOf(catalog, reservation);
  if (product?.exchangeable === false) return `Azure does not exchange ${product.name} reservations such as ${reservation.id}.`;
  const bought = utcDay(new Date(reservation.purchasedAt));
  if (product?.savingsPlanCovered && bought >= savingsPlanExchangeEnd) {
    return `${reservation.id} was bought on ${bought}, and Azure does not exchange reservations bought from 1 February 2027 for a service that Azure savings plans cover, such as ${product.name}.`;
  }
  return undefined;
}

/** Why `other` cannot be returned with the subject's reservation in one exchange (R17), or undefined if it can. */
export function returnBar(subject: ChangeSubject, other: Reservation, today: string): string | undefined {
  const { catalog, reservation, pending } = subject;
  if (!isChangeable(other, today)) return requestRefusals.reservationNotActive(other).message;
  const waiting = pending.get(other.id);
  if (waiting) return `${other.id} is named by ${waiting.id} (${changeNames[waiting.change.kind]} of ${waiting.reservationId}), which waits for a decision.`;
  const type = productOf(catalog, reservation)?.type;
  const otherType = productOf(catalog, other)?.type;
  if (otherType !== type) return `An exchange returns reservations of one product type: ${reservation.id} is ${type ?? reservation.sku}, and ${other.id} is ${otherType ?? other.sku}.`;
  if (other.currency !== reservation.currency) return `An exchange returns reservations paid in one currency: ${reservation.id} was paid in ${reservation.currency}, and ${other.id} in ${other.currency}.`;
  return exchangeBar(subject, other);
}

/** The other reservations of the customer that could be returned with the subject's in one exchange today. */
export const companions = (subject: ChangeSubject, today: string): Reservation[] =>
  subject.reservations.filter((r) => r.id !== subject.reservation.id && returnBar(subject, r, today) === undefined);

/** R17: the value a reservation returned whole brings to an exchange on `today`, at the lower of the price paid and today's. */
export const creditOf = ({ catalog }: Pick<ChangeSubject, 'catalog'>, reservation: Reservation, today: string): ValueFigures =>
  unusedValue(reservation, today, returnedAt(reservation, rowOf(reservation, catalog.prices), reservation.quantity));

/** Refuses an exchange of a reservation Azure does not exchange (R17), telling the customer to ask for a refund instead where Azure gives one. */
export function checkExchangeable(subject: ChangeSubject, reservation: Reservation): void {
  const bar = exchangeBar(subject, reservation);
  if (!bar) return;
  const refund = productOf(subject.catalog, reservation)?.refundable === false ? '' : `Type \`cancel ${reservation.id}\` to ask for a refund instead.`;
  throw requestRefusals.exchangeNotAllowed(bar, subject.viewer, refund);
}

/** The other reservations named, each the customer's own and returnable with the subject's (R17). */
export function alsoReturnedOf(subject: ChangeSubject, ids: readonly string[], today: string): Reservation[] {
  const { reservation, viewer } = subject;
  if (ids.length > maxReturned - 1) throw requestRefusals.exchangeNotAllowed(`An exchange returns at most ${maxReturned} reservations into one.`, viewer);
  const named = new Set([reservation.id]);
  return ids.map((typed) => {
    const other = subject.reservations.find((r) => r.id.toLowerCase() === typed.trim().toLowerCase());
    if (!other) throw requestRefusals.reservationNotFound(typed, viewer);
    if (named.has(other.id)) throw requestRefusals.exchangeNotAllowed(`${other.id} is named twice.`, viewer);
    named.add(other.id);
    const bar = returnBar(subject, other, today);
    if (bar) throw requestRefusals.exchangeNotAllowed(bar, viewer, 'Leave it out of the exchange.');
    return other;
  });
}

/**
 * R17's exchange on `today`: the reservation, and any others named with it, end; their unused value (each at the lower
 * of the price paid and today's) is credited to a new reservation of the same product type, whose total must be at
 * least the credit.
 */
export function planExchange(subject: ChangeSubject, input: Extract<ChangeInput, { kind: 'Exchange' }>, today: string): ChangePlan {
  const { catalog, partnerName, reservation, viewer } = subject;
  checkExchangeable(subject, reservation);
  const offer = findOffer(catalog, input.sku, input.region, input.term);
  const { product, price } = offer;
  const current = productOf(catalog, reservation);
  if (!current || product.type !== current.type) {
    throw requestRefusals.exchangeNotAllowed(`An exchange stays within one product type: ${reservation.id} is ${current?.type ?? reservation.sku}, and ${product.sku} is ${product.type}.`, viewer, 'Type `prices` to see the products.');
  }
  const others = alsoReturnedOf(subject, input.alsoReturned ?? [], today);
  if (price.partnerPrice === undefined) throw refusals.noPartnerPrice(price, viewer, partnerName);
  if (price.currency !== reservation.currency) throw requestRefusals.exchangeNotAllowed(`${product.sku} in ${price.region} is priced in ${price.currency}, and ${reservation.id} was paid in ${reservation.currency}.`, viewer);
  const quantity = parseQuantity(input.quantity);
  if (!others.length && product.sku === reservation.sku && price.region === reservation.region && price.term === reservation.term && quantity === reservation.quantity) {
    throw requestRefusals.nothingToChange(`${reservation.id} already is ${quantity} × ${product.sku} in ${price.region} for ${termLabel(price.term)}`, viewer);
  }
  const shares = [reservation, ...others].map((r) => ({ reservationId: r.id, ...creditOf(subject, r, today) }));
  const credit = fromCents(shares.reduce((cents, s) => cents + toCents(s.unusedValue), 0));
  const newTotal = times(price.partnerPrice, quantity);
  if (newTotal < credit) {
    throw requestRefusals.exchangeNotAllowed(
      `The new reservation's total commitment (${quantity} × ${formatMoney(price.partnerPrice, price.currency)} = ${formatMoney(newTotal, price.currency)}) must be at least the credit from ${shares.map((s) => s.reservationId).join(', ')} (${formatMoney(credit, price.currency)}).`,
      viewer,
      'Choose a larger quantity, a longer term or a bigger product.',
    );
  }
  const { reservationId: _, ...first } = shares[0]!;
  const alsoReturned = others.map((r) => r.id);
  return {
    change: { kind: 'Exchange', sku: product.sku, region: price.region, term: price.term, quantity, ...(alsoReturned.length ? { alsoReturned } : {}) },
    figures: { ...first, unusedValue: credit, newTotal, due: fromCents(toCents(newTotal) - toCents(credit)), ...(others.length ? { returned: shares.map(({ asOf: _a, currency: _c, ...share }) => share) } : {}) },
    offer,
    ...(others.length ? { alsoReturned: others } : {}),
  };
}
