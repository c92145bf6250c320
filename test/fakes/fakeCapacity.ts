import { randomUUID } from 'node:crypto';
import { armError } from './armReply.ts';
import {
  badRequest,
  cents,
  isReply,
  orderPath,
  reservationPath,
  yearsOf,
  type CapacityBook,
  type CapacityOperation,
  type FakeCapacityControls,
  type FakePrice,
  type FakeReservation,
  type FakeReservationOrder,
  type FakeTerm,
  type Outcome,
  type PortalPurchase,
  type Refusal,
} from './fakeCapacityShapes.ts';
import { fakeExchanges } from './fakeExchanges.ts';
import { fakeRefunds } from './fakeRefunds.ts';
import type { RecordedRequest, Reply } from './loopbackServer.ts';

interface Operation {
  id: string;
  tenant: string;
  pollsLeft: number;
  /** Its status while it runs (the spec's values: Pending; PendingPurchases for an exchange). */
  running: string;
  finish: () => Outcome;
  outcome?: Outcome;
}

export interface CapacityDeps {
  /** Customer tenant id → its reservation orders. */
  orders: Map<string, FakeReservationOrder[]>;
  /** Azure subscription id → its customer tenant. */
  subscriptions: Map<string, string>;
  url: () => string;
  now: () => Date;
  page: (items: unknown[], request: RecordedRequest) => Reply;
}

const dayMs = 86_400_000;
/**
 * Microsoft.Capacity in the fake ARM (reservations.json 2022-11-01 and its examples): reservation orders and
 * reservations, calculateRefund then return (202 with the refund), calculateExchange then exchange and PATCH of a
 * reservation (202 + Azure-AsyncOperation, polled to Succeeded or Failed), the refund cap per customer tenant in USD,
 * and refusals on demand. Every figure is the fake's own: prorated by days from its own prices and dates.
 */
export function fakeCapacity(deps: CapacityDeps) {
  const { orders, subscriptions, now } = deps;
  const prices = new Map<string, FakePrice>();
  const operations = new Map<string, Operation>();
  const refusals = new Map<CapacityOperation, Refusal>();
  let longRunning = { inProgressPolls: 1, retryAfterSeconds: 0 };
  const controls: FakeCapacityControls = {
    refunds: [],
    exchanges: [],
    consumedRefundsUsd: new Map(),
    refundLimitUsd: 50_000,
    usdRates: new Map([['USD', 1], ['EUR', 1.08], ['GBP', 1.27]]),
    setPrice: (sku, term, price) => void prices.set(`${sku}|${term}`, price),
    longRunning: (options) => void (longRunning = options),
    refuseNext: (operation, refusal) => void refusals.set(operation, refusal),
  };

  const priceOf = (sku: string, term: FakeTerm): FakePrice => prices.get(`${sku}|${term}`) ?? { amount: 1200 * yearsOf[term], currency: 'USD' };
  const usdOf = ({ amount, currency }: FakePrice) => cents(amount * (controls.usdRates.get(currency) ?? 1));
  function refusalOf(operation: CapacityOperation, at: Refusal['at']): Refusal | undefined {
    const refusal = refusals.get(operation);
    if (refusal?.at !== at) return undefined;
    refusals.delete(operation);
    return refusal;
  }
  const refusedAtOnce = (operation: CapacityOperation) => {
    const refusal = refusalOf(operation, 'request');
    return refusal && armError(refusal.status ?? 400, refusal.code, refusal.message);
  };

  function addOrder(tenant: string, purchase: PortalPurchase): { orderId: string; reservationId: string } {
    const createdDateTime = purchase.createdDateTime ?? now().toISOString();
    const end = new Date(createdDateTime);
    end.setUTCFullYear(end.getUTCFullYear() + yearsOf[purchase.term]);
    const expiryDate = purchase.expiryDate ?? end.toISOString().slice(0, 10);
    const reservation: FakeReservation = { renew: false, ...purchase, price: purchase.price ?? priceOf(purchase.sku, purchase.term), expiryDate, id: randomUUID(), provisioningState: 'Succeeded' };
    const order: FakeReservationOrder = {
      id: randomUUID(),
      displayName: purchase.displayName ?? `${purchase.sku}_${createdDateTime.slice(0, 10)}`,
      term: purchase.term,
      billingPlan: purchase.billingPlan,
      createdDateTime,
      expiryDateTime: `${expiryDate}T00:00:00Z`,
      provisioningState: 'Succeeded',
      reservations: [reservation],
    };
    orders.set(tenant, [...(orders.get(tenant) ?? []), order]);
    return { orderId: order.id, reservationId: reservation.id };
  }

  /**
   * The fake's refund: the unused days' share of the lower of the price paid and today's price (R17), for `quantity`.
   * Monthly plans are refunded as if paid upfront: the fake keeps no payment schedule.
   */
  function refundOf(order: FakeReservationOrder, reservation: FakeReservation, quantity: number): FakePrice {
    const start = Date.parse(order.createdDateTime.slice(0, 10));
    const end = Date.parse(reservation.expiryDate);
    const today = Date.parse(now().toISOString().slice(0, 10));
    const daysLeft = Math.min(Math.max((end - today) / dayMs, 0), (end - start) / dayMs);
    const current = priceOf(reservation.sku, reservation.term);
    const unit = current.currency === reservation.price.currency ? Math.min(current.amount, reservation.price.amount) : reservation.price.amount;
    return { amount: cents((quantity * unit * daysLeft * dayMs) / (end - start)), currency: reservation.price.currency };
  }

  function operation(tenant: string, running: string, finish: () => Outcome): Record<string, string> {
    const id = randomUUID();
    operations.set(id, { id, tenant, pollsLeft: longRunning.inProgressPolls, running, finish });
    return { 'Azure-AsyncOperation': `${deps.url()}/providers/Microsoft.Capacity/operationResults/${id}?api-version=2022-11-01`, 'Retry-After': String(longRunning.retryAfterSeconds) };
  }
  /** Refused when polled if a test asked for it; otherwise what `work` did. */
  const unlessRefused = (name: CapacityOperation, work: () => Outcome) => (): Outcome => {
    const refusal = refusalOf(name, 'operation');
    return refusal ? { error: { code: refusal.code, message: refusal.message } } : work();
  };

  /** Azure-AsyncOperation: 202 with the running status while it runs, then 200 with Succeeded or Failed (the work is done on that poll). */
  function operationResult(tenant: string, id: string): Reply {
    const op = operations.get(id);
    if (!op || op.tenant !== tenant) return armError(404, 'NotFound', `The operation '${id}' was not found.`);
    const resource = { id: `/providers/microsoft.capacity/operationResults/${id}`, name: id };
    if (op.pollsLeft > 0) {
      op.pollsLeft--;
      return { status: 202, headers: { 'Retry-After': String(longRunning.retryAfterSeconds) }, body: { ...resource, status: op.running } };
    }
    op.outcome ??= op.finish();
    return { status: 200, body: { ...resource, status: 'error' in op.outcome ? 'Failed' : 'Succeeded', ...op.outcome } };
  }

  const orderOf = (tenant: string, orderId: string) => (orders.get(tenant) ?? []).find((o) => o.id.toLowerCase() === orderId.toLowerCase());
  const orderMissing = (orderId: string) => armError(404, 'ReservationOrderNotFound', `Reservation order '${orderId}' was not found.`);

  /** A reservation of the tenant named by its full id, active, and a quantity it can give back. */
  function returnable(tenant: string, asked: { reservationId?: unknown; quantity?: unknown } | undefined, inOrder?: FakeReservationOrder) {
    const ids = /^\/providers\/microsoft\.capacity\/reservationOrders\/([^/]+)\/reservations\/([^/]+)$/i.exec(String(asked?.reservationId ?? ''));
    if (!ids) return armError(400, 'InvalidReservationId', `'${String(asked?.reservationId)}' is not a reservation id of the form /providers/microsoft.capacity/reservationOrders/{orderId}/reservations/{reservationId}.`);
    if (inOrder && ids[1]!.toLowerCase() !== inOrder.id.toLowerCase()) return armError(400, 'ReservationIdNotInReservationOrder', `Reservation '${ids[2]}' is not in reservation order '${inOrder.id}'.`);
    const order = orderOf(tenant, ids[1]!);
    const reservation = order?.reservations.find((r) => r.id.toLowerCase() === ids[2]!.toLowerCase());
    if (!order || !reservation) return armError(404, 'InvalidReservationId', `Reservation '${ids[2]}' was not found.`);
    const quantity = asked?.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > reservation.quantity) {
      return armError(400, 'InvalidRefundQuantity', `The quantity to return must be a whole number from 1 to ${reservation.quantity}.`);
    }
    if (reservation.provisioningState !== 'Succeeded') return armError(409, 'OperationCannotBePerformedInCurrentState', `Reservation '${reservation.id}' is ${reservation.provisioningState}.`);
    return { order, reservation, quantity };
  }

  /** Gives `quantity` back: the rest of the reservation goes on; all of it ends the reservation. */
  function giveBack(reservation: FakeReservation, quantity: number) {
    if (quantity < reservation.quantity) reservation.quantity -= quantity;
    else reservation.provisioningState = 'Cancelled';
  }

  /** Reservation_Update: the applied scope (R14) and renew, checked against the customer's own subscriptions and tenant. */
  function update(tenant: string, order: FakeReservationOrder, reservation: FakeReservation, body: { properties?: PatchBody }): Reply {
    const refused = refusedAtOnce('update');
    if (refused) return refused;
    const patch = body.properties ?? {};
    if (patch.renew === undefined && patch.appliedScopeType === undefined) return badRequest('Nothing to change: give appliedScopeType or renew.');
    const renew = patch.renew;
    if (renew !== undefined && typeof renew !== 'boolean') return badRequest('renew must be true or false.');
    const scope = patch.appliedScopeType === undefined ? undefined : appliedScope(tenant, patch);
    if (isReply(scope)) return scope;
    const headers = operation(tenant, 'Pending', unlessRefused('update', () => {
      if (scope) {
        reservation.appliedScopeType = scope.appliedScopeType;
        reservation.appliedScopeProperties = scope.appliedScopeProperties;
        delete reservation.appliedScopes;
      }
      if (renew !== undefined) reservation.renew = renew;
      return { properties: { reservationId: reservationPath(order.id, reservation.id) } };
    }));
    return { status: 202, headers };
  }

  /** R14's scopes as Azure takes them: Single names one of the customer's subscriptions or its resource group; ManagementGroup needs the tenant too. */
  function appliedScope(tenant: string, asked: PatchBody): Reply | Pick<PortalPurchase, 'appliedScopeType' | 'appliedScopeProperties'> {
    const properties = asked.appliedScopeProperties ?? {};
    switch (asked.appliedScopeType) {
      case 'Shared':
        return { appliedScopeType: 'Shared' };
      case 'Single': {
        const target = properties.resourceGroupId ?? properties.subscriptionId ?? '';
        const subscription = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/[^/]+)?$/i.exec(target)?.[1];
        if (!subscription) return armError(400, 'MissingAppliedScopesForSingle', 'A Single scope needs appliedScopeProperties.subscriptionId (/subscriptions/{id}) or resourceGroupId (/subscriptions/{id}/resourceGroups/{name}).');
        if (subscriptions.get(subscription) !== tenant) return armError(400, 'InvalidSubscriptionId', `Subscription '${subscription}' is not in this tenant.`);
        return { appliedScopeType: 'Single', appliedScopeProperties: properties.resourceGroupId ? { resourceGroupId: target } : { subscriptionId: target } };
      }
      case 'ManagementGroup':
        if (properties.tenantId !== tenant) return armError(400, 'InvalidTenantId', `A ManagementGroup scope needs appliedScopeProperties.tenantId, the customer's tenant '${tenant}'.`);
        if (!/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(properties.managementGroupId ?? '')) return badRequest('A ManagementGroup scope needs managementGroupId: /providers/Microsoft.Management/managementGroups/{id}.');
        return { appliedScopeType: 'ManagementGroup', appliedScopeProperties: { tenantId: tenant, managementGroupId: properties.managementGroupId } };
      default:
        return badRequest(`Unknown appliedScopeType '${String(asked.appliedScopeType)}'.`);
    }
  }

  const book: CapacityBook = { subscriptions, controls, priceOf, usdOf, refundOf, returnable, giveBack, addOrder, operation, unlessRefused, refusedAtOnce, refusalOf, appliedScope };
  const refunds = fakeRefunds(book);
  const exchanges = fakeExchanges(book);

  function reservationJson(order: FakeReservationOrder, r: FakeReservation) {
    const { id, sku, location, provisioningState, createdDateTime: _purchased, price: _price, reservedResourceType, ...properties } = r;
    return {
      id: reservationPath(order.id, id),
      type: 'Microsoft.Capacity/reservationOrders/reservations',
      name: `${order.id}/${id}`,
      etag: 1,
      location,
      sku: { name: sku },
      properties: { ...properties, provisioningState, purchaseDateTime: order.createdDateTime, reservedResourceType: reservedResourceType ?? 'VirtualMachines' },
    };
  }
  function orderJson(order: FakeReservationOrder) {
    return {
      id: orderPath(order.id),
      type: 'Microsoft.Capacity/reservationOrders',
      name: order.id,
      etag: 1,
      properties: {
        displayName: order.displayName,
        requestDateTime: order.createdDateTime,
        createdDateTime: order.createdDateTime,
        benefitStartTime: order.createdDateTime,
        expiryDateTime: order.expiryDateTime,
        term: order.term,
        billingPlan: order.billingPlan,
        provisioningState: order.provisioningState,
        originalQuantity: order.reservations.reduce((sum, r) => sum + r.quantity, 0),
        reservations: order.reservations.map((r) => ({ id: reservationPath(order.id, r.id) })),
      },
    };
  }

  /** Everything under /providers/Microsoft.Capacity/, for the customer tenant the token was issued in (the partner's AOBO or GDAP access). */
  function route(request: RecordedRequest, tenant: string, parts: string[]): Reply {
    const [collection, orderId, leaf, reservationId, ...more] = parts;
    const method = request.method;
    const body = () => parseBody(request.body);
    const notAllowed = armError(405, 'HttpMethodNotSupported', `${method} is not supported on '${request.path}'.`);
    if (collection === 'operationresults' && orderId && !leaf) return method === 'GET' ? operationResult(tenant, orderId) : notAllowed;
    if (collection === 'calculateexchange' && !orderId) return method === 'POST' ? withBody(body(), (b) => exchanges.calculateExchange(tenant, b)) : notAllowed;
    if (collection === 'exchange' && !orderId) return method === 'POST' ? withBody(body(), (b) => exchanges.exchange(tenant, b)) : notAllowed;
    if (collection !== 'reservationorders' || more.length) return armError(404, 'InvalidRequestUri', `No route for '${request.path}'.`);
    const tenantOrders = orders.get(tenant) ?? [];
    if (!orderId) return method === 'GET' ? deps.page(tenantOrders.map(orderJson), request) : notAllowed;
    const order = orderOf(tenant, orderId);
    if (!order) return orderMissing(orderId);
    if (!leaf) return method === 'GET' ? { status: 200, body: orderJson(order) } : notAllowed;
    if (leaf === 'calculaterefund' && !reservationId) return method === 'POST' ? withBody(body(), (b) => refunds.calculateRefund(tenant, order, b)) : notAllowed;
    if (leaf === 'return' && !reservationId) return method === 'POST' ? withBody(body(), (b) => refunds.returnReservation(tenant, order, b)) : notAllowed;
    if (leaf !== 'reservations') return armError(404, 'InvalidRequestUri', `No route for '${request.path}'.`);
    if (!reservationId) return method === 'GET' ? deps.page(order.reservations.map((r) => reservationJson(order, r)), request) : notAllowed;
    const reservation = order.reservations.find((r) => r.id.toLowerCase() === reservationId.toLowerCase());
    if (!reservation) return armError(404, 'InvalidReservationId', `Reservation '${reservationId}' was not found in reservation order '${order.id}'.`);
    if (method === 'GET') return { status: 200, body: reservationJson(order, reservation) };
    if (method === 'PATCH') return withBody(body(), (b) => update(tenant, order, reservation, b as { properties?: PatchBody }));
    return notAllowed;
  }

  return { controls, route, addOrder };
}

interface PatchBody {
  appliedScopeType?: unknown;
  appliedScopeProperties?: { subscriptionId?: string; resourceGroupId?: string; managementGroupId?: string; tenantId?: string };
  renew?: unknown;
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function withBody(body: Record<string, unknown> | undefined, use: (body: Record<string, unknown>) => Reply): Reply {
  return body ? use(body) : badRequest('The request body must be a JSON object.');
}
