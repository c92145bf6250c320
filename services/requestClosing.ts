import type { ChangeRequest } from '../data/schemas.ts';
import type { Store, Transaction } from '../data/store.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { Operation } from './operations.ts';
import type { RequestDelivery } from './requestDelivery.ts';

/** How a close ended: closed by this step, found past its expiry and expired, found closed already, or (only when expiring) not due yet. */
export type Closing = { kind: 'closed' | 'expired' | 'wasClosed' | 'notDue'; request: ChangeRequest };

/**
 * R16: a pending request is closed once (decided, withdrawn or expired), in one transaction with its log entries
 * and the messages that tell of it, so that whatever comes after, in this process or another, finds it closed
 * and its log entries already written.
 */
export class RequestClosing {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly delivery: RequestDelivery,
  ) {}

  /**
   * Closes a pending request with `apply`, which changes the request (as read in the transaction), writes its log
   * entries and may refuse by throwing (nothing changes then). A request found past its expiry is expired instead
   * (logged, and the customer told). One found closed already is returned as it is.
   */
  close(requestId: string, apply: ((tx: Transaction, request: ChangeRequest, now: Date) => Promise<void>) | 'expireOnly', tellRequester: boolean): Promise<Closing> {
    const now = this.clock();
    return this.store.transaction(async (tx): Promise<Closing> => {
      const request = await tx.request(requestId);
      if (!request) throw new Error(`no request ${requestId}`);
      if (request.state !== 'Pending') return { kind: 'wasClosed', request };
      if (now.getTime() >= Date.parse(request.expiresAt)) {
        // It expired at its deadline, whenever that is noticed (a check, a click, the first check after a restart).
        const bot = systemActor((await tx.partner()).tenantId, 'Reservations bot');
        Object.assign(request, { state: 'Expired', closedBy: bot, closedAt: request.expiresAt });
        await tx.saveRequest(request);
        await this.log.succeeded(tx, bot, Operation.ExpireRequest, { customer: await tx.customer(request.customerId), target: request.id, before: { state: 'Pending' }, after: { state: 'Expired', expiresAt: request.expiresAt } });
        await this.delivery.closed(tx, request, true);
        return { kind: 'expired', request };
      }
      if (apply === 'expireOnly') return { kind: 'notDue', request };
      await apply(tx, request, now);
      request.closedAt = now.toISOString();
      await tx.saveRequest(request);
      await this.delivery.closed(tx, request, tellRequester);
      return { kind: 'closed', request };
    });
  }

  /** Expires a request past its expiry (close() does, before any change could be applied); false if it was closed already. */
  async expire(requestId: string): Promise<boolean> {
    const result = await this.close(requestId, 'expireOnly', true);
    return result.kind === 'expired';
  }
}
