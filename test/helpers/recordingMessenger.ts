import type { Conversation } from '../../data/schemas.ts';
import type { Messenger, PurchaseNotice } from '../../services/purchaseNotifications.ts';

/** A Messenger that only records what it was asked to send (the Bot Connector's edge, faked). */
export class RecordingMessenger implements Messenger {
  readonly sent: { conversation: Conversation; notice: PurchaseNotice }[] = [];

  async sendPurchaseNotice(conversation: Conversation, notice: PurchaseNotice): Promise<void> {
    this.sent.push({ conversation, notice });
  }
}
