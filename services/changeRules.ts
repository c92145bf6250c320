import type { Change, ChangeRequest, Customer, Order, Reservation, Scope, ValueFigures } from '../data/schemas.ts';
import { planCancel } from './cancelPlan.ts';
import type { Catalog, Offer } from './catalog.ts';
import { isChangeable } from './changeable.ts';
import { planExchange } from './exchangePlan.ts';
import type { Person } from './people.ts';
import { requestRefusals } from './requestRefusals.ts';
import { checkScope, describeScope } from './scope.ts';

/** A change as asked on a card or typed: every part is checked by planChange. */
export type ChangeInput =
  | { kind: 'Cancel'; quantity?: string | number }
  | { kind: 'Exchange'; sku: string; region: string; term: string; quantity: string | number; alsoReturned?: readonly string[] }
  | { kind: 'Renew'; autoRenew: boolean }
  | { kind: 'Scope'; scope: Scope };

/**
 * A change that R17 allows on one day, with its figures (cancel, exchange) and, for an exchange, the new catalogue row
 * and the other reservations it returns, as read with the subject.
 */
export interface ChangePlan {
  change: Change;
  figures?: ValueFigures;
  offer?: Offer;
  alsoReturned?: Reservation[];
}

export interface ChangeSubject {
  catalog: Catalog;
  partnerName: string;
  customer: Customer;
  reservation: Reservation;
  /** The customer's reservations, among which an exchange finds the others it returns. */
  reservations: readonly Reservation[];
  /** The customer's reservations that a pending request other than one about `reservation` names, with that request. */
  pending: ReadonlyMap<string, ChangeRequest>;
  /** The customer's orders, for the refunds that count against the cap. */
  orders: readonly Order[];
  /** Whose eyes the refusals are written for. */
  viewer: Person;
}

/** R17's rules for one change of one reservation on `today`: checked when the customer asks, and again when an Admin Agent approves. */
export function planChange(subject: ChangeSubject, input: ChangeInput, today: string): ChangePlan {
  const { customer, reservation, viewer } = subject;
  if (!isChangeable(reservation, today)) throw requestRefusals.reservationNotActive(reservation);
  switch (input.kind) {
    case 'Cancel':
      return planCancel(subject, input, today);
    case 'Exchange':
      return planExchange(subject, input, today);
    case 'Renew':
      if (reservation.autoRenew === input.autoRenew) throw requestRefusals.nothingToChange(`Auto-renew of ${reservation.id} is already ${input.autoRenew ? 'on' : 'off'}`, viewer);
      return { change: { kind: 'Renew', autoRenew: input.autoRenew } };
    case 'Scope':
      checkScope(customer, input.scope);
      if (JSON.stringify(input.scope) === JSON.stringify(reservation.scope)) throw requestRefusals.nothingToChange(`The scope of ${reservation.id} is already "${describeScope(customer, input.scope)}"`, viewer);
      return { change: { kind: 'Scope', scope: input.scope } };
  }
}
