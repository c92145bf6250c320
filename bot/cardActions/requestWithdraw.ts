import { z } from 'zod';
import { requestWithdrawVerb } from '../../cards/requestCard.ts';
import { everyone } from '../commands/command.ts';
import { refusedRequestCard, requestCardFor } from '../requestCards.ts';
import { defineCardAction } from './cardAction.ts';

/** "Withdraw request" on the customer's copy: the same service as `withdraw <request>`. */
export const requestWithdrawAction = defineCardAction({
  verb: requestWithdrawVerb,
  roles: everyone,
  data: z.object({ requestId: z.string().min(1).max(40) }),
  async run({ person, services }, { requestId }) {
    try {
      const view = await services.requests.withdraw(person, requestId);
      return requestCardFor(services, person, view, { tone: 'good', text: `Withdrawn: ${view.request.id} will not be decided. Every copy of this card now says so.` });
    } catch (err) {
      return refusedRequestCard(services, person, requestId, err);
    }
  },
});
