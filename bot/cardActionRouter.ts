import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptiveCard.ts';
import { messageCard } from '../cards/messageCard.ts';
import type { CodedError } from '../services/codedError.ts';
import { Operation } from '../services/operations.ts';
import { refusals } from '../services/refusals.ts';
import type { CardAction, CardActionContext } from './cardActions/cardAction.ts';
import type { Services } from '../services/services.ts';
import type { Identity } from '../services/strangers.ts';

/**
 * Routes an Action.Execute by its exact verb; every answer is a card that replaces the one clicked.
 * A click refused here (unknown verb, wrong role, forged data) is logged (R18) and changes nothing.
 */
export async function routeCardAction(value: AdaptiveCardInvokeValue, ctx: CardActionContext, actions: readonly CardAction[]): Promise<AdaptiveCardInvokeResponse> {
  const { person, services } = ctx;
  const verb = value.action?.verb;
  const refuse = async (error: CodedError) => {
    await services.activity.refused(person, Operation.CardAction, { customer: (await services.directory.own(person)), target: `button ${String(verb)}` }, error);
    return cardResponse(messageCard('Not changed', error.message, 'attention'));
  };
  const action = actions.find((a) => a.verb === verb);
  if (!action) return refuse(refusals.unknownCardAction());
  if (!action.roles.includes(person.role)) return refuse(refusals.cardActionNotForRole(person));
  const data = action.data.safeParse(value.action.data ?? {});
  if (!data.success) return refuse(refusals.invalidCardData());
  return cardResponse(await action.run(ctx, data.data));
}

/** R18: someone the directory does not know clicked a button that changes something; their attempt is logged. */
export async function logStrangerClick(value: AdaptiveCardInvokeValue, who: Identity, services: Services, actions: readonly CardAction[]): Promise<void> {
  const verb = value.action?.verb;
  if (actions.find((a) => a.verb === verb)?.readsOnly) return;
  await services.strangers.refuse(who, Operation.CardAction, `button ${String(verb)}`);
}

export function cardResponse(card: AdaptiveCard): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card as unknown as Record<string, unknown> };
}
