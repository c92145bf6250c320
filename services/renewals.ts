import type { Store } from '../data/store.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { catalogOf, findOffer } from './catalog.ts';
import { times } from './money.ts';
import { Operation } from './operations.ts';
import { requestRefusals } from './requestRefusals.ts';
import { describeScope } from './scope.ts';
import { expiryDate, termLabel } from './terms.ts';

/**
 * R17: at expiry, a reservation with auto-renew on is renewed as a new reservation with the same product,
 * region, scope, billing subscription, term and quantity, at the partner's price of that day, starting on the
 * old one's expiry date. Found from the store, so a renewal due while the bot was stopped is made at the next check.
 */
export class Renewals {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
  ) {}

  /** Renews every reservation that is due, found by its expiry date; resolves with how many were renewed. */
  async renewDue(): Promise<number> {
    const today = utcDay(this.clock());
    let renewed = 0;
    for (let due = await this.store.due.renewals(today, batch); due.length; due = await this.store.due.renewals(today, batch)) {
      for (const old of due) if (await this.renew(old.id)) renewed++;
      if (due.length < batch) break;
    }
    return renewed;
  }

  /** Renews one reservation in one transaction with its log entry; a reservation is renewed once, however many checks run at once. */
  private async renew(reservationId: string): Promise<boolean> {
    const now = this.clock();
    return this.store.transaction(async (tx) => {
      const old = await tx.reservation(reservationId);
      if (!old || old.status !== 'Active' || !old.autoRenew || old.renewedBy) return false;
      const customer = await tx.customer(old.customerId);
      const partner = await tx.partner();
      const bot = systemActor(partner.tenantId, 'Reservations bot (auto-renew)');
      let offer;
      try {
        if (!customer) throw requestRefusals.renewalCustomerGone(old, partner.name);
        offer = findOffer(await catalogOf(tx), old.sku, old.region, old.term);
        if (offer.price.partnerPrice === undefined) throw requestRefusals.renewalNotPriced(old, partner.name);
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        // Not renewable any more (no price for it, or no such customer): auto-renew is turned off, so that it is logged once, not at every check.
        await tx.saveReservation({ ...old, autoRenew: false });
        await this.log.refused(bot, Operation.RenewReservation, { customer, target: `${old.id}: auto-renew turned off` }, err, tx);
        return false;
      }
      const { product, price } = offer;
      const unitPrice = price.partnerPrice!;
      const { exchangedFrom: _, ...same } = old;
      const { order, reservation } = await tx.addPurchase(({ orderId, reservationId: id }) => ({
        reservation: {
          ...same,
          id,
          orderId,
          productName: product.name,
          purchasedAt: `${old.expiresOn}T00:00:00.000Z`,
          expiresOn: expiryDate(old.expiresOn, old.term),
          status: 'Active',
          renewalOf: old.id,
          boughtBy: bot,
          unitPrice,
          total: times(unitPrice, old.quantity),
          currency: price.currency,
        },
        order: {
          id: orderId,
          type: 'Renewal',
          customerId: old.customerId,
          at: now.toISOString(),
          by: bot,
          billedTo: { tenantId: partner.tenantId, name: partner.name },
          reservationId: id,
          description: `Renewal of ${old.id}: ${old.quantity} × ${product.name} (${product.sku}), ${old.region}, ${termLabel(old.term)}, billed ${old.billingPlan.toLowerCase()}`,
          billingPlan: old.billingPlan,
          amount: times(unitPrice, old.quantity),
          currency: price.currency,
        },
      }));
      await tx.saveReservation({ ...old, renewedBy: reservation.id });
      await this.log.succeeded(tx, bot, Operation.RenewReservation, {
        customer: customer!,
        target: `${old.id} as ${reservation.id} in order ${order.id}`,
        before: { reservation: old.id, expiresOn: old.expiresOn, unitPrice: old.unitPrice },
        after: { reservation: reservation.id, from: old.expiresOn, expiresOn: reservation.expiresOn, scope: describeScope(customer!, reservation.scope), unitPrice, amount: order.amount, currency: order.currency },
      });
      return true;
    });
  }
}

/** How many due renewals are read at a time. */
const batch = 50;
