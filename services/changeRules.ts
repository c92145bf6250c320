import type { Change, Customer, Order, Reservation, Scope, ValueFigures } from '../data/schemas.ts';
import { findOffer, type Catalog, type Offer } from './catalog.ts';
import { formatMoney, fromCents, times, toCents } from './money.ts';
import type { Person } from './people.ts';
import { parseQuantity } from './quantity.ts';
import { refusals } from './refusals.ts';
import { requestRefusals } from './requestRefusals.ts';
import { capWindowStart, refundAllowance, refundCap, unusedValue } from './reservationValue.ts';
import { checkScope, describeScope } from './scope.ts';
import { termLabel } from './terms.ts';

/** A change as asked on a card or typed: every part is checked by planChange. */
export type ChangeInput =
  | { kind: 'Cancel' }
  | { kind: 'Exchange'; sku: string; region: string; term: string; quantity: string | number }
  | { kind: 'Renew'; autoRenew: boolean }
  | { kind: 'Scope'; scope: Scope };

/** A change that R17 allows on one day, with its figures (cancel, exchange) and, for an exchange, the new catalogue row. */
export interface ChangePlan {
  change: Change;
  figures?: ValueFigures;
  offer?: Offer;
}

export interface ChangeSubject {
  catalog: Catalog;
  partnerName: string;
  customer: Customer;
  reservation: Reservation;
  /** The customer's orders, for the refunds that count against the cap. */
  orders: readonly Order[];
  /** Whose eyes the refusals are written for. */
  viewer: Person;
}

/** Whether a reservation can still be changed on `today`: active and not yet expired. */
export const isChangeable = (reservation: Reservation, today: string) => reservation.status === 'Active' && reservation.expiresOn > today;

/** R17's rules for one change of one reservation on `today`: checked when the customer asks, and again when an Admin Agent approves. */
export function planChange({ catalog, partnerName, customer, reservation, orders, viewer }: ChangeSubject, input: ChangeInput, today: string): ChangePlan {
  if (!isChangeable(reservation, today)) throw requestRefusals.reservationNotActive(reservation);
  switch (input.kind) {
    case 'Cancel': {
      const figures = { ...unusedValue(reservation, today), allowance: refundAllowance(orders, today) };
      if (reservation.currency === refundCap.currency && figures.unusedValue > figures.allowance) {
        throw requestRefusals.refundCapExceeded(figures.unusedValue, figures.allowance, refundCap.amount, capWindowStart(today), refundCap.currency, viewer);
      }
      return { change: { kind: 'Cancel' }, figures };
    }
    case 'Exchange':
      return planExchange(catalog, partnerName, reservation, viewer, input, today);
    case 'Renew':
      if (reservation.autoRenew === input.autoRenew) throw requestRefusals.nothingToChange(`Auto-renew of ${reservation.id} is already ${input.autoRenew ? 'on' : 'off'}`, viewer);
      return { change: { kind: 'Renew', autoRenew: input.autoRenew } };
    case 'Scope':
      checkScope(customer, input.scope);
      if (JSON.stringify(input.scope) === JSON.stringify(reservation.scope)) throw requestRefusals.nothingToChange(`The scope of ${reservation.id} is already "${describeScope(customer, input.scope)}"`, viewer);
      return { change: { kind: 'Scope', scope: input.scope } };
  }
}

/** R17: the unused value is credited to a new reservation of the same product type, whose total must be at least the credit. */
function planExchange(catalog: Catalog, partnerName: string, reservation: Reservation, viewer: Person, input: Extract<ChangeInput, { kind: 'Exchange' }>, today: string): ChangePlan {
  const offer = findOffer(catalog, input.sku, input.region, input.term);
  const { product, price } = offer;
  const current = catalog.products.find((p) => p.sku === reservation.sku);
  if (!current || product.type !== current.type) {
    throw requestRefusals.exchangeNotAllowed(`An exchange stays within one product type: ${reservation.id} is ${current?.type ?? reservation.sku}, and ${product.sku} is ${product.type}.`, viewer, 'Type `prices` to see the products.');
  }
  if (price.partnerPrice === undefined) throw refusals.noPartnerPrice(price, viewer, partnerName);
  if (price.currency !== reservation.currency) throw requestRefusals.exchangeNotAllowed(`${product.sku} in ${price.region} is priced in ${price.currency}, and ${reservation.id} was paid in ${reservation.currency}.`, viewer);
  const quantity = parseQuantity(input.quantity);
  if (product.sku === reservation.sku && price.region === reservation.region && price.term === reservation.term && quantity === reservation.quantity) {
    throw requestRefusals.nothingToChange(`${reservation.id} already is ${quantity} × ${product.sku} in ${price.region} for ${termLabel(price.term)}`, viewer);
  }
  const credit = unusedValue(reservation, today);
  const newTotal = times(price.partnerPrice, quantity);
  if (newTotal < credit.unusedValue) {
    throw requestRefusals.exchangeNotAllowed(
      `The new reservation's total commitment (${quantity} × ${formatMoney(price.partnerPrice, price.currency)} = ${formatMoney(newTotal, price.currency)}) must be at least the credit from ${reservation.id} (${formatMoney(credit.unusedValue, credit.currency)}).`,
      viewer,
      'Choose a larger quantity, a longer term or a bigger product.',
    );
  }
  return {
    change: { kind: 'Exchange', sku: product.sku, region: price.region, term: price.term, quantity },
    figures: { ...credit, newTotal, due: fromCents(toCents(newTotal) - toCents(credit.unusedValue)) },
    offer,
  };
}
