import type { Order } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import { adminConversations } from './conversations.ts';
import type { Outbox } from './outbox.ts';

/** R12: when the partner's setting is on, every Admin Agent who has talked to the bot hears of each purchase a customer makes. */
export class PurchaseNotifications {
  constructor(private readonly outbox: Outbox) {}

  /** Adds a notice per Admin Agent to the outbox, in the purchase's transaction; resolves with how many. */
  async purchaseMade(tx: Transaction, order: Order): Promise<number> {
    if (!(await tx.settings()).purchaseNotifications || order.by.role !== 'CustomerUser') return 0;
    const admins = await adminConversations(tx);
    for (const admin of admins) {
      await this.outbox.add(tx, { reference: admin.reference, tenantId: admin.tenantId, userId: admin.userId }, { kind: 'purchaseNotice', customerId: order.customerId, orderId: order.id });
    }
    return admins.length;
  }
}
