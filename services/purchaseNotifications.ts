import type { ConversationRepository, DirectoryRepository } from '../data/repository.ts';
import { adminConversations } from './conversations.ts';
import { deliver } from './deliver.ts';
import type { Messenger, PurchaseNotice } from './messenger.ts';

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
    const sent = await Promise.all(
      adminConversations(this.directory, this.conversations).map((conversation) =>
        deliver(`tell ${conversation.userId} about order ${notice.order.id}`, async () => {
          await this.messenger.sendPurchaseNotice(conversation, notice);
          return true;
        }),
      ),
    );
    return sent.filter(Boolean).length;
  }
}
