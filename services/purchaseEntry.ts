import type { Customer, Order, Reservation } from '../data/schemas.ts';
import type { LogTarget } from './activityLog.ts';
import { describeScope } from './scope.ts';

/** A purchase's log entry (R11, R18): the order, the reservation it made, and, for one found in Azure, Azure's id. */
export function purchaseEntry(customer: Customer, order: Order, reservation: Reservation): LogTarget {
  return {
    customer,
    target: `${reservation.id} in order ${order.id}: ${order.description}`,
    after: {
      order: order.id,
      reservation: reservation.id,
      quantity: reservation.quantity,
      sku: reservation.sku,
      region: reservation.region,
      term: reservation.term,
      billingPlan: reservation.billingPlan,
      billingSubscription: reservation.billingSubscriptionId,
      scope: describeScope(customer, reservation.scope),
      expiresOn: reservation.expiresOn,
      amount: order.amount,
      currency: order.currency,
      billedTo: order.billedTo.name,
      azureReservation: reservation.azure?.reservationId,
    },
  };
}
