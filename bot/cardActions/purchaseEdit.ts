import { z } from 'zod';
import { messageCard } from '../../cards/messageCard.ts';
import { offerValue, scopeValue } from '../../cards/purchaseFormCard.ts';
import { purchaseEditVerb } from '../../cards/purchaseReviewCard.ts';
import { CodedError } from '../../services/codedError.ts';
import { purchaseForm } from '../purchaseCards.ts';
import { defineCardAction } from './cardAction.ts';

/** "Change" on the confirm step: the purchase form again, filled in as the quote was. */
export const purchaseEditAction = defineCardAction({
  verb: purchaseEditVerb,
  roles: ['AdminAgent', 'SalesAgent', 'CustomerUser'],
  data: z.object({ quoteId: z.string().min(1) }),
  async run({ person, services }, { quoteId }) {
    try {
      const { quote } = await services.purchases.quoteOf(person, quoteId);
      const { request } = quote;
      const choices = await services.purchases.choices(person, quote.customerId);
      return await purchaseForm(services, person, choices, {
        offer: offerValue(request),
        quantity: String(request.quantity),
        billingPlan: request.billingPlan,
        billingSubscription: request.billingSubscriptionId,
        scope: scopeValue(request.scope),
        resourceGroup: request.scope.type === 'ResourceGroup' ? request.scope.resourceGroup : undefined,
      });
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      return messageCard('Not changed', err.message, 'attention');
    }
  },
});
