import { TeamsActivityHandler, tokenExchangeOperationName, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { SignIns } from './auth/signIns.ts';
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
    /** Teams single sign-on, where Partner Center needs the agent's own sign-in; none on the embedded world. */
    private readonly signIns?: SignIns,
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
      if (person) await this.answer(context, person, place, await routeCommand(words, { person, services, commands, place, userToken: this.signIns?.tokenOf(person.tenantId, person.userId) }));
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
    let signIn = false;
    const userToken = this.signIns?.tokenOf(person.tenantId, person.userId);
    const answer = await routeCardAction(invokeValue, { person, services: this.services, clicked: chatPlace(context.activity), userToken, askSignIn: () => (signIn = true) }, cardActions);
    if (signIn && this.signIns) await context.sendActivity(this.signIns.card());
    return answer;
  }

  /**
   * Teams single sign-on: after the sign-in card, Teams sends the person's token for this app. It is kept if it verifies
   * and is theirs; else the 412 makes Teams show the card's sign-in button.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== tokenExchangeOperationName) return super.onInvokeActivity(context);
    const value = (context.activity.value ?? {}) as { id?: unknown; connectionName?: unknown; token?: unknown };
    const refuse = (failureDetail: string): InvokeResponse => ({ status: 412, body: { id: value.id, connectionName: value.connectionName, failureDetail } });
    if (!this.signIns) return refuse('This bot does not use single sign-on.');
    if (typeof value.token !== 'string' || !value.token) return refuse('No token came with the sign-in.');
    const { tenantId, userId } = identityOf(context.activity);
    const accepted = await this.signIns.accept(value.token, tenantId, userId);
    if (!accepted.ok) {
      // The ids are as the activity gave them: quoted, so that they cannot forge a line of their own.
      console.warn(`[auth] single sign-on refused for ${JSON.stringify(`${tenantId}/${userId}`)}: ${accepted.reason}`);
      return refuse(accepted.reason);
    }
    await context.sendActivity('Signed in: Partner Center will see changes you ask for as yours. Send your request again.');
    return { status: 200 };
  }

  /** Posts the answer where it was asked if everyone there may see it (R20); else sends it privately, with a pointer here. */
  private async answer(context: TurnContext, person: Person, place: ChatPlace, { replies, shows, signIn }: Answer): Promise<void> {
    if (signIn && this.signIns) replies = [...replies, this.signIns.card()];
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
