import { randomUUID } from 'node:crypto';
import type { ChangeRequest, Reservation } from '../data/schemas.ts';
import type { Store, Transaction } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import { catalogOf, findOffer } from './catalog.ts';
import { carryOut } from './changeExecution.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError, ErrorCode } from './codedError.ts';
import { describeChange } from './changeWords.ts';
import { excerpt } from './excerpt.ts';
import { CloudError, type AzureReservationIds, type CloudCall, type CloudOrders, type CloudPurchase } from './microsoftCloud.ts';
import { changeOperations } from './operations.ts';
import type { Outbox } from './outbox.ts';
import type { RequestDelivery } from './requestDelivery.ts';
import { azureFigures, type DoneInAzure } from './azureFigures.ts';
import { backoff, ClaimedWork } from './claimedWork.ts';

/** How hard the worker tries when Azure does not answer: attempts in all, the wait before the first retry (doubling up to the longest), and how long one attempt holds its claim. */
export interface ExecutionPolicy {
  attempts: number;
  firstRetryMs: number;
  longestRetryMs: number;
  claimMs: number;
}

/** Five attempts over about half an hour; an attempt (a quote and the change, each polled to its end) holds its claim for 30 minutes. */
export const executionPolicy: ExecutionPolicy = { attempts: 5, firstRetryMs: 60_000, longestRetryMs: 15 * 60_000, claimMs: 30 * 60_000 };

/** How many requests one claim takes. */
const batch = 10;

/**
 * R17 in Partner Center mode: an approved change is carried out in Azure after the decision, then recorded. Cancel is
 * `calculateRefund` then `return`, exchange `calculateExchange` then `exchange`, scope and auto-renew a `PATCH`; what
 * Azure answers (its refund, its ids) is what the store records. A request is claimed in a transaction before Azure is
 * called, so an attempt cut short by a crash is taken up again; Azure's quote is kept before the change is sent, so
 * that such a retry first asks Azure whether it was done. Azure not answering is retried with backoff; Azure refusing
 * leaves the request approved but failed, with Azure's words, told to the customer and the agents, and logged, until an
 * Admin Agent retries it.
 */
export class ChangesInAzure {
  private readonly work = new ClaimedWork((): Promise<ChangeRequest[]> => this.claim(), (request: ChangeRequest) => this.attempt(request));

  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly delivery: RequestDelivery,
    private readonly outbox: Outbox,
    private readonly orders: CloudOrders,
    private readonly policy: ExecutionPolicy = executionPolicy,
  ) {}

  /** In the approving transaction, or an Admin Agent's retry: the change is to be carried out in Azure, starting now (a retry asks Azure for a new quote: the old session may have lapsed). */
  begin(request: ChangeRequest, now: Date): void {
    request.execution = { state: 'InProgress', attempts: 0, nextAttemptAt: now.toISOString(), correlationId: randomUUID(), updatedAt: now.toISOString() };
  }

  /** Carries out whatever is due now, until nothing is; resolves with how many were done. Calls while one runs join it. */
  runDue(): Promise<number> {
    return this.work.runDue();
  }

  /** Resolves once the work under way is over. */
  stop(): Promise<void> {
    return this.work.idle();
  }

  /** Starts the work at once, after the current turn has answered. */
  kick(): void {
    setImmediate(() => void this.runDue().catch((err: Error) => console.error('Could not carry out approved changes in Azure:', err.message)));
  }

  private claim(): Promise<ChangeRequest[]> {
    const now = this.clock();
    return this.store.transaction(async (tx) => {
      const due = await tx.due.executions(now.toISOString(), batch);
      for (const request of due) {
        request.execution!.attempts += 1;
        request.execution!.nextAttemptAt = new Date(now.getTime() + this.policy.claimMs).toISOString();
        await tx.saveRequest(request);
      }
      return due;
    });
  }

  /** One attempt: Azure first, then what it did (or why not) recorded, and everyone told after. */
  private async attempt(request: ChangeRequest): Promise<boolean> {
    let recorded = false;
    try {
      const done = await this.inAzure(request);
      recorded = await this.store.transaction((tx) => this.record(tx, request.id, done));
    } catch (err) {
      const problem = err instanceof CloudError ? err : new CloudError('unavailable', (err as Error).message || String(err));
      await this.store.transaction((tx) => this.failed(tx, request.id, problem));
    }
    this.outbox.kick();
    return recorded;
  }

  /** Asks Azure to make the change, or (after an attempt that sent it and heard nothing) finds that it did. */
  private async inAzure(request: ChangeRequest): Promise<DoneInAzure> {
    const { change, customerId } = request;
    const execution = request.execution!;
    const call: CloudCall = { correlationId: execution.correlationId };
    const reservation = await this.store.reservation(request.reservationId);
    if (!reservation) throw new CloudError('refused', `${request.reservationId} is not in the bot's store.`);
    const ids = azureIds(reservation);
    switch (change.kind) {
      case 'Renew':
        await this.orders.update(call, customerId, ids, { autoRenew: change.autoRenew });
        return {};
      case 'Scope':
        await this.orders.update(call, customerId, ids, { scope: change.scope });
        return {};
      case 'Cancel':
        return this.cancel(call, request, reservation, ids, change.quantity ?? reservation.quantity);
      case 'Exchange':
        return this.exchange(call, request, reservation, ids, await this.others(change.alsoReturned ?? []));
    }
  }

  /** calculateRefund, its quote kept, then return with its session: Azure's refund. */
  private async cancel(call: CloudCall, request: ChangeRequest, reservation: Reservation, ids: AzureReservationIds, quantity: number): Promise<DoneInAzure> {
    const kept = request.execution!.quote;
    if (kept && (await this.sentBefore(request.customerId, ids, reservation))) return { refund: { amount: kept.amount, currency: kept.currency } };
    const quote = kept ?? (await this.keepQuote(request.id, await this.orders.quoteRefund(call, request.customerId, ids, quantity).then((q) => ({ sessionId: q.sessionId, ...q.refund }))));
    const reason = `Request ${request.id}, approved by ${request.closedBy?.name ?? 'an Admin Agent'}`;
    return { refund: await this.orders.refund(call, request.customerId, ids, quantity, quote.sessionId, reason) };
  }

  /** calculateExchange of the reservation and the others returned with it for the new one, its quote kept, then exchange with its session. */
  private async exchange(call: CloudCall, request: ChangeRequest, reservation: Reservation, ids: AzureReservationIds, others: readonly Reservation[]): Promise<DoneInAzure> {
    const kept = request.execution!.quote;
    if (kept && (await this.sentBefore(request.customerId, ids, reservation))) return { exchange: { credit: kept.credit!, newTotal: kept.amount, due: kept.due!, currency: kept.currency } };
    const asked = [{ ids, quantity: reservation.quantity }, ...others.map((r) => ({ ids: azureIds(r), quantity: r.quantity }))];
    const quote =
      kept ??
      (await this.keepQuote(
        request.id,
        await this.orders.quoteExchange(call, request.customerId, asked, await this.purchaseOf(request, reservation)).then((q) => ({
          sessionId: q.sessionId,
          amount: q.purchasesTotal.amount,
          currency: q.purchasesTotal.currency,
          credit: q.refundsTotal.amount,
          due: q.netPayable.amount,
        })),
      ));
    const made = await this.orders.exchange(call, request.customerId, quote.sessionId);
    return { exchange: { credit: quote.credit!, newTotal: quote.amount, due: quote.due!, currency: quote.currency, ids: made } };
  }

  /** Whether Azure shows the reservation changed already: an earlier attempt sent the change and its answer was lost. */
  private async sentBefore(customerId: string, ids: AzureReservationIds, reservation: Reservation): Promise<boolean> {
    const now = await this.orders.reservation(customerId, ids);
    return !now || now.state !== 'Active' || now.quantity < reservation.quantity;
  }

  private async keepQuote(requestId: string, quote: NonNullable<NonNullable<ChangeRequest['execution']>['quote']>) {
    await this.store.transaction(async (tx) => {
      const r = (await tx.request(requestId))!;
      if (r.execution?.state !== 'InProgress') return;
      r.execution.quote = quote;
      await tx.saveRequest(r);
    });
    return quote;
  }

  private async others(reservationIds: readonly string[]): Promise<Reservation[]> {
    return Promise.all(
      reservationIds.map(async (id) => {
        const found = await this.store.reservation(id);
        if (!found) throw new CloudError('refused', `${id} is not in the bot's store.`);
        return found;
      }),
    );
  }

  /** What an exchange buys, as Azure takes it: the catalogue row asked for, under the old reservation's billing subscription and scope. */
  private async purchaseOf(request: ChangeRequest, reservation: Reservation): Promise<CloudPurchase> {
    const change = request.change as Extract<ChangeRequest['change'], { kind: 'Exchange' }>;
    const { product } = findOffer(await catalogOf(this.store), change.sku, change.region, change.term);
    return {
      customerId: request.customerId,
      purchaseKey: request.id,
      sku: product.sku,
      productType: product.type,
      region: change.region,
      term: change.term,
      quantity: change.quantity,
      billingPlan: reservation.billingPlan,
      billingSubscriptionId: reservation.billingSubscriptionId,
      scope: reservation.scope,
      displayName: `${product.name} (exchange of ${reservation.id}, ${request.id})`,
    };
  }

  /** Records what Azure did, with its log entry, and tells everyone (R16, R18); false if another attempt recorded it first. */
  private async record(tx: Transaction, requestId: string, done: DoneInAzure): Promise<boolean> {
    const r = (await tx.request(requestId))!;
    if (r.execution?.state !== 'InProgress') return false;
    const now = this.clock();
    const [customer, reservation, partner] = await Promise.all([tx.customer(r.customerId), tx.reservation(r.reservationId), tx.partner()]);
    const plan = await azureFigures(tx, r, reservation!, done, utcDay(now));
    const carried = await carryOut({ tx, plan, request: r, reservation: reservation!, customer: customer!, partner, approver: r.closedBy!, now, azure: done.exchange?.ids });
    r.outcome = carried.outcome;
    r.execution = { ...r.execution, state: 'Done', updatedAt: now.toISOString() };
    await tx.saveRequest(r);
    await this.log.succeeded(tx, r.closedBy!, carried.operation, { customer, target: `${carried.target} (request ${r.id})`, before: carried.before, after: carried.after, correlationId: r.execution.correlationId });
    await this.delivery.closed(tx, r, true);
    return true;
  }

  /** Azure did not answer (tried again later, up to the policy's attempts) or refused (failed until an Admin Agent retries). */
  private async failed(tx: Transaction, requestId: string, err: CloudError): Promise<void> {
    const r = (await tx.request(requestId))!;
    if (r.execution?.state !== 'InProgress') return;
    const now = this.clock();
    const execution = r.execution;
    const silent = err.problem === 'unavailable' || err.problem === 'unknownOutcome';
    if (silent && execution.attempts < this.policy.attempts) {
      execution.nextAttemptAt = new Date(now.getTime() + backoff(execution.attempts, this.policy)).toISOString();
      execution.updatedAt = now.toISOString();
      await tx.saveRequest(r);
      return;
    }
    const reason = excerpt(silent ? `Azure did not answer after ${execution.attempts} attempts: ${err.message}` : err.message, 500);
    r.execution = { ...execution, state: 'Failed', reason, updatedAt: now.toISOString() };
    await tx.saveRequest(r);
    const customer = await tx.customer(r.customerId);
    const error = new CodedError(silent ? ErrorCode.CloudUnavailable : ErrorCode.CloudRefused, `Azure did not carry out ${r.id}: ${reason}`);
    await this.log.refused(r.closedBy!, changeOperations[r.change.kind], { customer, target: `${r.id}: ${describeChange(r.change, r.reservationId, customer!)}`, correlationId: execution.correlationId }, error, tx);
    await this.delivery.closed(tx, r, true);
  }
}

/** Azure's ids of a reservation the bot holds; one without them (never seen in Azure) cannot be changed there. */
function azureIds(reservation: Reservation): AzureReservationIds {
  if (!reservation.azure) throw new CloudError('refused', `Azure does not know ${reservation.id} yet (the bot has no Azure reservation id for it). Type \`sync\` to bring in what Azure holds, then retry.`);
  return reservation.azure;
}
