import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference } from 'botbuilder';
import { purchaseNoticeCard } from '../cards/purchaseNoticeCard.ts';
import type { Conversation } from '../data/schemas.ts';
import type { Messenger, PurchaseNotice } from '../services/purchaseNotifications.ts';
import type { Config } from './config.ts';
import { cardReply } from './replies.ts';

/** Writes to people first through the Bot Connector, in the conversation whose reference the store keeps. */
export class ProactiveMessenger implements Messenger {
  private readonly adapter: CloudAdapter;

  constructor(private readonly bot: Config['bot']) {
    this.adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(bot));
  }

  async sendPurchaseNotice(conversation: Conversation, notice: PurchaseNotice): Promise<void> {
    await this.adapter.continueConversationAsync(this.bot.MicrosoftAppId, conversation.reference as Partial<ConversationReference>, async (context) => {
      await context.sendActivity(cardReply(purchaseNoticeCard(notice)));
    });
  }
}
