import { CloudError, type AzureReservationIds, type CloudCall, type CloudMoney, type CloudOrder, type CloudOrders, type CloudPurchase, type CloudReservation } from '../../services/microsoftCloud.ts';

type Operation = 'buy' | 'quoteRefund' | 'refund' | 'quoteExchange' | 'exchange' | 'update';

/**
 * Partner Center carts and Azure's reservation operations as the port sees them, scripted by a test: purchases and
 * reservations kept in memory, Azure's own refund figure (`refundRate` of the price paid), every call recorded, and
 * the next call of an operation refused, unanswered, or done with its answer lost. The HTTP fakes in test/fakes play
 * the same at the wire.
 */
export class ScriptedOrders implements CloudOrders {
  readonly calls: { operation: Operation; correlationId: string; sessionId?: string; quantity?: number }[] = [];
  readonly reservations = new Map<string, CloudReservation & { paid: number }>();
  /** Checkout answers before Azure has made the reservation (its ids come later, with the sync). */
  idsLater = false;
  /** Azure's refund: this share of what the returned part cost (Azure counts at the lower of the price paid and today's). */
  refundRate = 0.4;
  private readonly sessions = new Map<string, { kind: 'refund' | 'exchange'; amount: number }>();
  private readonly bought = new Map<string, CloudOrder>();
  private readonly next = new Map<Operation, 'refuse' | 'silent' | 'loseAnswer'>();
  private count = 0;

  /** The next call of `operation` is refused by policy, never answered, or carried out with its answer lost. */
  failNext(operation: Operation, how: 'refuse' | 'silent' | 'loseAnswer'): void {
    this.next.set(operation, how);
  }

  async buy(call: CloudCall, purchase: CloudPurchase): Promise<CloudOrder> {
    this.before('buy', call);
    let order = this.bought.get(purchase.purchaseKey);
    if (!order) {
      const ids = this.newIds();
      order = { orderId: `pc-order-${this.count}`, reservations: this.idsLater ? [] : [ids] };
      this.reservations.set(ids.reservationId, { ...ids, ...this.shape(purchase), paid: 0 });
      this.bought.set(purchase.purchaseKey, order);
    }
    return this.after('buy', order);
  }

  async reservation(_customerId: string, ids: AzureReservationIds): Promise<CloudReservation | undefined> {
    const found = this.reservations.get(ids.reservationId);
    return found && structuredClone(found);
  }

  async quoteRefund(call: CloudCall, _customerId: string, ids: AzureReservationIds, quantity: number) {
    this.before('quoteRefund', call, { quantity });
    const reservation = this.held(ids);
    const sessionId = `refund-session-${++this.count}`;
    const amount = Math.round(reservation.paid * this.refundRate * (quantity / reservation.quantity) * 100) / 100;
    this.sessions.set(sessionId, { kind: 'refund', amount });
    return this.after('quoteRefund', { sessionId, refund: { amount, currency: 'USD' }, consumedUsd: 0, limitUsd: 50_000 });
  }

  async refund(call: CloudCall, _customerId: string, ids: AzureReservationIds, quantity: number, sessionId: string): Promise<CloudMoney> {
    this.before('refund', call, { sessionId, quantity });
    const session = this.sessions.get(sessionId);
    if (session?.kind !== 'refund') throw new CloudError('refused', `The session ${sessionId} is not valid.`, 'InvalidRefundSession', 400);
    const reservation = this.held(ids);
    reservation.quantity -= quantity;
    if (reservation.quantity === 0) reservation.state = 'Cancelled';
    this.sessions.delete(sessionId);
    return this.after('refund', { amount: session.amount, currency: 'USD' });
  }

  async quoteExchange(call: CloudCall, _customerId: string, returned: readonly { ids: AzureReservationIds; quantity: number }[], purchase: CloudPurchase) {
    this.before('quoteExchange', call);
    const credit = returned.reduce((sum, r) => sum + Math.round(this.held(r.ids).paid * this.refundRate * 100) / 100, 0);
    const newTotal = 1000 * purchase.quantity;
    const sessionId = `exchange-session-${++this.count}`;
    this.sessions.set(sessionId, { kind: 'exchange', amount: newTotal });
    this.pendingExchange = { returned: returned.map((r) => r.ids), purchase };
    const money = (amount: number) => ({ amount, currency: 'USD' });
    return this.after('quoteExchange', { sessionId, refundsTotal: money(credit), purchasesTotal: money(newTotal), netPayable: money(newTotal - credit) });
  }

  private pendingExchange?: { returned: AzureReservationIds[]; purchase: CloudPurchase };

  async exchange(call: CloudCall, _customerId: string, sessionId: string): Promise<AzureReservationIds> {
    this.before('exchange', call, { sessionId });
    if (this.sessions.get(sessionId)?.kind !== 'exchange' || !this.pendingExchange) throw new CloudError('refused', `The session ${sessionId} is not valid.`, 'InvalidExchangeSession', 400);
    for (const ids of this.pendingExchange.returned) this.held(ids).state = 'Cancelled';
    const ids = this.newIds();
    this.reservations.set(ids.reservationId, { ...ids, ...this.shape(this.pendingExchange.purchase), paid: this.sessions.get(sessionId)!.amount });
    this.sessions.delete(sessionId);
    return this.after('exchange', ids);
  }

  async update(call: CloudCall, _customerId: string, ids: AzureReservationIds, change: { scope: CloudReservation['scope'] } | { autoRenew: boolean }): Promise<void> {
    this.before('update', call);
    Object.assign(this.held(ids), change);
    this.after('update', undefined);
  }

  /** Azure's price for a reservation the test made (what the refund is a share of). */
  paid(reservationId: string, amount: number): void {
    this.reservations.get(reservationId)!.paid = amount;
  }

  private before(operation: Operation, call: CloudCall, more: { sessionId?: string; quantity?: number } = {}): void {
    this.calls.push({ operation, correlationId: call.correlationId, ...more });
    const how = this.next.get(operation);
    if (how === 'refuse') {
      this.next.delete(operation);
      throw new CloudError('refused', `Azure said "The operation is not allowed by policy: ${operation}" (HTTP 400, code PolicyRefusal).`, 'PolicyRefusal', 400);
    }
    if (how === 'silent') {
      this.next.delete(operation);
      throw new CloudError('unavailable', 'Azure did not answer within 10 min.');
    }
  }

  private after<T>(operation: Operation, answer: T): T {
    if (this.next.get(operation) === 'loseAnswer') {
      this.next.delete(operation);
      throw new CloudError('unknownOutcome', 'Azure did not answer in time.');
    }
    return answer;
  }

  private held(ids: AzureReservationIds) {
    const found = this.reservations.get(ids.reservationId);
    if (!found || found.state !== 'Active') throw new CloudError('refused', `Azure said "Reservation ${ids.reservationId} is not active" (HTTP 400).`, 'ReservationNotActive', 400);
    return found;
  }

  private newIds(): AzureReservationIds {
    const n = ++this.count;
    return { orderId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, reservationId: `11111111-0000-4000-8000-${String(n).padStart(12, '0')}` };
  }

  private shape(p: CloudPurchase): Omit<CloudReservation, 'orderId' | 'reservationId'> {
    return {
      sku: p.sku,
      region: p.region,
      quantity: p.quantity,
      term: p.term,
      billingPlan: p.billingPlan,
      billingSubscriptionId: p.billingSubscriptionId,
      scope: p.scope,
      autoRenew: false,
      purchasedAt: new Date(0).toISOString(),
      expiresOn: '2099-01-01',
      state: 'Active',
    };
  }
}
