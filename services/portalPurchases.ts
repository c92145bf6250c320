import type { Customer, Reservation } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import { catalogOf, offers } from './catalog.ts';
import type { CloudReservation } from './microsoftCloud.ts';
import { times } from './money.ts';
import { Operation } from './operations.ts';
import type { Actor } from './people.ts';
import { purchaseEntry } from './purchaseEntry.ts';
import type { PurchaseNotifications } from './purchaseNotifications.ts';
import { termLabel } from './terms.ts';

/** Who bought a reservation found in Azure: a user of the customer, in the Azure portal (Azure does not say which one). */
export const portalBuyer = (customerId: string): Actor => ({ tenantId: customerId, userId: 'azure-portal', name: 'Bought in the Azure portal', role: 'CustomerUser' });

/**
 * R11, R12: Partner Center does not tell the partner when a customer buys a reservation in the Azure portal. The
 * reservations Azure lists for the customer that the store does not hold are recorded, in `tx`, in Reservations, Order
 * history and the log as bought by the customer, at the partner's price for that product (R10), and announced to
 * the Admin Agents when `announce` (purchase notifications on, R12). Resolves with what was recorded.
 */
export async function recordPortalPurchases(
  tx: Transaction,
  customer: Customer,
  found: readonly CloudReservation[],
  deps: { log: ActivityLog; notifications: PurchaseNotifications; announce: boolean; syncActor: Actor },
): Promise<Reservation[]> {
  const held = await tx.reservations(customer.id);
  const known = new Set(held.flatMap((r) => (r.azure ? [r.azure.reservationId.toLowerCase()] : [])));
  const unlinked = held.filter((r) => !r.azure && r.status === 'Active');
  const fresh: CloudReservation[] = [];
  for (const bought of found.filter((r) => r.state !== 'Other' && !known.has(r.reservationId.toLowerCase()))) {
    const mine = unlinked.findIndex((r) => isSame(r, bought));
    if (mine < 0) fresh.push(bought);
    else await link(tx, customer, unlinked.splice(mine, 1)[0]!, bought, deps);
  }
  if (!fresh.length) return [];
  const catalog = offers(await catalogOf(tx));
  const partner = await tx.partner();
  const by = portalBuyer(customer.id);
  const recorded: Reservation[] = [];
  for (const bought of fresh) {
    const offer = catalog.find((o) => same(o.product.sku, bought.sku) && same(o.price.region, bought.region) && o.price.term === bought.term);
    const unitPrice = offer?.price.partnerPrice ?? offer?.price.webDirectPrice ?? 0;
    const currency = offer?.price.currency ?? 'USD';
    const what = `${bought.quantity} × ${offer ? `${offer.product.name} (${bought.sku})` : bought.sku}, ${bought.region}, ${termLabel(bought.term)}, billed ${bought.billingPlan.toLowerCase()}`;
    const { order, reservation } = await tx.addPurchase(({ orderId, reservationId }) => ({
      order: {
        id: orderId,
        type: 'Purchase',
        customerId: customer.id,
        at: bought.purchasedAt,
        by,
        billedTo: { tenantId: partner.tenantId, name: partner.name },
        reservationId,
        description: `${what}, bought in the Azure portal${offer ? '' : ' (not in your price list: amount unknown)'}`,
        billingPlan: bought.billingPlan,
        amount: times(unitPrice, bought.quantity),
        currency,
      },
      reservation: {
        id: reservationId,
        orderId,
        customerId: customer.id,
        sku: bought.sku,
        productName: offer?.product.name ?? bought.displayName ?? bought.sku,
        region: bought.region,
        quantity: bought.quantity,
        term: bought.term,
        billingPlan: bought.billingPlan,
        billingSubscriptionId: bought.billingSubscriptionId,
        scope: bought.scope,
        autoRenew: bought.autoRenew,
        purchasedAt: bought.purchasedAt,
        expiresOn: bought.expiresOn,
        status: bought.state === 'Cancelled' ? 'Cancelled' : 'Active',
        boughtBy: by,
        unitPrice,
        total: times(unitPrice, bought.quantity),
        currency,
        azure: { orderId: bought.orderId, reservationId: bought.reservationId },
      },
    }));
    await deps.log.succeeded(tx, by, Operation.PurchaseReservation, purchaseEntry(customer, order, reservation));
    if (deps.announce) await deps.notifications.purchaseMade(tx, order);
    recorded.push(reservation);
  }
  return recorded;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether Azure's reservation is one the bot bought through Partner Center whose ids Azure had not given yet (a checkout answers before Azure makes the reservation). */
const isSame = (r: Reservation, bought: CloudReservation) =>
  same(r.sku, bought.sku) && same(r.region, bought.region) && r.term === bought.term && r.quantity === bought.quantity && same(r.billingSubscriptionId, bought.billingSubscriptionId);

/** The bot's own purchase, now known in Azure: it keeps Azure's ids (so that it can be changed there), logged as the sync's. */
async function link(tx: Transaction, customer: Customer, reservation: Reservation, bought: CloudReservation, deps: { log: ActivityLog; syncActor: Actor }): Promise<void> {
  const azure = { orderId: bought.orderId, reservationId: bought.reservationId };
  await tx.saveReservation({ ...reservation, azure });
  await deps.log.succeeded(tx, deps.syncActor, Operation.SyncCustomer, { customer, target: `${reservation.id} is Azure reservation ${bought.reservationId}`, after: { reservation: reservation.id, azureOrder: azure.orderId, azureReservation: azure.reservationId } });
}
