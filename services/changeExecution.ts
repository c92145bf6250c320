import type { Actor, ChangeRequest, Customer, Partner, Reservation } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import type { ChangePlan } from './changeRules.ts';
import { utcDay } from './clock.ts';
import { Operation, type OperationName } from './operations.ts';
import { describeScope } from './scope.ts';
import { expiryDate, termLabel } from './terms.ts';

/** What an approval carried out: its log entry (R18) and what the request keeps of it. */
export interface CarriedOut {
  operation: OperationName;
  target: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  outcome: NonNullable<ChangeRequest['outcome']>;
}

export interface Approval {
  tx: Transaction;
  plan: ChangePlan;
  request: ChangeRequest;
  /** The reservation as read in `tx`; changed here and saved. */
  reservation: Reservation;
  customer: Customer;
  partner: Partner;
  approver: Actor;
  now: Date;
}

/** R17: carries out an approved change on the reservation and in Order history, within the transaction that records the decision. */
export async function carryOut(approval: Approval): Promise<CarriedOut> {
  const { tx, plan, reservation, customer } = approval;
  const { change } = plan;
  switch (change.kind) {
    case 'Cancel':
      return cancel(approval);
    case 'Exchange':
      return exchange(approval);
    case 'Renew': {
      const before = reservation.autoRenew;
      await tx.saveReservation({ ...reservation, autoRenew: change.autoRenew });
      return { operation: Operation.ChangeAutoRenew, target: reservation.id, before: { autoRenew: before }, after: { autoRenew: change.autoRenew }, outcome: {} };
    }
    case 'Scope': {
      const before = describeScope(customer, reservation.scope);
      await tx.saveReservation({ ...reservation, scope: change.scope });
      return { operation: Operation.ChangeScope, target: reservation.id, before: { scope: before }, after: { scope: describeScope(customer, change.scope) }, outcome: {} };
    }
  }
}

/** The reservation ends today; the unused part of its total is refunded, as an order of type Refund. */
async function cancel({ tx, plan, request, reservation, customer, partner, approver, now }: Approval): Promise<CarriedOut> {
  const figures = plan.figures!;
  const today = utcDay(now);
  await tx.saveReservation({ ...reservation, status: 'Cancelled', endedOn: today });
  const order = await tx.addOrder((id) => ({
    id,
    type: 'Refund',
    customerId: customer.id,
    at: now.toISOString(),
    by: approver,
    billedTo: { tenantId: partner.tenantId, name: partner.name },
    reservationId: reservation.id,
    requestId: request.id,
    description: `Refund for cancelling ${reservation.id}: ${figures.remainingDays} of ${figures.totalDays} days unused`,
    billingPlan: reservation.billingPlan,
    amount: figures.unusedValue,
    currency: figures.currency,
  }));
  return {
    operation: Operation.CancelReservation,
    target: `${reservation.id}, refund in order ${order.id}`,
    before: { status: 'Active', expiresOn: reservation.expiresOn },
    after: { status: 'Cancelled', endedOn: today, refund: figures.unusedValue, currency: figures.currency, remainingDays: figures.remainingDays, totalDays: figures.totalDays, order: order.id, allowanceLeftBefore: figures.allowance },
    outcome: { figures, orderId: order.id },
  };
}

/** The old reservation ends today; a new one of the same type starts today, its total partly paid by the old one's unused value. */
async function exchange({ tx, plan, request, reservation, customer, partner, approver, now }: Approval): Promise<CarriedOut> {
  const figures = plan.figures!;
  const { product, price } = plan.offer!;
  const change = plan.change as Extract<ChangePlan['change'], { kind: 'Exchange' }>;
  const today = utcDay(now);
  const { order, reservation: created } = await tx.addPurchase(({ orderId, reservationId }) => ({
    reservation: {
      id: reservationId,
      orderId,
      customerId: customer.id,
      sku: product.sku,
      productName: product.name,
      region: price.region,
      quantity: change.quantity,
      term: price.term,
      billingPlan: reservation.billingPlan,
      billingSubscriptionId: reservation.billingSubscriptionId,
      scope: reservation.scope,
      autoRenew: reservation.autoRenew,
      purchasedAt: now.toISOString(),
      expiresOn: expiryDate(today, price.term),
      status: 'Active',
      exchangedFrom: reservation.id,
      boughtBy: approver,
      unitPrice: price.partnerPrice!,
      total: figures.newTotal!,
      currency: price.currency,
    },
    order: {
      id: orderId,
      type: 'Exchange',
      customerId: customer.id,
      at: now.toISOString(),
      by: approver,
      billedTo: { tenantId: partner.tenantId, name: partner.name },
      reservationId,
      requestId: request.id,
      description: `Exchange of ${reservation.id} for ${change.quantity} × ${product.name} (${product.sku}), ${price.region}, ${termLabel(price.term)}`,
      billingPlan: reservation.billingPlan,
      amount: figures.newTotal!,
      credit: figures.unusedValue,
      currency: price.currency,
    },
  }));
  await tx.saveReservation({ ...reservation, status: 'Exchanged', endedOn: today, exchangedFor: created.id });
  return {
    operation: Operation.ExchangeReservation,
    target: `${reservation.id} for ${created.id} in order ${order.id}`,
    before: { reservation: reservation.id, status: 'Active', sku: reservation.sku, region: reservation.region, term: reservation.term, quantity: reservation.quantity, total: reservation.total },
    after: {
      reservation: reservation.id,
      status: 'Exchanged',
      endedOn: today,
      newReservation: created.id,
      sku: created.sku,
      region: created.region,
      term: created.term,
      quantity: created.quantity,
      total: created.total,
      credit: figures.unusedValue,
      due: figures.due,
      currency: created.currency,
      expiresOn: created.expiresOn,
      order: order.id,
    },
    outcome: { figures, orderId: order.id, newReservationId: created.id },
  };
}
