import type { Actor, Customer, Reservation } from '../data/schemas.ts';
import { formatMoney } from '../services/money.ts';
import { describeScope, subscriptionName } from '../services/scope.ts';
import { termLabel } from '../services/terms.ts';
import { formatDate } from './format.ts';

/** R11: who bought it, marked as the customer's own purchase or the partner's on its behalf. */
export function boughtBy(actor: Actor, customerName: string, partnerName: string): string {
  return actor.role === 'CustomerUser' ? `${actor.name} (${customerName})` : `${actor.name} (${partnerName}, for the customer)`;
}

/** "Active", or "Expired" once its expiry date has passed. */
export function reservationStatus(reservation: Reservation, today: string): string {
  return reservation.status === 'Active' && reservation.expiresOn <= today ? 'Expired' : reservation.status;
}

/** Every R13 field of a reservation as [title, value] pairs. */
export function reservationFacts(reservation: Reservation, customer: Customer, partnerName: string, today: string): [string, string][] {
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
    ['Bought by', boughtBy(reservation.boughtBy, customer.name, partnerName)],
    ['Price paid', `${formatMoney(reservation.total, reservation.currency)} (${formatMoney(reservation.unitPrice, reservation.currency)} per unit)`],
    ['Billed to', partnerName],
  ];
}
