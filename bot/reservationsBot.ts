import { TeamsActivityHandler, type TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import { messageCard } from '../cards/messageCard.ts';
import type { Services } from '../services/services.ts';
import { cardResponse, routeCardAction } from './cardActionRouter.ts';
import { chatPlace } from './chatPlace.ts';
import { cardActions } from './cardActions/registry.ts';
import { commandWords } from './commandText.ts';
import { routeCommand } from './commandRouter.ts';
import { commands } from './commands/registry.ts';
import { notKnownText, speaker } from './speaker.ts';
import { possessive } from '../services/possessive.ts';

/** Turns activities into service calls: messages go to the command router, card clicks to the card-action router. */
export class ReservationsBot extends TeamsActivityHandler {
  constructor(private readonly services: Services) {
    super();
    // R12 and later notices need a way to write to each person first: their personal chat's reference, kept in the store.
    this.onTurn(async (context, next) => {
      const person = speaker(context.activity, services);
      const place = chatPlace(context.activity);
      if (person && place.type === 'personal') await services.conversations.remember(person, place.reference);
      await next();
    });
    this.onMessage(async (context, next) => {
      const person = speaker(context.activity, services);
      const replies = person ? await routeCommand(commandWords(context.activity), { person, services, commands, place: chatPlace(context.activity) }) : [{ type: 'message', text: notKnownText }];
      await context.sendActivities(replies);
      await next();
    });
    // A greeting when someone opens a personal chat with the bot; in teams and group chats it would be noise.
    this.onMembersAdded(async (context, next) => {
      const { conversation, recipient, membersAdded } = context.activity;
      if (conversation?.conversationType === 'personal' && membersAdded?.some((m) => m.id !== recipient?.id)) {
        const person = speaker(context.activity, services);
        const partner = services.directory.partner().name;
        await context.sendActivity(
          person ? `Hello ${person.name}! I'm ${possessive(partner)} Azure reservations assistant. Type \`help\` to see what I can do for you.` : notKnownText,
        );
      }
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const person = speaker(context.activity, this.services);
    if (!person) return cardResponse(messageCard('Not available', notKnownText, 'attention'));
    return routeCardAction(invokeValue, { person, services: this.services, clicked: chatPlace(context.activity) }, cardActions);
  }
}
