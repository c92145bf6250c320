import type { Customer, Order, Reservation } from '../data/schemas.ts';
import { formatMoney } from '../services/money.ts';
import { adaptiveCard, heading, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';
import { factSet, formatTime } from './format.ts';
import { describeScope } from '../services/scope.ts';

export interface PurchaseNoticeModel {
  customer: Customer;
  order: Order;
  reservation: Reservation;
}

/** R12: the short card Admin Agents get when a customer buys a reservation itself. */
export function purchaseNoticeCard({ customer, order, reservation }: PurchaseNoticeModel): AdaptiveCard {
  return adaptiveCard(
    [
      ...heading(`${customer.name} bought a reservation`, `${formatTime(order.at)} · ${order.by.name}`),
      factSet([
        ['What', order.description],
        ['Scope', describeScope(customer, reservation.scope)],
        ['Amount', `${formatMoney(order.amount, order.currency)}, billed to ${order.billedTo.name}`],
        ['Order', `${order.id} · reservation ${reservation.id}`],
      ]),
    ],
    [typedCommandAction(`Orders of ${customer.name}`, `orders ${customer.domain}`)],
  );
}
