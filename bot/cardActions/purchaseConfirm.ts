import { z } from 'zod';
import { messageCard } from '../../cards/messageCard.ts';
import { purchaseConfirmVerb } from '../../cards/purchaseReviewCard.ts';
import { CodedError } from '../../services/codedError.ts';
import { purchaseDone } from '../purchaseCards.ts';
import { defineCardAction } from './cardAction.ts';

/** "Buy" on the confirm step: buys the quote once, however often it is clicked (R8–R11). */
export const purchaseConfirmAction = defineCardAction({
  verb: purchaseConfirmVerb,
  roles: ['AdminAgent', 'SalesAgent', 'CustomerUser'],
  data: z.object({ quoteId: z.string().min(1) }),
  async run({ person, services }, { quoteId }) {
    try {
      return await purchaseDone(services, await services.purchases.confirm(person, quoteId));
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      return messageCard('Not bought', err.message, 'attention');
    }
  },
});
