import type { ChangeKind, Customer, Reservation, ValueFigures } from '../data/schemas.ts';
import { offers, productOf, type Offer } from './catalog.ts';
import { planChange, type ChangeSubject } from './changeRules.ts';
import { eligibleSubscriptions } from './eligibility.ts';
import { alsoReturnedOf, checkExchangeable, companions, creditOf } from './exchangePlan.ts';

/** What the request card for one kind of change offers: the reservation, today's figures and the choices. */
export interface ChangeForm {
  kind: ChangeKind;
  customer: Customer;
  reservation: Reservation;
  /** Cancel: the refund estimate (of the units typed, else all) and the allowance left; exchange: the credit. */
  figures?: ValueFigures;
  /** Exchange: the priced catalogue rows of the same product type, in the reservation's currency. */
  offers: Offer[];
  /** Exchange: the customer's other reservations that may be returned with it, each with the credit it brings, and those typed. */
  companions: { reservation: Reservation; figures: ValueFigures }[];
  alsoReturned: string[];
  /** Scope: the targets a new scope may name. */
  scopeTargets: Pick<Customer, 'subscriptions' | 'managementGroups'>;
  partnerName: string;
  lifetimeDays: number;
}

/** What the person typed beyond the reservation: the units to return (cancel), the other reservations to return with it (exchange). */
export interface FormAsk {
  quantity?: string;
  alsoReturned?: readonly string[];
}

/**
 * R17: the form for asking `kind` of change of the subject's reservation on `today`, refused at once where R17 would
 * refuse any such request: a cancel past the refund cap or of a product Azure does not refund, an exchange Azure does
 * not allow, another reservation typed that cannot be returned with it.
 */
export function changeForm(subject: ChangeSubject, kind: ChangeKind, today: string, asked: FormAsk, lifetimeDays: number): ChangeForm {
  const { catalog, customer, reservation, partnerName } = subject;
  if (kind === 'Exchange') checkExchangeable(subject, reservation);
  const alsoReturned = kind === 'Exchange' ? alsoReturnedOf(subject, asked.alsoReturned ?? [], today).map((r) => r.id) : [];
  const type = productOf(catalog, reservation)?.type;
  return {
    kind,
    customer,
    reservation,
    figures: kind === 'Cancel' ? planChange(subject, { kind, quantity: asked.quantity }, today).figures : kind === 'Exchange' ? creditOf(subject, reservation, today) : undefined,
    offers: kind === 'Exchange' ? offers(catalog).filter((o) => o.product.type === type && o.price.currency === reservation.currency && o.price.partnerPrice !== undefined) : [],
    companions: kind === 'Exchange' ? companions(subject, today).map((r) => ({ reservation: r, figures: creditOf(subject, r, today) })) : [],
    alsoReturned,
    scopeTargets: { subscriptions: eligibleSubscriptions(customer), managementGroups: customer.managementGroups },
    partnerName,
    lifetimeDays,
  };
}
