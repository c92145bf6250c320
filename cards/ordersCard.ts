import type { Customer, Order } from '../data/schemas.ts';
import { formatMoney } from '../services/money.ts';
import { adaptiveCard, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime } from './format.ts';
import { pageButtons, pageHeading, pageSubtitle, type ListPage } from './listPage.ts';
import { boughtBy } from './reservationFacts.ts';

/** A card holds this many orders, so that it stays within Teams' message size. */
export const ordersPageSize = 15;

export const ordersPageVerb = 'orders.page';

export interface OrdersCardModel {
  customer: Pick<Customer, 'id' | 'name'>;
  partnerName: string;
  /** Newest first. */
  page: ListPage<Order>;
}

/** "USD 600.00"; a refund as "−USD 328.77"; an exchange with the credit it used. */
function amountOf(order: Order): string {
  const money = formatMoney(order.amount, order.currency);
  if (order.type === 'Refund') return `−${money}`;
  if (order.type === 'Exchange' && order.credit !== undefined) return `${money} (credit ${formatMoney(order.credit, order.currency)})`;
  return money;
}

/** R9, R11: the customer's Order history: each purchase with who made it, what it cost and whom it was billed to. */
export function ordersCard({ customer, partnerName, page }: OrdersCardModel): AdaptiveCard {
  const body = [...pageHeading(`Order history of ${customer.name}`, pageSubtitle(page, 'order'), page), ...page.items.map((o) => orderBlock(o, customer.name, partnerName))];
  return adaptiveCard(body, pageButtons(page, ordersPageVerb, { customerId: customer.id }));
}

function orderBlock(o: Order, customerName: string, partnerName: string): object {
  return {
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
  };
}
