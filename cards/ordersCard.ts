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

/** R9, R11: the customer's Order history: each purchase with who made it, what it cost and whom it was billed to. */
export function ordersCard({ customerName, partnerName, orders }: OrdersCardModel): AdaptiveCard {
  return adaptiveCard([
    ...heading(`Order history of ${customerName}`, newestSubtitle(orders.length, ordersShown, 'order')),
    ...orders.slice(0, ordersShown).map((o) => ({
      type: 'Container',
      separator: true,
      spacing: 'Small',
      items: [
        { type: 'TextBlock', text: `**${o.id}** · ${formatMoney(o.amount, o.currency)} · ${o.description}`, wrap: true },
        {
          type: 'TextBlock',
          text: `${formatTime(o.at)} · bought by ${boughtBy(o.by, customerName, partnerName)} · billed to ${o.billedTo.name} · reservation ${o.reservationId}`,
          wrap: true,
          isSubtle: true,
          size: 'Small',
          spacing: 'None',
        },
      ],
    })),
  ]);
}
