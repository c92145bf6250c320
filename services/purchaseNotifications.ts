import type { ConversationRepository, DirectoryRepository } from '../data/repository.ts';
import type { Conversation, Customer, Order, Reservation } from '../data/schemas.ts';

export interface PurchaseNotice {
  customer: Customer;
  order: Order;
  reservation: Reservation;
}

/** Writes to a person first, in their stored conversation. The bot implements it with proactive messages. */
export interface Messenger {
  sendPurchaseNotice(conversation: Conversation, notice: PurchaseNotice): Promise<void>;
}

/** R12: when the partner's setting is on, every Admin Agent who has talked to the bot hears of each purchase a customer makes. */
export class PurchaseNotifications {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly conversations: ConversationRepository,
    private readonly messenger: Messenger,
  ) {}

  /** Sends the notices and resolves with how many Admin Agents got one; a failed delivery is reported on the console, never to the buyer. */
  async purchaseMade(notice: PurchaseNotice): Promise<number> {
    if (!this.directory.settings().purchaseNotifications || notice.order.by.role !== 'CustomerUser') return 0;
    const partner = this.directory.partner();
    const recipients = partner.agents
      .filter((a) => a.role === 'AdminAgent')
      .flatMap((a) => this.conversations.conversation(partner.tenantId, a.userId) ?? []);
    const sent = await Promise.all(
      recipients.map((conversation) =>
        // Through a promise from the start, so that a messenger that throws at once fails only its own delivery.
        Promise.resolve()
          .then(() => this.messenger.sendPurchaseNotice(conversation, notice))
          .then(
            () => true,
            (err: Error) => {
              console.error(`Could not tell ${conversation.userId} about order ${notice.order.id}: ${err.message}`);
              return false;
            },
          ),
      ),
    );
    return sent.filter(Boolean).length;
  }
}
