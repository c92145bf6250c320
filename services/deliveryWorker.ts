import type { Delivery } from '../data/schemas.ts';
import type { Store, Transaction } from '../data/store.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { backoff, ClaimedWork } from './claimedWork.ts';
import { CodedError, ErrorCode } from './codedError.ts';
import { conversationIdOf } from './conversations.ts';
import { excerpt } from './excerpt.ts';
import type { Messenger } from './messenger.ts';
import { Operation } from './operations.ts';
import type { Outbox } from './outbox.ts';
import { possessive } from './possessive.ts';
import { requestView } from './requestView.ts';

/** How hard the worker tries: attempts in all, the wait before the first retry (doubling up to the longest), how long one send may take. */
export interface DeliveryPolicy {
  attempts: number;
  firstRetryMs: number;
  longestRetryMs: number;
  sendTimeoutMs: number;
}

/** Six attempts over about five minutes; a send that takes longer than 15 s counts as failed. */
export const deliveryPolicy: DeliveryPolicy = { attempts: 6, firstRetryMs: 10_000, longestRetryMs: 120_000, sendTimeoutMs: 15_000 };

/** How many deliveries one transaction claims. */
const batch = 20;

/**
 * R23: sends what the outbox holds once it is due, through the Messenger, and records each outcome. A delivery is
 * claimed in a transaction before it is sent (its next attempt moved past the send's timeout), so that an
 * attempt cut short by a crash is tried again after a restart. A failed attempt is retried with backoff; one
 * that fails every attempt is logged (R18), and a request card that reached no Admin Agent is told to the customer.
 */
export class DeliveryWorker {
  private readonly work = new ClaimedWork((): Promise<Delivery[]> => this.claim(), (delivery: Delivery) => this.attempt(delivery));
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly messenger: Messenger,
    private readonly log: ActivityLog,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly policy: DeliveryPolicy = deliveryPolicy,
  ) {}

  /** Delivers whatever is due now, until nothing is; resolves with how many were sent. Calls while one runs join it. */
  deliverDue(): Promise<number> {
    return this.work.runDue();
  }

  /** Checks every `everyMs` (and whenever kicked) until stopped. */
  start(everyMs = 1000): void {
    const tick = () => void this.deliverDue().catch((err: Error) => console.error('Could not deliver the outbox:', err.message));
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.work.idle();
  }

  private claim(): Promise<Delivery[]> {
    const now = this.clock();
    return this.store.transaction(async (tx) => {
      const due = await tx.due.deliveries(now.toISOString(), batch);
      for (const delivery of due) {
        delivery.attempts += 1;
        delivery.nextAttemptAt = new Date(now.getTime() + this.policy.sendTimeoutMs + backoff(delivery.attempts, this.policy)).toISOString();
        await tx.saveDelivery(delivery);
      }
      return due;
    });
  }

  private async attempt(delivery: Delivery): Promise<boolean> {
    let activityId: string | undefined;
    try {
      activityId = await withTimeout(this.send(delivery), this.policy.sendTimeoutMs);
    } catch (err) {
      await this.store.transaction((tx) => this.failed(tx, delivery, (err as Error).message || String(err)));
      return false;
    }
    await this.store.transaction((tx) => this.sent(tx, delivery, activityId));
    return true;
  }

  /** Builds the message from the store as it is now and sends it; a request card resolves with the id of the activity sent. */
  private async send({ to, message }: Delivery): Promise<string | undefined> {
    switch (message.kind) {
      case 'purchaseNotice': {
        const [customer, orders] = await Promise.all([this.store.customer(message.customerId), this.store.orders(message.customerId)]);
        const order = orders.find((o) => o.id === message.orderId);
        const reservation = order && (await this.store.reservation(order.reservationId));
        if (!customer || !order || !reservation) throw new Error(`order ${message.orderId} is not in the store`);
        await this.messenger.sendPurchaseNotice(to.reference, { customer, order, reservation });
        return undefined;
      }
      case 'requestCard':
        return this.messenger.sendRequestCard(to.reference, await this.view(message.requestId), message.audience, message.news);
      case 'cardUpdate': {
        const view = await this.view(message.requestId);
        // Activity ids are unique within a conversation only: the copy is the one with this id in this conversation.
        const copy = view.request.copies.find((c) => c.activityId === message.activityId && conversationIdOf(c.reference) === conversationIdOf(to.reference));
        if (!copy) throw new Error(`no copy ${message.activityId} of ${message.requestId}`);
        await this.messenger.updateRequestCard(copy, view);
        return undefined;
      }
      case 'text':
        await this.messenger.sendText(to.reference, message.text);
        return undefined;
    }
  }

  private async view(requestId: string) {
    const request = await this.store.request(requestId);
    if (!request) throw new Error(`request ${requestId} is not in the store`);
    return requestView(this.store, request);
  }

  private async sent(tx: Transaction, delivery: Delivery, activityId: string | undefined): Promise<void> {
    const now = this.clock().toISOString();
    await tx.saveDelivery({ ...delivery, state: 'Sent', doneAt: now });
    const { message } = delivery;
    if (message.kind !== 'requestCard' || !activityId) return;
    const request = await tx.request(message.requestId);
    if (!request) return;
    request.copies.push({ audience: message.audience, reference: delivery.to.reference, activityId });
    await tx.saveRequest(request);
    // Decided while this card was on its way: it may show the request as pending, so it is brought up to date.
    if (request.state !== 'Pending') await this.outbox.add(tx, { reference: delivery.to.reference }, { kind: 'cardUpdate', requestId: request.id, activityId });
  }

  private async failed(tx: Transaction, delivery: Delivery, why: string): Promise<void> {
    const now = this.clock();
    const lastError = excerpt(why, 500);
    if (delivery.attempts < this.policy.attempts) {
      await tx.saveDelivery({ ...delivery, lastError, nextAttemptAt: new Date(now.getTime() + backoff(delivery.attempts, this.policy)).toISOString() });
      return;
    }
    await tx.saveDelivery({ ...delivery, lastError, state: 'Failed', doneAt: now.toISOString() });
    const partner = await tx.partner();
    const { message } = delivery;
    const request = 'requestId' in message && message.requestId ? await tx.request(message.requestId) : undefined;
    const customer = await tx.customer('customerId' in message ? message.customerId : (request?.customerId ?? ''));
    const error = new CodedError(ErrorCode.DeliveryFailed, `Not delivered after ${delivery.attempts} attempts: ${lastError}`);
    await this.log.refused(systemActor(partner.tenantId, 'Reservations bot'), Operation.DeliverMessage, { customer, target: describe(delivery) }, error, tx);
    const stillWaiting = request?.state === 'Pending' && message.kind === 'requestCard' && message.news === 'new' && message.audience === 'approver';
    if (request && stillWaiting && !(await reachesAnApprover(tx, request.id))) {
      const asker = await tx.conversation(request.requestedBy.tenantId, request.requestedBy.userId);
      const text =
        `Your request ${request.id} could not be delivered to any of ${possessive(partner.name)} Admin Agents in Teams. ` +
        `It is still pending and listed for them under \`requests\`, but nobody has been told of it: please let your contact at ${partner.name} know.`;
      if (asker) await this.outbox.add(tx, { reference: asker.reference, tenantId: asker.tenantId, userId: asker.userId }, { kind: 'text', text, requestId: request.id });
    }
  }
}

/** Whether some approval card of this request was sent, or may still be. */
async function reachesAnApprover(tx: Transaction, requestId: string): Promise<boolean> {
  const deliveries = await tx.deliveriesAbout(requestId);
  return deliveries.some((d) => d.message.kind === 'requestCard' && d.message.audience === 'approver' && d.message.news === 'new' && d.state !== 'Failed');
}

/** "request card of REQ-1001 to conversation a:1x…", as the log's target says it. */
function describe({ to, message }: Delivery): string {
  const where = to.userId ? `the personal chat of ${to.userId}` : `conversation ${conversationIdOf(to.reference) ?? 'unknown'}`;
  switch (message.kind) {
    case 'purchaseNotice':
      return `purchase notice of order ${message.orderId} to ${where}`;
    case 'requestCard':
      return `${message.news === 'reminder' ? 'reminder' : 'card'} of ${message.requestId} to ${where}`;
    case 'cardUpdate':
      return `update of the card of ${message.requestId} in ${where}`;
    case 'text':
      return `message${message.requestId ? ` about ${message.requestId}` : ''} to ${where}`;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
