import type { CardCopy, Conversation } from '../../data/schemas.ts';
import type { Audience, ConversationReference, Messenger, PurchaseNotice, RequestNews, RequestView } from '../../services/messenger.ts';

/** A Messenger that only records what it was asked to send (the Bot Connector's edge, faked); sent cards get ids sent-1, sent-2, ... */
export class RecordingMessenger implements Messenger {
  readonly sent: { conversation: Conversation; notice: PurchaseNotice }[] = [];
  readonly requestCards: { to: ConversationReference; requestId: string; state: string; audience: Audience; news: RequestNews; activityId: string }[] = [];
  readonly updates: { copy: CardCopy; requestId: string; state: string }[] = [];
  readonly texts: { to: ConversationReference; text: string }[] = [];

  async sendPurchaseNotice(conversation: Conversation, notice: PurchaseNotice): Promise<void> {
    this.sent.push({ conversation, notice });
  }

  async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    const activityId = `sent-${this.requestCards.length + 1}`;
    this.requestCards.push({ to, requestId: view.request.id, state: view.request.state, audience, news, activityId });
    return activityId;
  }

  async updateRequestCard(copy: CardCopy, view: RequestView): Promise<void> {
    this.updates.push({ copy, requestId: view.request.id, state: view.request.state });
  }

  async sendText(to: ConversationReference, text: string): Promise<void> {
    this.texts.push({ to, text });
  }
}
