import type { CloudAdapter, ConversationParameters, ConversationReference, TurnContext } from 'botbuilder';
import type { Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';
import { chatPlace } from './chatPlace.ts';
import type { Reply } from './commands/command.ts';

/** Where an answer goes that only the asker may see (R20): their personal chat with the bot. */
export interface PrivateChat {
  /** Sends `replies` to the person who spoke in `context`; false when they have no personal chat with the bot and Teams would not open one. */
  send(context: TurnContext, person: Person, replies: Reply[]): Promise<boolean>;
}

/**
 * The personal chat through the Bot Connector: the one whose reference the store keeps, else a new one opened with
 * the speaker's Teams id (Teams opens it when the app is installed for them), whose reference is then kept.
 */
export class ConnectorPrivateChat implements PrivateChat {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly services: Services,
  ) {}

  async send(context: TurnContext, person: Person, replies: Reply[]): Promise<boolean> {
    const kept = await this.services.conversations.personalChat(person);
    if (kept && (await this.attempt('write to the kept personal chat', () => this.adapter.continueConversationAsync(this.appId, kept as Partial<ConversationReference>, (chat) => send(chat, replies))))) return true;
    const { channelId, serviceUrl, from, recipient } = context.activity;
    // The Bot Connector audience this turn came with (the public cloud's or a sovereign cloud's).
    const audience = context.turnState.get(context.adapter.OAuthScopeKey);
    const parameters = { isGroup: false, bot: recipient, members: [from], tenantId: person.tenantId, channelData: { tenant: { id: person.tenantId } } } as ConversationParameters;
    return this.attempt('open a personal chat', () =>
      this.adapter.createConversationAsync(this.appId, channelId, serviceUrl, audience, parameters, async (chat) => {
        await this.services.conversations.remember(person, chatPlace(chat.activity).reference);
        await send(chat, replies);
      }),
    );
  }

  private async attempt(what: string, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (err) {
      console.warn(`[private chat] could not ${what}: ${(err as Error).message}`);
      return false;
    }
  }
}

/** The adapter's logic returns nothing; sendActivities returns the ids of what it sent. */
async function send(chat: TurnContext, replies: Reply[]): Promise<void> {
  await chat.sendActivities(replies);
}
