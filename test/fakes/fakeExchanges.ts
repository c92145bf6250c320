import { randomUUID } from 'node:crypto';
import { armError } from './armReply.ts';
import {
  badRequest,
  cents,
  isReply,
  orderPath,
  priceJson,
  reservationPath,
  type CapacityBook,
  type FakePrice,
  type FakeReservation,
  type FakeReservationOrder,
  type FakeTerm,
  type PortalPurchase,
} from './fakeCapacityShapes.ts';
import type { Reply } from './loopbackServer.ts';

/** Azure's ReservedResourceType values (reservations.json 2022-11-01). */
const reservedResourceTypes = new Set(
  'VirtualMachines SqlDatabases SuseLinux CosmosDb RedHat SqlDataWarehouse VMwareCloudSimple RedHatOsa Databricks AppService ManagedDisk BlockBlob RedisCache AzureDataExplorer MySql MariaDb PostgreSql DedicatedHost SapHana SqlAzureHybridBenefit AVS DataFactory NetAppStorage AzureFiles SqlEdge VirtualMachineSoftware'.split(' '),
);
const terms = new Set(['P1Y', 'P3Y', 'P5Y']);

type Returned = { order: FakeReservationOrder; reservation: FakeReservation; quantity: number; refund: FakePrice };
type Bought = PortalPurchase & { price: FakePrice; reservedResourceType: string };
interface ExchangeSession {
  tenant: string;
  returned: Returned[];
  bought: Bought[];
  totals: { refundsTotal: FakePrice; purchasesTotal: FakePrice; netPayable: FakePrice };
  used: boolean;
}

interface PurchaseBody {
  sku?: { name?: unknown };
  location?: unknown;
  properties?: {
    reservedResourceType?: unknown;
    billingScopeId?: unknown;
    term?: unknown;
    billingPlan?: unknown;
    quantity?: unknown;
    displayName?: unknown;
    appliedScopeType?: unknown;
    appliedScopeProperties?: PortalPurchase['appliedScopeProperties'];
    renew?: unknown;
  };
}

/**
 * CalculateExchange_Post and Exchange_Post: both long-running (202 with Azure-AsyncOperation and Location, as in the
 * spec's examples). calculateExchange prices the exchange with the fake's own refunds and prices, lists policy errors
 * instead of a session when the exchange is not allowed (another product type, or a purchase smaller than the refund),
 * and keeps the session; exchange carries that session out once.
 */
export function fakeExchanges(book: CapacityBook) {
  const sessions = new Map<string, ExchangeSession>();

  function purchaseOf(tenant: string, asked: PurchaseBody): Reply | Bought {
    const p = asked.properties ?? {};
    const sku = asked.sku?.name;
    const subscription = /^\/subscriptions\/([^/]+)$/i.exec(String(p.billingScopeId ?? ''))?.[1];
    if (typeof sku !== 'string' || !sku || typeof asked.location !== 'string' || !asked.location) return badRequest('A purchase needs sku.name and location.');
    if (typeof p.reservedResourceType !== 'string' || !reservedResourceTypes.has(p.reservedResourceType)) return badRequest(`Unknown reservedResourceType '${String(p.reservedResourceType)}'.`);
    if (!subscription || book.subscriptions.get(subscription) !== tenant) return armError(400, 'InvalidSubscriptionId', `The billingScopeId '${String(p.billingScopeId)}' is not a subscription of this tenant.`);
    if (typeof p.term !== 'string' || !terms.has(p.term)) return armError(400, 'UnsupportedReservationTerm', `Unknown term '${String(p.term)}'.`);
    if (p.billingPlan !== 'Upfront' && p.billingPlan !== 'Monthly') return badRequest(`Unknown billingPlan '${String(p.billingPlan)}'.`);
    if (typeof p.quantity !== 'number' || !Number.isInteger(p.quantity) || p.quantity < 1) return badRequest('quantity must be a whole number of at least 1.');
    if (p.renew !== undefined && typeof p.renew !== 'boolean') return badRequest('renew must be true or false.');
    const scope = book.appliedScope(tenant, p);
    if (isReply(scope)) return scope;
    const term = p.term as FakeTerm;
    return {
      sku,
      location: asked.location,
      reservedResourceType: p.reservedResourceType,
      billingScopeId: `/subscriptions/${subscription}`,
      term,
      billingPlan: p.billingPlan,
      quantity: p.quantity,
      ...(typeof p.displayName === 'string' && p.displayName ? { displayName: p.displayName } : {}),
      ...scope,
      renew: p.renew ?? false,
      price: book.priceOf(sku, term),
    };
  }

  const purchaseJson = (b: Bought) => {
    const { sku, location, price: _price, ...properties } = b;
    return { sku: { name: sku }, location, properties };
  };
  const returnedJson = (r: Returned) => ({ reservationId: reservationPath(r.order.id, r.reservation.id), quantity: r.quantity, billingRefundAmount: priceJson(r.refund) });
  const totalOf = (b: Bought): FakePrice => ({ amount: cents(b.quantity * b.price.amount), currency: b.price.currency });
  const longRunning = (headers: Record<string, string>): Reply => ({ status: 202, headers: { ...headers, Location: headers['Azure-AsyncOperation']! } });

  function policyErrors(returned: Returned[], bought: Bought[], totals: ExchangeSession['totals']): { code: string; message: string }[] {
    const policy = book.refusalOf('calculateExchange', 'policy');
    if (policy) return [{ code: policy.code, message: policy.message }];
    const errors: { code: string; message: string }[] = [];
    const types = new Set(returned.map((r) => r.reservation.reservedResourceType ?? 'VirtualMachines'));
    if (bought.some((b) => !types.has(b.reservedResourceType)) || types.size > 1) {
      errors.push({ code: 'ExchangeNotAllowed', message: 'Reservations can only be exchanged for reservations of the same product type.' });
    }
    if (totals.purchasesTotal.amount < totals.refundsTotal.amount) {
      errors.push({ code: 'ExchangeNotAllowed', message: `The new purchase's total (${totals.purchasesTotal.currency} ${totals.purchasesTotal.amount.toFixed(2)}) must be at least the refund of the returned reservations (${totals.refundsTotal.currency} ${totals.refundsTotal.amount.toFixed(2)}).` });
    }
    return errors;
  }

  function calculateExchange(tenant: string, body: Record<string, unknown>): Reply {
    const refused = book.refusedAtOnce('calculateExchange');
    if (refused) return refused;
    const properties = (body.properties ?? {}) as { reservationsToExchange?: unknown; reservationsToPurchase?: unknown };
    const { reservationsToExchange: toReturn, reservationsToPurchase: toBuy } = properties;
    if (!Array.isArray(toReturn) || toReturn.length === 0 || !Array.isArray(toBuy) || toBuy.length === 0) return badRequest('An exchange needs reservationsToExchange and reservationsToPurchase.');
    const returned: Returned[] = [];
    for (const asked of toReturn as { reservationId?: unknown; quantity?: unknown }[]) {
      const found = book.returnable(tenant, asked);
      if (isReply(found)) return found;
      returned.push({ ...found, refund: book.refundOf(found.order, found.reservation, found.quantity) });
    }
    const bought: Bought[] = [];
    for (const asked of toBuy as PurchaseBody[]) {
      const purchase = purchaseOf(tenant, asked);
      if (isReply(purchase)) return purchase;
      bought.push(purchase);
    }
    const currency = returned[0]!.refund.currency;
    if ([...returned.map((r) => r.refund.currency), ...bought.map((b) => b.price.currency)].some((c) => c !== currency)) return badRequest('An exchange is priced in one billing currency.');
    const refunds = cents(returned.reduce((sum, r) => sum + r.refund.amount, 0));
    const purchases = cents(bought.reduce((sum, b) => sum + totalOf(b).amount, 0));
    const totals = { refundsTotal: { amount: refunds, currency }, purchasesTotal: { amount: purchases, currency }, netPayable: { amount: cents(purchases - refunds), currency } };
    const errors = policyErrors(returned, bought, totals);
    const headers = book.operation(tenant, 'Pending', book.unlessRefused('calculateExchange', () => {
      const sessionId = errors.length ? undefined : randomUUID();
      if (sessionId) sessions.set(sessionId, { tenant, returned, bought, totals, used: false });
      return {
        properties: {
          ...(sessionId ? { sessionId } : {}),
          netPayable: priceJson(totals.netPayable),
          refundsTotal: priceJson(totals.refundsTotal),
          purchasesTotal: priceJson(totals.purchasesTotal),
          policyResult: { policyErrors: errors.length ? errors : null },
          reservationsToPurchase: bought.map((b) => ({ properties: purchaseJson(b), billingCurrencyTotal: priceJson(totalOf(b)) })),
          reservationsToExchange: returned.map(returnedJson),
        },
      };
    }));
    return longRunning(headers);
  }

  function exchange(tenant: string, body: Record<string, unknown>): Reply {
    const refused = book.refusedAtOnce('exchange');
    if (refused) return refused;
    const sessionId = String((body.properties as { sessionId?: unknown } | undefined)?.sessionId ?? '');
    const session = sessions.get(sessionId);
    if (!session || session.tenant !== tenant) return badRequest(`The exchange session '${sessionId}' is not valid: calculate the exchange first.`);
    if (session.used) return badRequest(`The exchange session '${sessionId}' has already been used.`);
    session.used = true;
    const headers = book.operation(tenant, 'PendingPurchases', book.unlessRefused('exchange', () => {
      for (const r of session.returned) {
        const still = book.returnable(tenant, { reservationId: reservationPath(r.order.id, r.reservation.id), quantity: r.quantity });
        if (isReply(still)) return { error: (still.body as { error: { code: string; message: string } }).error };
      }
      for (const r of session.returned) book.giveBack(r.reservation, r.quantity);
      const made = session.bought.map((b) => ({ ids: book.addOrder(tenant, b), purchase: b }));
      book.controls.exchanges.push({
        tenantId: tenant,
        sessionId,
        returned: session.returned.map((r) => ({ orderId: r.order.id, reservationId: r.reservation.id, quantity: r.quantity, refund: r.refund })),
        bought: made.map(({ ids, purchase }) => ({ ...ids, purchase })),
      });
      return {
        properties: {
          sessionId,
          netPayable: priceJson(session.totals.netPayable),
          refundsTotal: priceJson(session.totals.refundsTotal),
          purchasesTotal: priceJson(session.totals.purchasesTotal),
          policyResult: { policyErrors: null },
          reservationsToPurchase: made.map(({ ids, purchase }) => ({
            reservationOrderId: orderPath(ids.orderId),
            reservationId: reservationPath(ids.orderId, ids.reservationId),
            properties: purchaseJson(purchase),
            billingCurrencyTotal: priceJson(totalOf(purchase)),
            status: 'Succeeded',
          })),
          reservationsToExchange: session.returned.map((r) => ({ ...returnedJson(r), status: 'Succeeded' })),
        },
      };
    }));
    return longRunning(headers);
  }

  return { calculateExchange, exchange };
}
