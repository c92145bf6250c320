import type { Actor, Customer, Reservation } from '../data/schemas.ts';
import { formatMoney } from '../services/money.ts';
import { describeScope, subscriptionName } from '../services/scope.ts';
import { termLabel } from '../services/terms.ts';
import { formatDate } from './format.ts';

/** R11: who bought it, marked as the customer's own purchase or the partner's on its behalf. */
export function boughtBy(actor: Actor, customerName: string, partnerName: string): string {
  return actor.role === 'CustomerUser' ? `${actor.name} (${customerName})` : `${actor.name} (${partnerName}, for the customer)`;
}

/** "Active", "Expired" once its expiry date has passed, "Cancelled on …", "Exchanged on … for R-1002". */
export function reservationStatus(reservation: Reservation, today: string): string {
  if (reservation.status === 'Cancelled') return `Cancelled on ${reservation.endedOn}`;
  if (reservation.status === 'Exchanged') return `Exchanged on ${reservation.endedOn} for ${reservation.exchangedFor}`;
  return reservation.expiresOn <= today ? 'Expired' : 'Active';
}

/** Every R13 field of a reservation as [title, value] pairs. */
export function reservationFacts(reservation: Reservation, customer: Customer, partnerName: string, today: string): [string, string | undefined][] {
  return [
    ['Reservation', `${reservation.id} (order ${reservation.orderId})`],
    ['Product', `${reservation.productName} (${reservation.sku})`],
    ['Region', reservation.region],
    ['Quantity', String(reservation.quantity)],
    ['Term', termLabel(reservation.term)],
    ['Billing plan', reservation.billingPlan],
    ['Billing subscription', subscriptionName(customer, reservation.billingSubscriptionId)],
    ['Scope', describeScope(customer, reservation.scope)],
    ['Auto-renew', reservation.autoRenew ? 'On' : 'Off'],
    ['Purchased', formatDate(reservation.purchasedAt)],
    ['Expires', reservation.expiresOn],
    ['Status', reservationStatus(reservation, today)],
    ['Exchanged from', reservation.exchangedFrom],
    ['Renews', reservation.renewalOf],
    ['Bought by', boughtBy(reservation.boughtBy, customer.name, partnerName)],
    ['Price paid', `${formatMoney(reservation.total, reservation.currency)} (${formatMoney(reservation.unitPrice, reservation.currency)} per unit)`],
    ['Billed to', partnerName],
  ];
}
