import type { OrderRow, ReservationRow } from '../dashboardTypes.ts';
import type { Api } from './api.ts';
import { h, show, table } from './dom.ts';

/** A customer user's own reservations (R13): to change one, they ask in chat (R15). */
export async function reservationsView(api: Api, host: HTMLElement): Promise<void> {
  const rows = await api.get<ReservationRow[]>('/dashboard/api/reservations');
  show(
    host,
    h('p', { class: 'intro' }, 'To exchange, cancel, renew or re-scope a reservation, ask your partner in chat: type cancel, exchange, renew or scope and the reservation id.'),
    table<ReservationRow>(
      'Reservations',
      [
        { title: 'Reservation', cell: (r) => h('strong', {}, r.id), nowrap: true },
        { title: 'Product', cell: (r) => `${r.quantity} × ${r.product}` },
        { title: 'Term', cell: (r) => `${r.term}, ${r.purchased} to ${r.expires}` },
        { title: 'Scope', cell: (r) => r.scope },
        { title: 'Status', cell: (r) => h('span', { class: `state ${r.status.toLowerCase()}` }, r.status) },
        { title: 'Auto-renew', cell: (r) => (r.autoRenew ? 'On' : 'Off') },
        { title: 'Bought by', cell: (r) => r.boughtBy },
        { title: 'Total', cell: (r) => r.total },
      ],
      rows,
      'No reservations yet. Type buy in chat to buy one, if your partner allows it.',
    ),
  );
}

/** A customer user's Order history (R11): purchases, refunds, exchanges and renewals, billed to the partner. */
export async function ordersView(api: Api, host: HTMLElement): Promise<void> {
  const rows = await api.get<OrderRow[]>('/dashboard/api/orders');
  show(
    host,
    table<OrderRow>(
      'Order history',
      [
        { title: 'Order', cell: (o) => h('strong', {}, o.id), nowrap: true },
        { title: 'Type', cell: (o) => o.type },
        { title: 'When', cell: (o) => o.at, nowrap: true },
        { title: 'What', cell: (o) => o.description },
        { title: 'By', cell: (o) => o.by },
        { title: 'Billed to', cell: (o) => o.billedTo },
        { title: 'Amount', cell: (o) => o.amount },
      ],
      rows,
      'No orders yet.',
    ),
  );
}
