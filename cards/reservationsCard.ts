import type { Customer, Reservation } from '../data/schemas.ts';
import { termLabel } from '../services/terms.ts';
import { isChangeable } from '../services/changeable.ts';
import { adaptiveCard, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';
import { factSet, note, sectionHeading } from './format.ts';
import { pageButtons, pageHeading, pageSubtitle, type ListPage } from './listPage.ts';
import { reservationFacts, reservationStatus } from './reservationFacts.ts';

/** A card holds this many reservations, so that it stays within Teams' message size. */
export const reservationsPageSize = 10;

/** Previous, Next and the card's refresh: one page of a customer's reservations, as they are now. */
export const reservationsPageVerb = 'reservations.page';

export interface ReservationsCardModel {
  customer: Customer;
  partnerName: string;
  /** Newest first. */
  page: ListPage<Reservation>;
  /** R14, in words: what a shared-scope reservation of this customer covers. */
  sharedCoverage: string;
  today: string;
  /** Customer users get buttons to ask for a change of each reservation that can still be changed (R15). */
  canAsk: boolean;
  /** The Teams id of the person who asked: Teams fetches the page again whenever they view the card. */
  viewerId?: string;
}

/**
 * R11, R13, R14: the customer's reservations, the customer's own purchases beside the partner's, each marked with
 * who bought it. Its Universal Actions refresh shows the page as it is now, so that a reservation that has ended
 * since (cancelled, exchanged, expired) no longer offers the buttons to change it.
 */
export function reservationsCard({ customer, partnerName, page, sharedCoverage, today, canAsk, viewerId }: ReservationsCardModel): AdaptiveCard {
  const hidden = new Set(['Reservation', 'Product', 'Region', 'Quantity', 'Term', 'Status']);
  const data = { customerId: customer.id };
  const refresh = viewerId ? { action: { type: 'Action.Execute', title: 'Refresh', verb: reservationsPageVerb, data: { ...data, page: page.number } }, userIds: [viewerId] } : undefined;
  return adaptiveCard(
    [
      ...pageHeading(`Reservations of ${customer.name}`, pageSubtitle(page, 'reservation'), page),
      ...page.items.map((r) => ({
        type: 'Container',
        separator: true,
        spacing: 'Medium',
        items: [
          { type: 'TextBlock', text: `**${r.id}** · ${r.quantity} × ${r.productName} · ${r.region} · ${termLabel(r.term)} · ${reservationStatus(r, today)}`, wrap: true },
          factSet(reservationFacts(r, customer, partnerName, today).filter(([title]) => !hidden.has(title))),
          ...(canAsk && isChangeable(r, today) ? [changeButtons(r)] : []),
        ],
      })),
      ...(page.items.some((r) => r.scope.type === 'Shared') ? [sectionHeading('Shared scope'), note(sharedCoverage)] : []),
    ],
    pageButtons(page, reservationsPageVerb, data),
    refresh,
  );
}

/** R15: the changes a customer asks the partner for, each opening its request card. */
function changeButtons(r: Reservation): object {
  return {
    type: 'ActionSet',
    actions: [
      typedCommandAction('Exchange', `exchange ${r.id}`),
      typedCommandAction('Cancel', `cancel ${r.id}`),
      typedCommandAction(r.autoRenew ? 'Turn auto-renew off' : 'Turn auto-renew on', `renew ${r.id} ${r.autoRenew ? 'off' : 'on'}`),
      typedCommandAction('Change scope', `scope ${r.id}`),
    ],
  };
}
