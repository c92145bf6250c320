import type { Customer, Reservation } from '../data/schemas.ts';
import { adaptiveCard, heading, noticeBlock, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { factSet, note } from './format.ts';
import { reservationFacts } from './reservationFacts.ts';

export interface PurchaseDoneModel {
  reservation: Reservation;
  customer: Customer;
  partnerName: string;
  today: string;
  notice: Notice;
}

/** What replaces the review card once the purchase is made (or was already made). */
export function purchaseDoneCard({ reservation, customer, partnerName, today, notice }: PurchaseDoneModel): AdaptiveCard {
  return adaptiveCard([
    ...heading('Reservation bought', `${customer.name} · billed to ${partnerName}`),
    noticeBlock(notice),
    factSet(reservationFacts(reservation, customer, partnerName, today)),
    note('Type `reservations` or `orders` to see it with the others. To exchange, cancel, renew or re-scope it, ask the partner.'),
  ]);
}
