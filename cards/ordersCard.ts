import type { Order } from '../data/schemas.ts';
import { formatMoney } from '../services/money.ts';
import { adaptiveCard, heading, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime, newestSubtitle } from './format.ts';
import { boughtBy } from './reservationFacts.ts';

export const ordersShown = 15;

export interface OrdersCardModel {
  customerName: string;
  partnerName: string;
  /** Newest first. */
  orders: Order[];
}

/** "USD 600.00"; a refund as "−USD 328.77"; an exchange with the credit it used. */
function amountOf(order: Order): string {
  const money = formatMoney(order.amount, order.currency);
  if (order.type === 'Refund') return `−${money}`;
  if (order.type === 'Exchange' && order.credit !== undefined) return `${money} (credit ${formatMoney(order.credit, order.currency)})`;
  return money;
}

/** R9, R11: the customer's Order history: each purchase with who made it, what it cost and whom it was billed to. */
export function ordersCard({ customerName, partnerName, orders }: OrdersCardModel): AdaptiveCard {
  return adaptiveCard([
    ...heading(`Order history of ${customerName}`, newestSubtitle(orders.length, ordersShown, 'order')),
    ...orders.slice(0, ordersShown).map((o) => ({
      type: 'Container',
      separator: true,
      spacing: 'Small',
      items: [
        { type: 'TextBlock', text: `**${o.id}** · ${o.type} · ${amountOf(o)} · ${o.description}`, wrap: true },
        {
          type: 'TextBlock',
          text: `${formatTime(o.at)} · ${o.type === 'Refund' || o.type === 'Exchange' ? 'approved' : 'bought'} by ${boughtBy(o.by, customerName, partnerName)} · ${o.type === 'Refund' ? 'refunded to' : 'billed to'} ${o.billedTo.name} · reservation ${o.reservationId}${o.requestId ? ` · request ${o.requestId}` : ''}`,
          wrap: true,
          isSubtle: true,
          size: 'Small',
          spacing: 'None',
        },
      ],
    })),
  ]);
}
