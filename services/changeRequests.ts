import type { ChangeRequestRepository, DirectoryRepository, PurchaseRepository } from '../data/repository.ts';
import type { CardCopy, ChangeKind, ChangeRequest, Customer, Reservation, ValueFigures } from '../data/schemas.ts';
import type { ActivityLog } from './activityLog.ts';
import { offers, type Offer } from './catalog.ts';
import { carryOut, type CarriedOut } from './changeExecution.ts';
import { isChangeable, planChange, type ChangeInput } from './changeRules.ts';
import { describeChange } from './changeWords.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { ownCustomer, visibleCustomer } from './customerLookup.ts';
import { eligibleSubscriptions } from './eligibility.ts';
import type { Audience, RequestView } from './messenger.ts';
import { Operation, type OperationName } from './operations.ts';
import { actorOf, type Person } from './people.ts';
import { refusals } from './refusals.ts';
import type { RequestClosing } from './requestClosing.ts';
import type { RequestDelivery } from './requestDelivery.ts';
import { requestRefusals } from './requestRefusals.ts';
import { unusedValue } from './reservationValue.ts';
import { dayMs } from './terms.ts';

/** The longest note or reason a request keeps (the store's schema holds it to this). */
const maxTextLength = 500;

/** What the request card for one kind of change offers: the reservation, today's figures and the choices. */
export interface ChangeForm {
  kind: ChangeKind;
  customer: Customer;
  reservation: Reservation;
  /** Cancel: the refund estimate and the allowance left; exchange: the credit. */
  figures?: ValueFigures;
  /** Exchange: the priced catalogue rows of the same product type. */
  offers: Offer[];
  /** Scope: the targets a new scope may name. */
  scopeTargets: Pick<Customer, 'subscriptions' | 'managementGroups'>;
  partnerName: string;
  lifetimeDays: number;
}

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
    private readonly directory: DirectoryRepository,
    private readonly purchases: PurchaseRepository,
    private readonly repo: ChangeRequestRepository,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly delivery: RequestDelivery,
    private readonly closing: RequestClosing,
  ) {}

  /** What the card for asking `kind` of change shows; refused and logged when this person may not ask it. */
  async form(person: Person, reservationId: string, kind: ChangeKind): Promise<ChangeForm> {
    try {
      return this.formOf(person, reservationId, kind);
    } catch (err) {
      return this.refused(person, Operation.RequestChange, ownCustomer(this.directory, person), `${kind.toLowerCase()} ${reservationId}`, err);
    }
  }

  /** The same without logging, to show the form again after a refusal that was logged already; nothing if it cannot be asked any more. */
  formAgain(person: Person, reservationId: string, kind: ChangeKind): ChangeForm | undefined {
    try {
      return this.formOf(person, reservationId, kind);
    } catch (err) {
      if (err instanceof CodedError) return undefined;
      throw err;
    }
  }

  private formOf(person: Person, reservationId: string, kind: ChangeKind): ChangeForm {
    const reservation = this.askable(person, reservationId);
    const customer = ownCustomer(this.directory, person)!;
    const today = utcDay(this.clock());
    const product = this.directory.products().find((p) => p.sku === reservation.sku);
    return {
      kind,
      customer,
      reservation,
      // A cancel past the refund cap is refused here already, saying what allowance is left (R17).
      figures: kind === 'Cancel' ? planChange(this.subject(person, customer, reservation), { kind }, today).figures : kind === 'Exchange' ? unusedValue(reservation, today) : undefined,
      offers: kind === 'Exchange' ? offers(this.directory).filter((o) => o.product.type === product?.type && o.price.partnerPrice !== undefined) : [],
      scopeTargets: { subscriptions: eligibleSubscriptions(customer), managementGroups: customer.managementGroups },
      partnerName: this.directory.partner().name,
      lifetimeDays: this.directory.settings().requestLifetimeDays,
    };
  }

  /**
   * R15: a customer user asks for a change. It is checked as R17 would carry it out today, kept as
   * pending, logged, and sent to the Admin Agents. `requesterCopy` is the card the customer asked from,
   * so that it too shows the decision.
   */
  async create(person: Person, reservationId: string, input: ChangeInput, comment?: string, requesterCopy?: Omit<CardCopy, 'audience'>): Promise<RequestView> {
    const customer = ownCustomer(this.directory, person);
    try {
      const reservation = this.askable(person, reservationId);
      const now = this.clock();
      const plan = planChange(this.subject(person, customer!, reservation), input, utcDay(now));
      const lifetimeMs = this.directory.settings().requestLifetimeDays * dayMs;
      const text = comment?.trim();
      if (text && text.length > maxTextLength) throw requestRefusals.tooLong('The note', maxTextLength);
      const request = await this.repo.change((records) => {
        // Checked again in the step that adds it: two submissions at once make one request.
        const pending = this.pendingFor(reservation.id);
        if (pending) throw requestRefusals.alreadyPending(pending);
        return records.addRequest((id) => ({
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
      });
      await this.log.succeeded(person, Operation.RequestChange, {
        customer,
        target: `${request.id}: ${describeChange(request.change, reservation.id, customer!)}`,
        after: { request: request.id, state: 'Pending', change: request.change, estimate: request.estimate, comment: request.comment, expiresAt: request.expiresAt },
      });
      await this.delivery.publish(request);
      return this.delivery.view(request);
    } catch (err) {
      return this.refused(person, Operation.RequestChange, customer, `${input.kind.toLowerCase()} ${reservationId}`, err);
    }
  }

  /** A customer user takes back a pending request of their customer; every copy of its card says so. */
  async withdraw(person: Person, requestId: string): Promise<RequestView> {
    const request = this.repo.request(requestId.toUpperCase());
    const customer = request && visibleCustomer(this.directory, person, request.customerId);
    try {
      if (person.kind !== 'customerUser') throw requestRefusals.withdrawOwnOnly(this.directory.partner().name);
      if (!request || !customer) throw requestRefusals.requestNotFound(requestId, person);
      const closed = await this.closing.close(
        request.id,
        (r) => {
          r.state = 'Withdrawn';
          r.closedBy = actorOf(person);
        },
        () => this.log.succeeded(person, Operation.WithdrawRequest, { customer, target: request.id, before: { state: 'Pending' }, after: { state: 'Withdrawn' } }),
      );
      if (closed.kind !== 'closed') throw requestRefusals.closed(closed.request);
      await this.delivery.closed(closed.request, false);
      return this.delivery.view(closed.request);
    } catch (err) {
      return this.refused(person, Operation.WithdrawRequest, customer ?? ownCustomer(this.directory, person), requestId, err);
    }
  }

  /**
   * R16: an Admin Agent approves or rejects a pending request; exactly one decision counts. An approval
   * carries out the change (R17) in the same step, checked again as of today. The same agent repeating
   * their decision (a second click, or Teams retrying the invoke) gets it back and changes nothing more.
   */
  async decide(person: Person, requestId: string, outcome: 'Approved' | 'Rejected', reason?: string): Promise<Decision> {
    const operation = outcome === 'Approved' ? Operation.ApproveRequest : Operation.RejectRequest;
    const request = this.repo.request(requestId.toUpperCase());
    const customer = request && visibleCustomer(this.directory, person, request.customerId);
    try {
      if (person.role !== 'AdminAgent') throw refusals.adminOnly(person, 'approve or reject change requests', this.directory.partner().name);
      if (!request || !customer) throw requestRefusals.requestNotFound(requestId, person);
      const why = reason?.trim();
      if (outcome === 'Rejected' && !why) throw requestRefusals.reasonRequired();
      if (why && why.length > maxTextLength) throw requestRefusals.tooLong('The reason', maxTextLength);
      const approver = actorOf(person);
      let carried: CarriedOut | undefined;
      const closed = await this.closing.close(
        request.id,
        (r, records, now) => {
          if (outcome === 'Approved') {
            const reservation = records.reservation(r.reservationId)!;
            const plan = planChange(this.subject(person, customer, reservation), r.change, utcDay(now));
            carried = carryOut({ records, plan, request: r, reservation, customer, partner: this.directory.partner(), approver, now });
            r.outcome = carried.outcome;
          }
          r.state = outcome;
          r.closedBy = approver;
          if (why) r.reason = why;
        },
        async (decided) => {
          await this.log.succeeded(person, operation, { customer, target: `${decided.id}: ${describeChange(decided.change, decided.reservationId, customer)}`, before: { state: 'Pending' }, after: { state: outcome, ...(why ? { reason: why } : {}) } });
          if (carried) await this.log.succeeded(person, carried.operation, { customer, target: `${carried.target} (request ${decided.id})`, before: carried.before, after: carried.after });
        },
      );
      if (closed.kind !== 'closed') {
        const mine = closed.request.state === outcome && closed.request.closedBy?.tenantId === person.tenantId && closed.request.closedBy.userId === person.userId;
        if (mine) return { view: this.delivery.view(closed.request), repeated: true };
        throw closed.request.state === 'Approved' || closed.request.state === 'Rejected' ? requestRefusals.alreadyDecided(closed.request) : requestRefusals.closed(closed.request);
      }
      await this.delivery.closed(closed.request, true);
      return { view: this.delivery.view(closed.request), repeated: false };
    } catch (err) {
      return this.refused(person, operation, customer ?? ownCustomer(this.directory, person), requestId, err);
    }
  }

  /**
   * Expires pending requests whose time is up (the customer is told) and reminds Admin Agents once at half
   * time. Deadlines live in the store, so this finds every one that fell due, also while the bot was stopped.
   */
  async sweep(): Promise<{ expired: number; reminded: number }> {
    const now = this.clock().getTime();
    let expired = 0;
    let reminded = 0;
    for (const request of this.repo.requests().filter((r) => r.state === 'Pending')) {
      if (now >= Date.parse(request.expiresAt)) {
        if (await this.closing.expire(request.id)) expired++;
        continue;
      }
      const halfTime = (Date.parse(request.requestedAt) + Date.parse(request.expiresAt)) / 2;
      if (request.reminderSentAt || now < halfTime) continue;
      // Marked before it is sent: a crash in between loses the reminder rather than sending it twice.
      const due = await this.repo.change((records) => {
        const r = records.request(request.id)!;
        if (r.state !== 'Pending' || r.reminderSentAt) return undefined;
        r.reminderSentAt = new Date(now).toISOString();
        return r;
      });
      if (due) {
        await this.delivery.remind(due);
        reminded++;
      }
    }
    return { expired, reminded };
  }

  /** The requests a person may see, those waiting for a decision first, then the newest. */
  list(viewer: Person): ChangeRequest[] {
    const mine = viewer.kind === 'agent' ? this.repo.requests() : this.repo.requests().filter((r) => r.customerId === viewer.customerId);
    return [...mine].sort((a, b) => Number(b.state === 'Pending') - Number(a.state === 'Pending') || b.requestedAt.localeCompare(a.requestedAt));
  }

  /** One request, if this person may see it (R19). */
  view(viewer: Person, requestId: string): RequestView {
    const request = this.repo.request(requestId.toUpperCase());
    if (!request || !visibleCustomer(this.directory, viewer, request.customerId)) throw requestRefusals.requestNotFound(requestId, viewer);
    return this.delivery.view(request);
  }

  /** Which card this person gets for a request: Admin Agents decide, the customer's users may withdraw, anyone else reads. */
  audience(viewer: Person, request: ChangeRequest): Audience {
    if (viewer.role === 'AdminAgent') return 'approver';
    return viewer.kind === 'customerUser' && viewer.customerId === request.customerId ? 'requester' : 'observer';
  }

  /** The customer user's own reservation with this id, if it may still be asked about. */
  private askable(person: Person, reservationId: string): Reservation {
    if (person.kind !== 'customerUser') throw requestRefusals.customersAsk(this.directory.partner().name);
    const reservation = this.purchases.reservations(person.customerId).find((r) => r.id.toLowerCase() === reservationId.trim().toLowerCase());
    if (!reservation) throw requestRefusals.reservationNotFound(reservationId, person);
    // R17 would refuse any change of a reservation that has ended: say so at once, rather than open a form (an old card's button).
    if (!isChangeable(reservation, utcDay(this.clock()))) throw requestRefusals.reservationNotActive(reservation);
    const pending = this.pendingFor(reservation.id);
    if (pending) throw requestRefusals.alreadyPending(pending);
    return reservation;
  }

  private pendingFor(reservationId: string): ChangeRequest | undefined {
    return this.repo.requests().find((r) => r.reservationId === reservationId && r.state === 'Pending');
  }

  private subject(viewer: Person, customer: Customer, reservation: Reservation) {
    return { directory: this.directory, customer, reservation, orders: this.purchases.orders(customer.id), viewer };
  }

  /** Logs a refused step (R18) and throws it on; anything else is thrown on untouched. */
  private async refused(person: Person, operation: OperationName, customer: Customer | undefined, target: string, err: unknown): Promise<never> {
    if (err instanceof CodedError) await this.log.refused(person, operation, { customer, target }, err);
    throw err;
  }
}

