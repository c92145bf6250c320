import type { Notice } from '../cards/adaptiveCard.ts';
import { purchaseDoneCard } from '../cards/purchaseDoneCard.ts';
import { purchaseFormCard, type PurchaseFormValues } from '../cards/purchaseFormCard.ts';
import { purchaseReviewCard } from '../cards/purchaseReviewCard.ts';
import type { Person } from '../services/people.ts';
import type { Purchase, PurchaseChoices, QuoteView } from '../services/purchases.ts';
import type { Services } from '../services/services.ts';
import { utcDay } from '../services/clock.ts';

/** The purchase form as this person sees it (agents buy on the customer's behalf and see Web Direct prices). */
export async function purchaseForm(services: Services, person: Person, choices: PurchaseChoices, values?: Partial<PurchaseFormValues>, notice?: Notice) {
  return purchaseFormCard({ choices, partnerName: (await services.directory.partnerName()), forAgent: person.kind === 'agent', values, notice });
}

export async function purchaseReview(services: Services, person: Person, view: QuoteView) {
  return purchaseReviewCard({ view, partnerName: (await services.directory.partnerName()), forAgent: person.kind === 'agent' });
}

export async function purchaseDone(services: Services, { customer, order, reservation, alreadyBought }: Purchase) {
  const partnerName = (await services.directory.partnerName());
  const notice: Notice = alreadyBought
    ? { tone: 'warning', text: `This purchase was already confirmed, so it was bought once: order ${order.id}. Nothing more was bought.` }
    : { tone: 'good', text: `Bought: order ${order.id}, reservation ${reservation.id}. It is billed to ${partnerName}.` };
  return purchaseDoneCard({ reservation, customer, partnerName, today: utcDay(services.clock()), notice });
}
