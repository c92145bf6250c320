import type { CardCopy, ChangeKind, ChangeRequest, Customer, Reservation } from '../data/schemas.ts';
import type { Store, StoreReads } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import { catalogOf } from './catalog.ts';
import { isChangeable } from './changeable.ts';
import { carryOut, type CarriedOut } from './changeExecution.ts';
import type { ChangesInAzure } from './changesInAzure.ts';
import { changeForm, type ChangeForm, type FormAsk } from './changeForm.ts';
import { planChange, type ChangeInput, type ChangeSubject } from './changeRules.ts';
import { describeChange } from './changeWords.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { ownCustomer, visibleCustomer } from './customerLookup.ts';
import type { Audience, RequestView } from './messenger.ts';
import { Operation, type OperationName } from './operations.ts';
import { pendingByReservation } from './pendingRequests.ts';
import { actorOf, type Person } from './people.ts';
import { refusals } from './refusals.ts';
import type { RequestClosing } from './requestClosing.ts';
import type { Outbox } from './outbox.ts';
import type { RequestDelivery } from './requestDelivery.ts';
import { requestRefusals } from './requestRefusals.ts';
import { requestView } from './requestView.ts';
import { dayMs } from './terms.ts';

/** The longest note or reason a request keeps (the store's schema holds it to this). */
const maxTextLength = 500;

/** How many requests the sweeper reads at a time. */
const sweepBatch = 50;

/** The answer to a decision: the request as it is now, and whether this click only repeated the clicker's own decision. */
export interface Decision {
  view: RequestView;
  repeated: boolean;
}

/**
 * R15–R17: customer users ask for a change to a reservation; one Admin Agent approves or rejects it, and an
 * approval carries the change out. Every step, and every refused attempt, is logged (R18).
 */
export class ChangeRequests {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly delivery: RequestDelivery,
    private readonly closing: RequestClosing,
    private readonly outbox: Outbox,
    /** Partner Center mode: approved changes are carried out in Azure after the decision. */
    private readonly changes?: ChangesInAzure,
  ) {}

  /** What the card for asking `kind` of change shows, with what was typed beyond the reservation; refused and logged when this person may not ask it. */
  async form(person: Person, reservationId: string, kind: ChangeKind, asked: FormAsk = {}): Promise<ChangeForm> {
    try {
      return await this.formOf(person, reservationId, kind, asked);
    } catch (err) {
      return this.refused(person, Operation.RequestChange, await ownCustomer(this.store, person), `${kind.toLowerCase()} ${reservationId}`, err);
    }
  }

  /** The same without logging, to show the form again after a refusal that was logged already; nothing if it cannot be asked any more. */
  async formAgain(person: Person, reservationId: string, kind: ChangeKind): Promise<ChangeForm | undefined> {
    try {
      return await this.formOf(person, reservationId, kind, {});
    } catch (err) {
      if (err instanceof CodedError) return undefined;
      throw err;
    }
  }

  private async formOf(person: Person, reservationId: string, kind: ChangeKind, asked: FormAsk): Promise<ChangeForm> {
    const reservation = await this.askable(this.store, person, reservationId);
    const customer = (await ownCustomer(this.store, person))!;
    const subject = await this.subject(this.store, person, customer, reservation);
    return changeForm(subject, kind, utcDay(this.clock()), asked, (await this.store.settings()).requestLifetimeDays);
  }

  /**
   * R15: a customer user asks for a change. It is checked as R17 would carry it out today, kept as
   * pending, logged, and sent to the Admin Agents. `requesterCopy` is the card the customer asked from,
   * so that it too shows the decision.
   */
  async create(person: Person, reservationId: string, input: ChangeInput, comment?: string, requesterCopy?: Omit<CardCopy, 'audience'>): Promise<RequestView> {
    const customer = await ownCustomer(this.store, person);
    try {
      const text = comment?.trim();
      const request = await this.store.transaction(async (tx) => {
        // Checked in the transaction that adds it: two submissions at once make one request.
        const reservation = await this.askable(tx, person, reservationId);
        const now = this.clock();
        const plan = planChange(await this.subject(tx, person, customer!, reservation), input, utcDay(now));
        const lifetimeMs = (await tx.settings()).requestLifetimeDays * dayMs;
        if (text && text.length > maxTextLength) throw requestRefusals.tooLong('The note', maxTextLength);
        const request = await tx.addRequest((id) => ({
          id,
          customerId: customer!.id,
          reservationId: reservation.id,
          change: plan.change,
          ...(text ? { comment: text } : {}),
          requestedBy: actorOf(person),
          requestedAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
          ...(plan.figures ? { estimate: plan.figures } : {}),
          state: 'Pending',
          copies: requesterCopy ? [{ audience: 'requester', ...requesterCopy }] : [],
        }));
        await this.log.succeeded(tx, person, Operation.RequestChange, {
          customer,
          target: `${request.id}: ${describeChange(request.change, reservation.id, customer!)}`,
          after: { request: request.id, state: 'Pending', change: request.change, estimate: request.estimate, comment: request.comment, expiresAt: request.expiresAt },
        });
        await this.delivery.publish(tx, request);
        return request;
      });
      this.outbox.kick();
      return requestView(this.store, request);
    } catch (err) {
      return this.refused(person, Operation.RequestChange, customer, `${input.kind.toLowerCase()} ${reservationId}`, err);
    }
  }

  /** A customer user takes back a pending request of their customer; every copy of its card says so. */
  async withdraw(person: Person, requestId: string): Promise<RequestView> {
    const request = await this.store.request(requestId.toUpperCase());
    const customer = request && (await visibleCustomer(this.store, person, request.customerId));
    try {
      if (person.kind !== 'customerUser') throw requestRefusals.withdrawOwnOnly((await this.store.partner()).name);
      if (!request || !customer) throw requestRefusals.requestNotFound(requestId, person);
      const closed = await this.closing.close(
        request.id,
        async (tx, r) => {
          r.state = 'Withdrawn';
          r.closedBy = actorOf(person);
          await this.log.succeeded(tx, person, Operation.WithdrawRequest, { customer, target: request.id, before: { state: 'Pending' }, after: { state: 'Withdrawn' } });
        },
        false,
      );
      this.outbox.kick();
      if (closed.kind !== 'closed') throw requestRefusals.closed(closed.request);
      return requestView(this.store, closed.request);
    } catch (err) {
      return this.refused(person, Operation.WithdrawRequest, customer ?? (await ownCustomer(this.store, person)), requestId, err);
    }
  }

  /**
   * R16: an Admin Agent approves or rejects a pending request; exactly one decision counts. An approval
   * carries out the change (R17) in the same step, checked again as of today. The same agent repeating
   * their decision (a second click, or Teams retrying the invoke) gets it back and changes nothing more.
   */
  async decide(person: Person, requestId: string, outcome: 'Approved' | 'Rejected', reason?: string): Promise<Decision> {
    const operation = outcome === 'Approved' ? Operation.ApproveRequest : Operation.RejectRequest;
    const request = await this.store.request(requestId.toUpperCase());
    const customer = request && (await visibleCustomer(this.store, person, request.customerId));
    try {
      if (person.role !== 'AdminAgent') throw refusals.adminOnly(person, 'approve or reject change requests', (await this.store.partner()).name);
      if (!request || !customer) throw requestRefusals.requestNotFound(requestId, person);
      const why = reason?.trim();
      if (outcome === 'Rejected' && !why) throw requestRefusals.reasonRequired();
      if (why && why.length > maxTextLength) throw requestRefusals.tooLong('The reason', maxTextLength);
      const approver = actorOf(person);
      const closed = await this.closing.close(
        request.id,
        async (tx, r, now) => {
          // R17 is checked again as of today, against the store as this transaction reads it (the refund cap included).
          const current = (await tx.customer(r.customerId))!;
          let carried: CarriedOut | undefined;
          if (outcome === 'Approved') {
            const reservation = (await tx.reservation(r.reservationId))!;
            const plan = planChange(await this.subject(tx, person, current, reservation), r.change, utcDay(now));
            if (this.changes) this.changes.begin(r, now);
            else {
              carried = await carryOut({ tx, plan, request: r, reservation, customer: current, partner: await tx.partner(), approver, now });
              r.outcome = carried.outcome;
            }
          }
          r.state = outcome;
          r.closedBy = approver;
          if (why) r.reason = why;
          await this.log.succeeded(tx, person, operation, { customer: current, target: `${r.id}: ${describeChange(r.change, r.reservationId, current)}`, before: { state: 'Pending' }, after: { state: outcome, ...(why ? { reason: why } : {}) } });
          if (carried) await this.log.succeeded(tx, person, carried.operation, { customer: current, target: `${carried.target} (request ${r.id})`, before: carried.before, after: carried.after });
        },
        true,
      );
      this.outbox.kick();
      if (closed.kind === 'closed' && closed.request.execution) this.changes?.kick();
      if (closed.kind !== 'closed') {
        const mine = closed.request.state === outcome && closed.request.closedBy?.tenantId === person.tenantId && closed.request.closedBy.userId === person.userId;
        if (mine) return { view: await requestView(this.store, closed.request), repeated: true };
        throw closed.request.state === 'Approved' || closed.request.state === 'Rejected' ? requestRefusals.alreadyDecided(closed.request) : requestRefusals.closed(closed.request);
      }
      return { view: await requestView(this.store, closed.request), repeated: false };
    } catch (err) {
      return this.refused(person, operation, customer ?? (await ownCustomer(this.store, person)), requestId, err);
    }
  }

  /** R17: an Admin Agent tries again a change Azure refused or never answered; logged, and every copy of the card shows it. */
  async retry(person: Person, requestId: string): Promise<RequestView> {
    const found = await this.store.request(requestId.toUpperCase());
    const customer = found && (await visibleCustomer(this.store, person, found.customerId));
    try {
      if (person.role !== 'AdminAgent') throw refusals.adminOnly(person, 'retry approved changes', (await this.store.partner()).name);
      if (!found || !customer) throw requestRefusals.requestNotFound(requestId, person);
      const request = await this.store.transaction(async (tx) => {
        const r = (await tx.request(found.id))!;
        if (r.execution?.state !== 'Failed' || !this.changes) throw requestRefusals.nothingToRetry(r);
        const before = { execution: 'Failed', reason: r.execution.reason };
        this.changes.begin(r, this.clock());
        await tx.saveRequest(r);
        const target = `${r.id}: ${describeChange(r.change, r.reservationId, customer)}`;
        await this.log.succeeded(tx, person, Operation.RetryChange, { customer, target, before, after: { execution: 'InProgress' }, correlationId: r.execution!.correlationId });
        await this.delivery.closed(tx, r, false);
        return r;
      });
      this.outbox.kick();
      this.changes?.kick();
      return requestView(this.store, request);
    } catch (err) {
      return this.refused(person, Operation.RetryChange, customer ?? (await ownCustomer(this.store, person)), requestId, err);
    }
  }

  /**
   * Expires pending requests whose time is up (the customer is told) and reminds Admin Agents once at half
   * time. Deadlines live in the store, so this finds every one that fell due, also while the bot was stopped.
   */
  async sweep(): Promise<{ expired: number; reminded: number }> {
    const now = this.clock().toISOString();
    let expired = 0;
    let reminded = 0;
    for (let due = await this.store.due.expiries(now, sweepBatch); due.length; due = await this.store.due.expiries(now, sweepBatch)) {
      for (const request of due) if (await this.closing.expire(request.id)) expired++;
      if (due.length < sweepBatch) break;
    }
    for (let due = await this.store.due.reminders(now, sweepBatch); due.length; due = await this.store.due.reminders(now, sweepBatch)) {
      for (const { id } of due) {
        // The reminder is marked and its cards added to the outbox in one transaction: sent once, even after a crash.
        const sent = await this.store.transaction(async (tx) => {
          const request = await tx.request(id);
          if (!request || request.state !== 'Pending' || request.reminderSentAt) return false;
          request.reminderSentAt = now;
          await tx.saveRequest(request);
          await this.delivery.remind(tx, request);
          return true;
        });
        if (sent) reminded++;
      }
      if (due.length < sweepBatch) break;
    }
    if (expired || reminded) this.outbox.kick();
    return { expired, reminded };
  }

  /** The requests a person may see, those waiting for a decision first, then the newest. */
  async list(viewer: Person): Promise<ChangeRequest[]> {
    const mine = await this.store.requests(viewer.kind === 'agent' ? undefined : viewer.customerId);
    return mine.sort((a, b) => Number(b.state === 'Pending') - Number(a.state === 'Pending') || b.requestedAt.localeCompare(a.requestedAt));
  }

  /** One request, if this person may see it (R19). */
  async view(viewer: Person, requestId: string): Promise<RequestView> {
    const request = await this.store.request(requestId.toUpperCase());
    if (!request || !(await visibleCustomer(this.store, viewer, request.customerId))) throw requestRefusals.requestNotFound(requestId, viewer);
    return requestView(this.store, request);
  }

  /** Which card this person gets for a request: Admin Agents decide, the customer's users may withdraw, anyone else reads. */
  audience(viewer: Person, request: ChangeRequest): Audience {
    if (viewer.role === 'AdminAgent') return 'approver';
    return viewer.kind === 'customerUser' && viewer.customerId === request.customerId ? 'requester' : 'observer';
  }

  /** The customer user's own reservation with this id, if it may still be asked about. */
  private async askable(reads: StoreReads, person: Person, reservationId: string): Promise<Reservation> {
    if (person.kind !== 'customerUser') throw requestRefusals.customersAsk((await reads.partner()).name);
    const reservation = (await reads.reservations(person.customerId)).find((r) => r.id.toLowerCase() === reservationId.trim().toLowerCase());
    if (!reservation) throw requestRefusals.reservationNotFound(reservationId, person);
    // R17 would refuse any change of a reservation that has ended: say so at once, rather than open a form (an old card's button).
    if (!isChangeable(reservation, utcDay(this.clock()))) throw requestRefusals.reservationNotActive(reservation);
    // R15: a request about it (the store's own index, and its one-pending rule), or an exchange that returns it too (R17).
    const pending = (await reads.pendingRequest(reservation.id)) ?? (await pendingByReservation(reads, person.customerId)).get(reservation.id);
    if (pending) throw requestRefusals.alreadyPending(pending, reservation.id);
    return reservation;
  }

  /** What R17 checks a change of `reservation` against, as `reads` has it. */
  private async subject(reads: StoreReads, viewer: Person, customer: Customer, reservation: Reservation): Promise<ChangeSubject> {
    const [catalog, partner, orders, reservations, pending] = await Promise.all([
      catalogOf(reads),
      reads.partner(),
      reads.orders(customer.id),
      reads.reservations(customer.id),
      pendingByReservation(reads, customer.id, reservation.id),
    ]);
    return { catalog, partnerName: partner.name, customer, reservation, reservations, pending, orders, viewer };
  }

  /** Logs a refused step (R18) and throws it on; anything else is thrown on untouched. */
  private async refused(person: Person, operation: OperationName, customer: Customer | undefined, target: string, err: unknown): Promise<never> {
    if (err instanceof CodedError) await this.log.refused(person, operation, { customer, target }, err);
    throw err;
  }
}

