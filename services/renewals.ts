import type { Store } from '../data/store.ts';
import { renewalDue } from '../data/tableSpecs.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { catalogOf, findOffer } from './catalog.ts';
import { formatMoney, times } from './money.ts';
import { Operation } from './operations.ts';
import { requestRefusals } from './requestRefusals.ts';
import { describeScope } from './scope.ts';
import { expiryDate, termLabel } from './terms.ts';

/**
 * R17: 30 days before expiry, a reservation with auto-renew on has the partner's price of that day locked for its
 * renewal; at expiry it is renewed as a new reservation with the same product, region, scope, billing subscription,
 * term and quantity, at the lower of the locked price and the partner's price of that day, starting on the old one's
 * expiry date. Found from the store, so work due while the bot was stopped is done at the next check (a renewal due
 * with no price locked, at the price of that day).
 */
export class Renewals {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
  ) {}

  /** Locks the renewal price of every reservation 30 days from expiry and renews every one that is due; resolves with how many were renewed. */
  async renewDue(): Promise<number> {
    const today = utcDay(this.clock());
    let renewed = 0;
    for (let due = await this.store.due.renewals(today, batch); due.length; due = await this.store.due.renewals(today, batch)) {
      for (const old of due) if (await this.renew(old.id)) renewed++;
      if (due.length < batch) break;
    }
    return renewed;
  }

  /**
   * Locks the renewal price of one reservation, or renews it, in one transaction with its log entry; each is done
   * once, however many checks run at once. Resolves with whether it was renewed.
   */
  private async renew(reservationId: string): Promise<boolean> {
    const now = this.clock();
    const today = utcDay(now);
    return this.store.transaction(async (tx) => {
      const old = await tx.reservation(reservationId);
      const due = old && renewalDue(old);
      if (!old || due === undefined || due > Date.parse(today)) return false;
      const locking = !old.renewalPrice && today < old.expiresOn;
      const operation = locking ? Operation.LockRenewalPrice : Operation.RenewReservation;
      const customer = await tx.customer(old.customerId);
      const partner = await tx.partner();
      const bot = systemActor(partner.tenantId, 'Reservations bot (auto-renew)');
      let offer;
      try {
        if (!customer) throw requestRefusals.renewalCustomerGone(old, partner.name);
        offer = findOffer(await catalogOf(tx), old.sku, old.region, old.term);
        if (offer.price.partnerPrice === undefined) throw requestRefusals.renewalNotPriced(old, partner.name, locking);
      } catch (err) {
        if (!(err instanceof CodedError)) throw err;
        // Not renewable any more (no price for it, or no such customer): auto-renew is turned off, so that it is logged once, not at every check.
        const { renewalPrice: _, ...unlocked } = old;
        await tx.saveReservation({ ...unlocked, autoRenew: false });
        await this.log.refused(bot, operation, { customer, target: `${old.id}: auto-renew turned off` }, err, tx);
        return false;
      }
      const { product, price } = offer;
      const todays = price.partnerPrice!;
      if (locking) {
        const renewalPrice = { unitPrice: todays, currency: price.currency, lockedOn: today };
        await tx.saveReservation({ ...old, renewalPrice });
        await this.log.succeeded(tx, bot, operation, {
          customer: customer!,
          target: `${old.id}: renews on ${old.expiresOn} at no more than ${formatMoney(todays, price.currency)} a unit`,
          after: { renewalPrice: todays, currency: price.currency, lockedOn: today, renewsOn: old.expiresOn },
        });
        return false;
      }
      const locked = old.renewalPrice?.currency === price.currency ? old.renewalPrice : undefined;
      const unitPrice = locked && locked.unitPrice < todays ? locked.unitPrice : todays;
      const basis = locked ? (unitPrice < todays ? `, the price locked on ${locked.lockedOn} (lower than today's)` : ", today's price (not above the one locked)") : '';
      // Azure's ids are the old reservation's: Azure's renewal is a reservation of its own, which the sync links to this one.
      const { exchangedFrom: _, renewalPrice: __, azure: ___, ...same } = old;
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
          description: `Renewal of ${old.id}: ${old.quantity} × ${product.name} (${product.sku}), ${old.region}, ${termLabel(old.term)}, billed ${old.billingPlan.toLowerCase()}${basis}`,
          billingPlan: old.billingPlan,
          amount: times(unitPrice, old.quantity),
          currency: price.currency,
        },
      }));
      await tx.saveReservation({ ...old, renewedBy: reservation.id });
      await this.log.succeeded(tx, bot, operation, {
        customer: customer!,
        target: `${old.id} as ${reservation.id} in order ${order.id}`,
        before: { reservation: old.id, expiresOn: old.expiresOn, unitPrice: old.unitPrice },
        after: {
          reservation: reservation.id,
          from: old.expiresOn,
          expiresOn: reservation.expiresOn,
          scope: describeScope(customer!, reservation.scope),
          unitPrice,
          ...(locked ? { lockedPrice: locked.unitPrice, lockedOn: locked.lockedOn } : {}),
          amount: order.amount,
          currency: order.currency,
        },
      });
      return true;
    });
  }
}

/** How many due renewals are read at a time. */
const batch = 50;
