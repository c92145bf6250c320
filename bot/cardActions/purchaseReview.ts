import { z } from 'zod';
import { messageCard } from '../../cards/messageCard.ts';
import { purchaseReviewVerb, scopeOf } from '../../cards/purchaseFormCard.ts';
import { CodedError } from '../../services/codedError.ts';
import { purchaseForm, purchaseReview } from '../purchaseCards.ts';
import { defineCardAction } from './cardAction.ts';

/** Teams sends the form's inputs merged into the button's data; every value is checked by the service. */
const formData = z.object({
  customerId: z.string().min(1),
  offer: z.string().regex(/^[^|]+\|[^|]+\|[^|]+$/),
  quantity: z.union([z.string(), z.number()]).transform(String),
  billingPlan: z.enum(['Upfront', 'Monthly']),
  billingSubscription: z.string().min(1),
  scope: z.string().refine((value) => scopeOf(value, '') !== undefined),
  resourceGroup: z.string().optional(),
});

/** "Review purchase" on the purchase form: checks and prices it, and answers with the confirm step (or the form and what to fix). */
export const purchaseReviewAction = defineCardAction({
  verb: purchaseReviewVerb,
  roles: ['AdminAgent', 'SalesAgent', 'CustomerUser'],
  data: formData,
  async run({ person, services }, data) {
    const { customerId, ...values } = data;
    const [sku, region, term] = data.offer.split('|') as [string, string, string];
    try {
      const scope = scopeOf(data.scope, data.resourceGroup)!;
      const view = await services.purchases.quote(person, customerId, { sku, region, term, quantity: data.quantity, billingPlan: data.billingPlan, billingSubscriptionId: data.billingSubscription, scope });
      return await purchaseReview(services, person, view);
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      // The form again, as filled in, with what to fix; if this person may no longer buy at all, only the reason.
      const choices = await services.purchases.formChoices(person, customerId);
      return choices ? await purchaseForm(services, person, choices, values, { tone: 'attention', text: err.message, field: err.field }) : messageCard('Not bought', err.message, 'attention');
    }
  },
});
