import { z } from 'zod';
import { requestApproveVerb, requestRejectVerb } from '../../cards/requestCard.ts';
import { formatTime } from '../../cards/format.ts';
import { everyone } from '../commands/command.ts';
import { refusedRequestCard, requestCardFor } from '../requestCards.ts';
import { defineCardAction } from './cardAction.ts';

/**
 * Approve and Reject on a request card (R16). Everyone's click reaches the service, which refuses and logs
 * anyone but an Admin Agent against the request (R18); the answer is the card as the request now stands.
 */
function decideAction(verb: string, outcome: 'Approved' | 'Rejected') {
  return defineCardAction({
    verb,
    roles: everyone,
    data: z.object({ requestId: z.string().min(1).max(40), reason: z.string().max(500).optional() }),
    async run({ person, services }, { requestId, reason }) {
      try {
        const { view, repeated } = await services.requests.decide(person, requestId, outcome, reason);
        const notice = repeated ? { tone: 'warning' as const, text: `You already ${outcome.toLowerCase()} this request on ${formatTime(view.request.closedAt!)}; nothing more was changed.` } : undefined;
        return requestCardFor(services, person, view, notice);
      } catch (err) {
        return refusedRequestCard(services, person, requestId, err);
      }
    },
  });
}

export const requestApproveAction = decideAction(requestApproveVerb, 'Approved');
export const requestRejectAction = decideAction(requestRejectVerb, 'Rejected');
