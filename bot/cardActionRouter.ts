import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptiveCard.ts';
import { messageCard } from '../cards/messageCard.ts';
import { roleLabels, type Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';
import type { CardAction } from './cardActions/cardAction.ts';

/** Routes an Action.Execute by its exact verb; every answer is a card that replaces the one clicked. */
export async function routeCardAction(value: AdaptiveCardInvokeValue, person: Person, services: Services, actions: readonly CardAction[]): Promise<AdaptiveCardInvokeResponse> {
  const verb = value.action?.verb;
  const action = actions.find((a) => a.verb === verb);
  if (!action) return cardResponse(messageCard('Not available', 'This button is no longer supported. Type `help` to see what you can do.', 'attention'));
  if (!action.roles.includes(person.role)) {
    return cardResponse(messageCard('Not available', `This button is not available to you as a ${roleLabels[person.role]}.`, 'attention'));
  }
  const data = action.data.safeParse(value.action.data ?? {});
  if (!data.success) {
    return cardResponse(messageCard('Not understood', 'This card\'s data is not what I expected, so nothing was changed. Open the card again from the chat (for example with `customer <name>`).', 'attention'));
  }
  return cardResponse(await action.run({ person, services }, data.data));
}

export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as Record<string, unknown> };
}
