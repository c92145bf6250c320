import { TeamsActivityHandler, type TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import { messageCard } from '../cards/messageCard.ts';
import type { Person } from '../services/people.ts';
import { possessive } from '../services/possessive.ts';
import type { Services } from '../services/services.ts';
import { cardResponse, logStrangerClick, routeCardAction } from './cardActionRouter.ts';
import { cardActions } from './cardActions/registry.ts';
import { chatPlace, type ChatPlace } from './chatPlace.ts';
import { logStrangerCommand, routeCommand, type Answer } from './commandRouter.ts';
import { commandWords } from './commandText.ts';
import { commands } from './commands/registry.ts';
import type { PrivateChat } from './privateChat.ts';
import { mayShowHere } from './replyPlace.ts';
import { identityOf, notKnownText, speaker } from './speaker.ts';

/** Turns activities into service calls: messages go to the command router, card clicks to the card-action router. */
export class ReservationsBot extends TeamsActivityHandler {
  constructor(
    private readonly services: Services,
    private readonly privateChat: PrivateChat,
  ) {
    super();
    // R12 and later notices need a way to write to each person first: their personal chat's reference, kept in the store.
    this.onTurn(async (context, next) => {
      const person = await speaker(context.activity, services);
      const place = chatPlace(context.activity);
      if (person && place.type === 'personal') await services.conversations.remember(person, place.reference);
      await next();
    });
    this.onMessage(async (context, next) => {
      const person = await speaker(context.activity, services);
      const words = commandWords(context.activity);
      const place = chatPlace(context.activity);
      if (person) await this.answer(context, person, place, await routeCommand(words, { person, services, commands, place }));
      else {
        await logStrangerCommand(words, identityOf(context.activity), services, commands);
        await context.sendActivity(notKnownText);
      }
      await next();
    });
    // A greeting when someone opens a personal chat with the bot; in teams and group chats it would be noise.
    this.onMembersAdded(async (context, next) => {
      const { conversation, recipient, membersAdded } = context.activity;
      if (conversation?.conversationType === 'personal' && membersAdded?.some((m) => m.id !== recipient?.id)) {
        const person = await speaker(context.activity, services);
        const partner = (await services.directory.partnerName());
        await context.sendActivity(
          person ? `Hello ${person.name}! I'm ${possessive(partner)} Azure reservations assistant. Type \`help\` to see what I can do for you.` : notKnownText,
        );
      }
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const person = await speaker(context.activity, this.services);
    if (!person) {
      await logStrangerClick(invokeValue, identityOf(context.activity), this.services, cardActions);
      return cardResponse(messageCard('Not available', notKnownText, 'attention'));
    }
    // The answer replaces the card for the person who clicked only, so it may show what they may see (R20).
    return routeCardAction(invokeValue, { person, services: this.services, clicked: chatPlace(context.activity) }, cardActions);
  }

  /** Posts the answer where it was asked if everyone there may see it (R20); else sends it privately, with a pointer here. */
  private async answer(context: TurnContext, person: Person, place: ChatPlace, { replies, shows }: Answer): Promise<void> {
    if (await mayShowHere(shows, person, place, this.services)) {
      await context.sendActivities(replies);
      return;
    }
    const sent = await this.privateChat.send(context, person, replies);
    await context.sendActivity(
      sent
        ? `${person.name}, I sent my answer to you in our personal chat: it shows what only you may see, so not here.`
        : `${person.name}, my answer shows what only you may see, so I can't post it here, and I could not open a personal chat with you. Open a chat with me (select my name, then Chat) and ask me there.`,
    );
  }
}
