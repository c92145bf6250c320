import type { ChangeRecords, ChangeRequestRepository, DirectoryRepository } from '../data/repository.ts';
import type { ChangeRequest } from '../data/schemas.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { Operation } from './operations.ts';
import type { RequestDelivery } from './requestDelivery.ts';

/**
 * R16: a pending request is closed once (decided, withdrawn or expired) in one store step, and that step's
 * log entries come before any later step's about the same request.
 */
export class RequestClosing {
  /** The log entries of a step that closed a request, while they are being written (see close()). */
  private readonly logging = new Map<string, Promise<unknown>>();

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly repo: ChangeRequestRepository,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly delivery: RequestDelivery,
  ) {}

  /**
   * Closes a pending request in one step with `apply`, which may refuse by throwing (nothing changes then),
   * and logs it with `logged`. A request found past its expiry is expired instead (logged, and the customer
   * told). One found closed already is returned as it is, once the log has the step that closed it, so that a
   * late click's refusal never comes before the decision in the log.
   */
  async close(
    requestId: string,
    apply: (request: ChangeRequest, records: ChangeRecords, now: Date) => void,
    logged: (request: ChangeRequest) => Promise<unknown>,
  ): Promise<{ kind: 'closed' | 'expired' | 'wasClosed'; request: ChangeRequest }> {
    const now = this.clock();
    const bot = this.botActor();
    // Registered in the step that closes it: a step that then finds it closed waits for these entries.
    let logDone!: () => void;
    const logWritten = new Promise<void>((resolve) => (logDone = resolve));
    const settle = () => {
      logDone();
      if (this.logging.get(requestId) === logWritten) this.logging.delete(requestId);
    };
    let result;
    try {
      result = await this.repo.change((records) => {
        const request = records.request(requestId)!;
        if (request.state !== 'Pending') return { kind: 'wasClosed' as const, request };
        if (now.getTime() >= Date.parse(request.expiresAt)) {
          // It expired at its deadline, whenever that is noticed (a check, a click, the first check after a restart).
          request.state = 'Expired';
          request.closedBy = bot;
          request.closedAt = request.expiresAt;
        } else {
          apply(request, records, now);
          request.closedAt = now.toISOString();
        }
        this.logging.set(requestId, logWritten);
        return { kind: request.state === 'Expired' ? ('expired' as const) : ('closed' as const), request };
      });
    } catch (err) {
      settle();
      throw err;
    }
    if (result.kind === 'wasClosed') {
      await this.logging.get(requestId);
      return result;
    }
    const { request } = result;
    try {
      if (result.kind === 'expired') {
        await this.log.succeeded(bot, Operation.ExpireRequest, { customer: this.directory.customer(request.customerId), target: request.id, before: { state: 'Pending' }, after: { state: 'Expired', expiresAt: request.expiresAt } });
      } else await logged(request);
    } finally {
      settle();
    }
    if (result.kind === 'expired') await this.delivery.closed(request, true);
    return result;
  }

  /** Expires a request past its expiry (close() does, before any change could be applied); false if it was closed already. */
  async expire(requestId: string): Promise<boolean> {
    const result = await this.close(requestId, () => undefined, async () => undefined);
    return result.kind === 'expired';
  }

  private botActor() {
    return systemActor(this.directory.partner().tenantId, 'Reservations bot');
  }
}
