import type { Customer, Reservation } from '../data/schemas.ts';
import { termLabel } from '../services/terms.ts';
import { isChangeable } from '../services/changeRules.ts';
import { adaptiveCard, heading, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';
import { factSet, newestSubtitle, note, sectionHeading } from './format.ts';
import { reservationFacts, reservationStatus } from './reservationFacts.ts';

/** A card holds this many reservations, so that it stays within Teams' message size. */
export const reservationsShown = 10;

export interface ReservationsCardModel {
  customer: Customer;
  partnerName: string;
  /** Newest first. */
  reservations: Reservation[];
  /** R14, in words: what a shared-scope reservation of this customer covers. */
  sharedCoverage: string;
  today: string;
  /** Customer users get buttons to ask for a change of each reservation that can still be changed (R15). */
  canAsk: boolean;
}

/** R11, R13, R14: the customer's reservations, the customer's own purchases beside the partner's, each marked with who bought it. */
export function reservationsCard({ customer, partnerName, reservations, sharedCoverage, today, canAsk }: ReservationsCardModel): AdaptiveCard {
  const hidden = new Set(['Reservation', 'Product', 'Region', 'Quantity', 'Term', 'Status']);
  return adaptiveCard([
    ...heading(`Reservations of ${customer.name}`, newestSubtitle(reservations.length, reservationsShown, 'reservation')),
    ...reservations.slice(0, reservationsShown).map((r) => ({
      type: 'Container',
      separator: true,
      spacing: 'Medium',
      items: [
        { type: 'TextBlock', text: `**${r.id}** · ${r.quantity} × ${r.productName} · ${r.region} · ${termLabel(r.term)} · ${reservationStatus(r, today)}`, wrap: true },
        factSet(reservationFacts(r, customer, partnerName, today).filter(([title]) => !hidden.has(title))),
        ...(canAsk && isChangeable(r, today) ? [changeButtons(r)] : []),
      ],
    })),
    ...(reservations.some((r) => r.scope.type === 'Shared') ? [sectionHeading('Shared scope'), note(sharedCoverage)] : []),
  ]);
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
