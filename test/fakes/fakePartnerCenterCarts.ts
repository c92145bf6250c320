import { randomBytes, randomUUID } from 'node:crypto';
import type { AzureReservationIds } from '../../services/microsoftCloud.ts';
import { durationOf, fakeCatalogue, years, type CatalogueSeed, type Term } from './fakePartnerCenterCatalogue.ts';
import type { RecordedRequest, Reply } from './loopbackServer.ts';
import { collection, link, pcError } from './partnerCenterReplies.ts';

/** A cart line as checked out. */
export interface CheckoutLine {
  catalogItemId: string;
  sku: string;
  region: string;
  term: Term;
  quantity: number;
  billingCycle: string;
  /** The provisioning context: the Azure subscription it is bought under and the scope. */
  subscriptionId: string;
  scope: 'shared' | 'single';
  friendlyName?: string;
}

/** A checkout that placed an order (a repeated request answered from memory is not one). */
export interface Checkout {
  customerId: string;
  cartId: string;
  orderId: string;
  lines: CheckoutLine[];
}

/** Azure makes the reservation a checked-out line buys; undefined: not provisioned (yet), and the order stays pending. */
export type Provision = (customerId: string, line: CheckoutLine) => AzureReservationIds | undefined;

export interface CartsState {
  /** Every checkout that placed an order, in order. */
  readonly checkouts: readonly Checkout[];
  /** The next `n` checkouts answer with this order error (a CartCheckoutResult without orders) instead of placing an order. */
  refuseCheckouts(n: number, code: string, description: string): void;
}

/** What the fake Partner Center knows of its customers that a purchase needs. */
export interface CustomerLookup {
  exists(customerId: string): boolean;
  /** Whether `subscriptionId` is one of the customer's active Azure plan entitlements (Azure subscriptions). */
  hasActiveAzureSubscription(customerId: string, subscriptionId: string): boolean;
}

interface CartLine extends CheckoutLine {
  error?: { errorCode: string; errorDescription: string };
}

interface Cart {
  id: string;
  customerId: string;
  status: 'Active' | 'Ordered';
  lines: CartLine[];
  created: string;
}

interface Provisioned {
  customerId: string;
  orderId: string;
  lineNumber: number;
  line: CheckoutLine;
  ids: AzureReservationIds;
  at: string;
}

/** A cart line's error names a CartErrorCode [cart-resources]. */
const lineError = (errorCode: string, errorDescription: string) => ({ errorCode, errorDescription });
const titleOf = (l: CheckoutLine) => `Reserved Instance, ${l.sku}, ${l.region}, ${durationOf(l.term)}`;

/**
 * Partner Center's commerce for Azure reservations [purchase-azure-reservations]: the catalogue by customer, carts and
 * their checkout, and the entitlements a provisioned order yields, in the documented shapes and error codes
 * [cart-resources, order-resources, entitlement-resources, error-codes]. Requests reach `handle` authorised and, for
 * writes, once per MS-RequestId.
 */
export function fakeCarts(customers: CustomerLookup, seed: readonly CatalogueSeed[], provision?: Provision) {
  const catalogue = fakeCatalogue(seed);
  const carts = new Map<string, Cart>();
  const provisioned: Provisioned[] = [];
  const checkouts: Checkout[] = [];
  let refusals = { left: 0, code: '', description: '' };

  const cartJson = (cart: Cart) => ({
    id: cart.id,
    creationTimestamp: cart.created,
    lastModifiedTimestamp: cart.created,
    expirationTimestamp: new Date(Date.parse(cart.created) + 15 * 60_000).toISOString(),
    status: cart.status,
    lineItems: cart.lines.map((l, id) => ({
      id,
      catalogItemId: l.catalogItemId,
      friendlyName: l.friendlyName,
      quantity: l.quantity,
      currencyCode: catalogue.item(l.catalogItemId)?.currency ?? 'USD',
      billingCycle: l.billingCycle,
      termDuration: l.term,
      provisioningContext: { subscriptionId: l.subscriptionId, scope: l.scope, duration: durationOf(l.term) },
      orderGroup: '0',
      ...(l.error ? { error: l.error } : {}),
    })),
  });

  /** A posted line item as the cart holds it, with the error Partner Center would attach. */
  function cartLine(customerId: string, raw: unknown): CartLine {
    const l = (raw ?? {}) as { catalogItemId?: unknown; quantity?: unknown; billingCycle?: unknown; termDuration?: unknown; friendlyName?: unknown; provisioningContext?: Record<string, unknown> };
    const context = l.provisioningContext ?? {};
    const item = catalogue.item(String(l.catalogItemId));
    const line: CartLine = {
      catalogItemId: String(l.catalogItemId),
      sku: item?.sku ?? '',
      region: item?.region ?? '',
      term: String(l.termDuration) as Term,
      quantity: Number(l.quantity),
      billingCycle: String(l.billingCycle),
      subscriptionId: String(context.subscriptionId ?? ''),
      scope: context.scope as CartLine['scope'],
      ...(typeof l.friendlyName === 'string' ? { friendlyName: l.friendlyName } : {}),
    };
    const error = !item
      ? lineError('catalog_item_id_is_not_valid', `The catalog item ID ${line.catalogItemId} is not valid.`)
      : !Number.isInteger(line.quantity) || line.quantity < 1
        ? lineError('invalid_input', 'The quantity must be a whole number of at least 1.')
        : line.billingCycle !== 'one_time'
          ? lineError('unable_to_process_cart_line_item', `The billing cycle ${line.billingCycle} is not supported for this catalog item; supported: one_time.`)
          : line.term !== item.term
            ? lineError('unable_to_process_cart_line_item', `The term duration ${line.term} is not available for this catalog item.`)
            : context.duration !== durationOf(item.term)
              ? lineError('invalid_input', `The provisioning context must name the duration ${durationOf(item.term)}.`)
              : line.scope !== 'shared' && line.scope !== 'single'
                ? lineError('invalid_input', 'The provisioning context scope must be "shared" or "single".')
                : !customers.hasActiveAzureSubscription(customerId, line.subscriptionId)
                  ? lineError('subscription_is_not_valid', `The subscription ${line.subscriptionId} is not an active Azure subscription of the customer.`)
                  : undefined;
    return error ? { ...line, error } : line;
  }

  function createCart(customerId: string, request: RecordedRequest): Reply {
    let lineItems: unknown;
    try {
      lineItems = (JSON.parse(request.body) as { lineItems?: unknown }).lineItems;
    } catch {
      return pcError(400, '800002', 'Invalid request input: the body is not JSON.');
    }
    if (!Array.isArray(lineItems) || lineItems.length === 0) return pcError(400, '800002', 'Invalid request input: a cart needs at least one line item.');
    const cart: Cart = { id: randomUUID(), customerId, status: 'Active', lines: lineItems.map((raw) => cartLine(customerId, raw)), created: new Date().toISOString() };
    carts.set(cart.id, cart);
    return { status: 201, body: cartJson(cart) };
  }

  function checkout(customerId: string, cartId: string): Reply {
    const cart = carts.get(cartId);
    if (!cart || cart.customerId !== customerId) return pcError(404, '800008', 'Unable to retrieve cart Id.');
    if (cart.status === 'Ordered') return pcError(400, '800065', `Cannot check out an already submitted cart ${cartId}.`);
    if (cart.lines.some((l) => l.error)) return pcError(400, '800009', 'Error in Cart item(s).');
    if (refusals.left > 0) {
      refusals.left--;
      return { status: 201, body: { orders: [], orderErrors: [{ orderGroupId: '0', code: refusals.code, description: refusals.description }], attributes: { objectType: 'CartCheckoutResult' } } };
    }
    cart.status = 'Ordered';
    const orderId = randomBytes(24).toString('base64url');
    const at = new Date().toISOString();
    const lines = cart.lines.map(({ error: _none, ...line }) => line);
    const made = lines.map((line, lineNumber) => {
      const ids = provision?.(customerId, line);
      if (ids) provisioned.push({ customerId, orderId, lineNumber, line, ids, at });
      return ids;
    });
    checkouts.push({ customerId, cartId, orderId, lines });
    const order = {
      id: orderId,
      alternateId: orderId.slice(0, 12),
      referenceCustomerId: customerId,
      billingCycle: 'one_time',
      currencyCode: catalogue.item(lines[0]!.catalogItemId)?.currency ?? 'USD',
      lineItems: lines.map((l, lineItemNumber) => ({ lineItemNumber, offerId: l.catalogItemId, termDuration: l.term, transactionType: 'New', friendlyName: titleOf(l), quantity: l.quantity, links: {} })),
      creationDate: at,
      // Azure provisions a reservation after checkout: the order is pending until then.
      status: made.every(Boolean) ? 'completed' : 'pending',
      transactionType: 'UserPurchase',
      attributes: { objectType: 'Order' },
    };
    return { status: 201, body: { orders: [order], orderErrors: [], attributes: { objectType: 'CartCheckoutResult' } } };
  }

  const entitlementJson = (p: Provisioned) => ({
    includedEntitlements: [],
    referenceOrder: { id: p.orderId, lineItemId: String(p.lineNumber), alternateId: p.orderId.slice(0, 12) },
    productId: p.line.catalogItemId.split(':')[0],
    skuId: p.line.catalogItemId.split(':')[1],
    quantity: p.line.quantity,
    quantityDetails: [{ quantity: p.line.quantity, status: 'Active' }],
    entitledArtifacts: [
      {
        link: link(`/customers/${p.customerId}/artifacts/reservedinstance/lineitems/${p.lineNumber}/resource/${p.ids.orderId}`),
        resourceId: p.ids.orderId,
        artifactType: 'reservedinstance',
        dynamicAttributes: { reservationType: 'virtualmachines' },
      },
    ],
    skuTitle: titleOf(p.line),
    entitlementType: 'reservedInstance',
  });

  function artifact(customerId: string, reservationOrderId: string): Reply {
    const p = provisioned.find((x) => x.customerId === customerId && x.ids.orderId === reservationOrderId);
    if (!p) return pcError(404, '404', `No reserved instance artifact ${reservationOrderId}.`);
    const expiry = new Date(p.at);
    expiry.setUTCFullYear(expiry.getUTCFullYear() + years(p.line.term));
    const reservation = { reservationId: p.ids.reservationId, scopeType: p.line.scope === 'shared' ? 'Shared' : 'Single', quantity: p.line.quantity, expiryDateTime: expiry.toISOString(), effectiveDateTime: p.at, provisioningState: 'Succeeded' };
    return { status: 200, body: { type: 'reservedinstance', reservations: [reservation] } };
  }

  /** Answers `/v1/customers/{customerId}/{rest...}` for products, carts, entitlements and artifacts; undefined for other paths. */
  function handle(request: RecordedRequest, customerId: string, rest: readonly string[], appUser: boolean): Reply | undefined {
    const [section, id, leaf] = rest;
    const route = `${request.method} ${section}${id ? ' id' : ''}${leaf ? ` ${leaf}` : ''}`;
    if (!['products', 'carts', 'entitlements', 'artifacts'].includes(section ?? '')) return undefined;
    if (!customers.exists(customerId)) return pcError(404, '600008', `Customer ${customerId} not found.`);
    if (section === 'products' && request.method === 'GET') return catalogue.answer(rest.slice(1), request.query);
    if (route === 'POST carts') return createCart(customerId, request);
    if (route === 'POST carts id checkout') return checkout(customerId, id!);
    // Entitlements accept App+User credentials only [get-a-collection-of-entitlements].
    if ((section === 'entitlements' || section === 'artifacts') && !appUser) return pcError(403, '403', 'This operation requires App+User credentials; app-only tokens are not allowed.');
    if (route === 'GET entitlements') return { status: 200, body: collection(provisioned.filter((p) => p.customerId === customerId).map(entitlementJson)) };
    if (section === 'artifacts' && request.method === 'GET' && rest.at(-2) === 'resource') return artifact(customerId, rest.at(-1)!);
    return pcError(405, '405', 'Method not allowed.');
  }

  const state: CartsState = {
    checkouts,
    refuseCheckouts(n, code, description) {
      refusals = { left: n, code, description };
    },
  };
  return { handle, state };
}
