import type { ChangeRequest, Conversation } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import { requestOutcome } from './changeWords.ts';
import { adminConversations } from './conversations.ts';
import type { Outbox } from './outbox.ts';

const personal = (c: Conversation) => ({ reference: c.reference, tenantId: c.tenantId, userId: c.userId });

/**
 * Where a change request's cards go (R15–R16), added to the outbox in the transaction of the step they tell of:
 * to every Admin Agent who has a personal chat with the bot and to the partner's approvals channel. Each copy
 * sent is kept on the request, so that every copy shows the decision, even after a restart.
 */
export class RequestDelivery {
  constructor(private readonly outbox: Outbox) {}

  /** A new request: an approval card to each Admin Agent, and a read-only copy (refreshed to the buttons for Admin Agents) to the channel. */
  async publish(tx: Transaction, request: ChangeRequest): Promise<void> {
    for (const admin of await adminConversations(tx)) {
      await this.outbox.add(tx, personal(admin), { kind: 'requestCard', requestId: request.id, audience: 'approver', news: 'new' });
    }
    const channel = (await tx.settings()).approvalsChannel;
    if (channel) await this.outbox.add(tx, { reference: channel.reference }, { kind: 'requestCard', requestId: request.id, audience: 'observer', news: 'new' });
  }

  /** The one reminder at half time, to each Admin Agent. */
  async remind(tx: Transaction, request: ChangeRequest): Promise<void> {
    for (const admin of await adminConversations(tx)) {
      await this.outbox.add(tx, personal(admin), { kind: 'requestCard', requestId: request.id, audience: 'approver', news: 'reminder' });
    }
  }

  /**
   * R16: every copy sent shows how the request ended; with `tellRequester`, the person who asked also gets a short
   * message with the outcome in their chat (their copy of the card is updated in place: no second card). A copy
   * still in the outbox needs no update: it is built as the request is when it is sent.
   */
  async closed(tx: Transaction, request: ChangeRequest, tellRequester: boolean): Promise<void> {
    for (const copy of request.copies) {
      await this.outbox.add(tx, { reference: copy.reference }, { kind: 'cardUpdate', requestId: request.id, activityId: copy.activityId });
    }
    const asker = await tx.conversation(request.requestedBy.tenantId, request.requestedBy.userId);
    const customer = await tx.customer(request.customerId);
    if (tellRequester && asker && customer) await this.outbox.add(tx, personal(asker), { kind: 'text', text: requestOutcome(request, customer), requestId: request.id });
  }
}
