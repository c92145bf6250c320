import { z } from 'zod';
import { messageCard } from '../../cards/messageCard.ts';
import { requestRefreshVerb } from '../../cards/requestCard.ts';
import { CodedError } from '../../services/codedError.ts';
import { everyone } from '../commands/command.ts';
import { requestCardFor } from '../requestCards.ts';
import { defineCardAction } from './cardAction.ts';

/** Universal Actions refresh: Teams asks for the card as this viewer should see it (an Admin Agent gets Approve and Reject). */
export const requestRefreshAction = defineCardAction({
  verb: requestRefreshVerb,
  roles: everyone,
  readsOnly: true,
  data: z.object({ requestId: z.string().min(1).max(40) }),
  async run({ person, services }, { requestId }) {
    try {
      return requestCardFor(services, person, await services.requests.view(person, requestId));
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      return messageCard('Not available', err.message, 'attention');
    }
  },
});
