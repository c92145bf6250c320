import type { Actor, ChangeRequest, Customer, Partner, Reservation } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import type { ChangePlan } from './changeRules.ts';
import { utcDay } from './clock.ts';
import type { AzureReservationIds } from './microsoftCloud.ts';
import { formatMoney, times } from './money.ts';
import { Operation, type OperationName } from './operations.ts';
import { refundCap } from './reservationValue.ts';
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
  /** Partner Center mode: Azure's ids of the reservation an exchange made. */
  azure?: AzureReservationIds;
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
      // A renewal price locked while it was on is dropped with it: turned on again, the price is locked anew (R17).
      const { renewalPrice: _, ...unlocked } = reservation;
      await tx.saveReservation(change.autoRenew ? { ...reservation, autoRenew: true } : { ...unlocked, autoRenew: false });
      return { operation: Operation.ChangeAutoRenew, target: reservation.id, before: { autoRenew: before }, after: { autoRenew: change.autoRenew }, outcome: {} };
    }
    case 'Scope': {
      const before = describeScope(customer, reservation.scope);
      await tx.saveReservation({ ...reservation, scope: change.scope });
      return { operation: Operation.ChangeScope, target: reservation.id, before: { scope: before }, after: { scope: describeScope(customer, change.scope) }, outcome: {} };
    }
  }
}

/**
 * All its units returned, the reservation ends today; some, it stays active with the rest (its total with them). The
 * unused part of what is returned is refunded, as an order of type Refund that says how many and its USD value (R17).
 */
async function cancel({ tx, plan, request, reservation, customer, partner, approver, now }: Approval): Promise<CarriedOut> {
  const figures = plan.figures!;
  const today = utcDay(now);
  const returned = figures.quantity ?? reservation.quantity;
  const rest = reservation.quantity - returned;
  await tx.saveReservation(rest ? { ...reservation, quantity: rest, total: times(reservation.unitPrice, rest) } : { ...reservation, status: 'Cancelled', endedOn: today });
  const what = rest ? `returning ${returned} of the ${reservation.quantity} units of ${reservation.id}` : `cancelling ${reservation.id}`;
  const price = figures.priceBasis === 'Today' ? `, at today's price of ${formatMoney(figures.unitPrice!, figures.currency)} a unit (lower than the price paid)` : '';
  const usdAmount = figures.usdValue ?? figures.unusedValue;
  const order = await tx.addOrder((id) => ({
    id,
    type: 'Refund',
    customerId: customer.id,
    at: now.toISOString(),
    by: approver,
    billedTo: { tenantId: partner.tenantId, name: partner.name },
    reservationId: reservation.id,
    requestId: request.id,
    description: `Refund for ${what}: ${figures.remainingDays} of ${figures.totalDays} days unused${price}`,
    billingPlan: reservation.billingPlan,
    amount: figures.unusedValue,
    currency: figures.currency,
    quantity: returned,
    usdAmount,
  }));
  const after = rest ? { status: 'Active', quantity: rest, total: times(reservation.unitPrice, rest) } : { status: 'Cancelled', endedOn: today };
  return {
    operation: Operation.CancelReservation,
    target: `${rest ? `${returned} of ${reservation.quantity} units of ` : ''}${reservation.id}, refund in order ${order.id}`,
    before: { status: 'Active', expiresOn: reservation.expiresOn, ...(rest ? { quantity: reservation.quantity, total: reservation.total } : {}) },
    after: {
      ...after,
      refund: figures.unusedValue,
      currency: figures.currency,
      // In words beside the refund's own currency: the log shows an entry's amounts in one currency.
      ...(figures.currency === refundCap.currency ? {} : { refundInUsd: formatMoney(usdAmount, refundCap.currency) }),
      remainingDays: figures.remainingDays,
      totalDays: figures.totalDays,
      returned,
      unitPrice: figures.unitPrice,
      order: order.id,
      allowanceLeftBefore: figures.allowance,
    },
    outcome: { figures, orderId: order.id },
  };
}

/**
 * The old reservation, and any others returned with it, end today; a new one of the same type starts today, its total
 * partly paid by their unused value.
 */
async function exchange({ tx, plan, request, reservation, customer, partner, approver, now, azure }: Approval): Promise<CarriedOut> {
  const figures = plan.figures!;
  const { product, price } = plan.offer!;
  const change = plan.change as Extract<ChangePlan['change'], { kind: 'Exchange' }>;
  const today = utcDay(now);
  const returned = [reservation, ...(plan.alsoReturned ?? [])];
  const ids = returned.map((r) => r.id).join(', ');
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
      ...(azure ? { azure } : {}),
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
      description: `Exchange of ${ids} for ${change.quantity} × ${product.name} (${product.sku}), ${price.region}, ${termLabel(price.term)}`,
      billingPlan: reservation.billingPlan,
      amount: figures.newTotal!,
      credit: figures.unusedValue,
      currency: price.currency,
    },
  }));
  for (const old of returned) await tx.saveReservation({ ...old, status: 'Exchanged', endedOn: today, exchangedFor: created.id });
  return {
    operation: Operation.ExchangeReservation,
    target: `${ids} for ${created.id} in order ${order.id}`,
    before: {
      reservation: reservation.id,
      ...(plan.alsoReturned ? { alsoReturned: plan.alsoReturned.map((r) => r.id) } : {}),
      status: 'Active',
      sku: reservation.sku,
      region: reservation.region,
      term: reservation.term,
      quantity: reservation.quantity,
      total: reservation.total,
    },
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
