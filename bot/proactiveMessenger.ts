import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConversationReference, type TurnContext } from 'botbuilder';
import { purchaseNoticeCard } from '../cards/purchaseNoticeCard.ts';
import { requestCard } from '../cards/requestCard.ts';
import type { CardCopy } from '../data/schemas.ts';
import type { Audience, ConversationReference as StoredReference, Messenger, PurchaseNotice, RequestNews, RequestView } from '../services/messenger.ts';
import type { Config } from './config.ts';
import { cardReply, textReply } from './replies.ts';

/** Writes to people first through the Bot Connector, in the conversation whose reference the store keeps, and updates cards sent before. */
export class ProactiveMessenger implements Messenger {
  private readonly adapter: CloudAdapter;

  constructor(private readonly bot: Config['bot']) {
    this.adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(bot));
  }

  async sendPurchaseNotice(to: StoredReference, notice: PurchaseNotice): Promise<void> {
    await this.in(to, (context) => context.sendActivity(cardReply(purchaseNoticeCard(notice))));
  }

  async sendRequestCard(to: StoredReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    const sent = await this.in(to, (context) => context.sendActivity(cardReply(requestCard({ view, audience, news }))));
    if (!sent?.id) throw new Error('the Bot Connector answered without the id of the message');
    return sent.id;
  }

  /** PUT .../activities/{id}: the card in that message is replaced. */
  async updateRequestCard(copy: CardCopy, view: RequestView): Promise<void> {
    await this.in(copy.reference, (context) => context.updateActivity({ ...cardReply(requestCard({ view, audience: copy.audience })), id: copy.activityId }));
  }

  async sendText(to: StoredReference, text: string): Promise<void> {
    await this.in(to, (context) => context.sendActivity(textReply(text)));
  }

  private async in<T>(reference: StoredReference, work: (context: TurnContext) => Promise<T>): Promise<T> {
    let result: T | undefined;
    await this.adapter.continueConversationAsync(this.bot.MicrosoftAppId, reference as Partial<ConversationReference>, async (context) => {
      result = await work(context);
    });
    return result as T;
  }
}
