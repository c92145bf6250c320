import { z } from 'zod';
import { requestRetryVerb } from '../../cards/requestCard.ts';
import { everyone } from '../commands/command.ts';
import { refusedRequestCard, requestCardFor } from '../requestCards.ts';
import { defineCardAction } from './cardAction.ts';

/** "Retry in Azure" on an Admin Agent's copy of a request Azure did not carry out: the same service as `retry <request>`. */
export const requestRetryAction = defineCardAction({
  verb: requestRetryVerb,
  roles: everyone,
  data: z.object({ requestId: z.string().min(1).max(40) }),
  async run({ person, services }, { requestId }) {
    try {
      const view = await services.requests.retry(person, requestId);
      return requestCardFor(services, person, view, { tone: 'good', text: `Sent to Azure again: ${view.request.id} is being carried out. Every copy of this card will show how it went.` });
    } catch (err) {
      return refusedRequestCard(services, person, requestId, err);
    }
  },
});
