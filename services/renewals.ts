import type { ChangeRequestRepository, DirectoryRepository, PurchaseRepository } from '../data/repository.ts';
import type { Reservation } from '../data/schemas.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { findOffer } from './catalog.ts';
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
    private readonly directory: DirectoryRepository,
    private readonly purchases: PurchaseRepository,
    private readonly repo: ChangeRequestRepository,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
  ) {}

  /** Renews every reservation that is due; resolves with how many were renewed. */
  async renewDue(): Promise<number> {
    const today = utcDay(this.clock());
    let renewed = 0;
    for (const customer of this.directory.customers()) {
      const reservations = this.purchases.reservations(customer.id);
      const due = reservations.filter((r) => r.status === 'Active' && r.autoRenew && r.expiresOn <= today && !reservations.some((n) => n.renewalOf === r.id));
      for (const old of due) if (await this.renew(old)) renewed++;
    }
    return renewed;
  }

  private async renew(old: Reservation): Promise<boolean> {
    const customer = this.directory.customer(old.customerId)!;
    const partner = this.directory.partner();
    const bot = systemActor(partner.tenantId, 'Reservations bot (auto-renew)');
    const now = this.clock();
    try {
      const { product, price } = findOffer(this.directory, old.sku, old.region, old.term);
      if (price.partnerPrice === undefined) throw requestRefusals.renewalNotPriced(old, partner.name);
      const unitPrice = price.partnerPrice;
      const made = await this.repo.change((records) => {
        // Checked again in the step that renews it: a renewal is made once.
        if (records.reservations(old.customerId).some((r) => r.renewalOf === old.id)) return undefined;
        const { exchangedFrom: _, ...same } = old;
        return records.addPurchase(({ orderId, reservationId }) => ({
          reservation: {
            ...same,
            id: reservationId,
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
            customerId: customer.id,
            at: now.toISOString(),
            by: bot,
            billedTo: { tenantId: partner.tenantId, name: partner.name },
            reservationId,
            description: `Renewal of ${old.id}: ${old.quantity} × ${product.name} (${product.sku}), ${old.region}, ${termLabel(old.term)}, billed ${old.billingPlan.toLowerCase()}`,
            billingPlan: old.billingPlan,
            amount: times(unitPrice, old.quantity),
            currency: price.currency,
          },
        }));
      });
      if (!made) return false;
      const { order, reservation } = made;
      await this.log.succeeded(bot, Operation.RenewReservation, {
        customer,
        target: `${old.id} as ${reservation.id} in order ${order.id}`,
        before: { reservation: old.id, expiresOn: old.expiresOn, unitPrice: old.unitPrice },
        after: { reservation: reservation.id, from: old.expiresOn, expiresOn: reservation.expiresOn, scope: describeScope(customer, reservation.scope), unitPrice, amount: order.amount, currency: order.currency },
      });
      return true;
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      // Not renewable any more (no price for it): auto-renew is turned off, so that it is logged once, not at every check.
      await this.repo.change((records) => {
        records.reservation(old.id)!.autoRenew = false;
      });
      await this.log.refused(bot, Operation.RenewReservation, { customer, target: `${old.id}: auto-renew turned off` }, err);
      return false;
    }
  }
}
