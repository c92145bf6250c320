import type { Notice } from '../cards/adaptiveCard.ts';
import { messageCard } from '../cards/messageCard.ts';
import { requestCard } from '../cards/requestCard.ts';
import { CodedError } from '../services/codedError.ts';
import type { RequestView } from '../services/messenger.ts';
import type { Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';

/** A request's card as this person sees it: buttons for Admin Agents and the customer's users while it is pending. */
export function requestCardFor(services: Services, person: Person, view: RequestView, notice?: Notice) {
  return requestCard({ view, audience: services.requests.audience(person, view.request), notice });
}

/**
 * The answer to a refused click on a request card: the request as it is now with the reason on top
 * (who decided first, for R16), or only the reason when this person may not see the request.
 */
export async function refusedRequestCard(services: Services, person: Person, requestId: string, err: unknown) {
  if (!(err instanceof CodedError)) throw err;
  const notice: Notice = { tone: 'attention', text: err.message };
  try {
    return requestCardFor(services, person, await services.requests.view(person, requestId), notice);
  } catch {
    return messageCard('Not changed', err.message, 'attention');
  }
}
