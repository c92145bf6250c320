import type { z } from 'zod';
import { CloudError, type CloudCall, type CloudOrder, type CloudPurchase } from '../microsoftCloud.ts';
import type { CloudSettings } from './cloudSettings.ts';
import type { CloudTokens } from './cloudTokens.ts';
import { nameBasedId } from './nameBasedId.ts';
import { catalogItemFor, durationOf, type CatalogItem, type PartnerCenterRead } from './partnerCenterCatalog.ts';
import { partnerCenter, PartnerCenterHttp, shapeOf } from './partnerCenterHttp.ts';
import { reservationsOfOrder } from './partnerCenterReservations.ts';
import { cartShape, checkoutShape } from './partnerCenterShapes.ts';
import { deadlineFor } from './resilience.ts';

const resource = 'https://api.partnercenter.microsoft.com';

/** Checkout codes that mean an earlier checkout of this cart went through or is still going [error-codes]. */
const earlierCheckout: Readonly<Record<string, string>> = {
  800060: 'its order is still in progress',
  800064: 'its cart is being checked out by another request',
  800065: 'its cart was already checked out',
};

/** A checkout refused because an earlier one of the same cart went through or is under way: nothing more is bought, and what was is not known here. */
function checkedOutBefore(err: unknown): CloudError | undefined {
  const meaning = err instanceof CloudError && err.serviceCode ? earlierCheckout[err.serviceCode] : undefined;
  if (!(err instanceof CloudError) || !meaning) return undefined;
  return new CloudError('unknownOutcome', `${partnerCenter} did not confirm this purchase again: ${meaning} (code ${err.serviceCode}). Its order will show in Partner Center; nothing more is bought.`, err.serviceCode, err.status);
}

/**
 * Buys reservations through Partner Center: a cart with one line item for the catalogue item of the purchase's SKU,
 * region and term, then its checkout [purchase-azure-reservations, create-a-cart, checkout-a-cart].
 *
 * Bought once per purchase key: the cart and the checkout each carry an MS-RequestId made from the key, the same on
 * every retry and on every later `buy` of the same key, so Partner Center answers a repeated request with its first
 * answer (the same cart, the same order) instead of doing it again. A refused purchase is therefore refused again for
 * the same key; a new attempt after fixing the cause needs a new key.
 */
export class PartnerCenterCarts {
  private readonly http: PartnerCenterHttp;

  constructor(
    private readonly settings: CloudSettings,
    private readonly tokens: CloudTokens,
  ) {
    this.http = new PartnerCenterHttp(settings.partnerCenterUrl);
  }

  async buy(call: CloudCall, purchase: CloudPurchase): Promise<CloudOrder> {
    const scope = cartScope(purchase);
    const billingCycle = purchase.billingPlan === 'Monthly' ? 'monthly' : 'one_time';
    const { token, appUser } = await this.buyer(call);
    const request = { token, correlationId: call.correlationId };
    const read: PartnerCenterRead = (path, shape) => this.http.read({ ...request, method: 'GET', path }, deadlineFor(this.settings), shape);
    const write = async <T>(path: string, step: string, shape: z.ZodType<T>, body?: unknown) => {
      const headers = { 'ms-requestid': nameBasedId(this.settings.partnerTenantId, purchase.customerId, purchase.purchaseKey, step) };
      return shapeOf((await this.http.send({ ...request, method: 'POST', path, body, headers }, deadlineFor(this.settings))).json, shape);
    };

    const item = await catalogItemFor(read, purchase);
    if (!item) throw new CloudError('refused', `${partnerCenter}'s catalogue offers this customer no ${purchase.sku} reservation in ${purchase.region} for ${purchase.term}.`);
    if (!item.sku.supportedBillingCycles.includes(billingCycle)) {
      const offered = item.sku.supportedBillingCycles.join(', ') || 'none';
      throw new CloudError('refused', `${partnerCenter} does not sell ${purchase.sku} with ${purchase.billingPlan.toLowerCase()} billing (it offers: ${offered}); buy it paid upfront.`);
    }

    const customer = `/v1/customers/${encodeURIComponent(purchase.customerId)}`;
    const cart = await write(`${customer}/carts`, 'cart', cartShape, { lineItems: [cartLine(purchase, item, scope, billingCycle)] });
    const error = cart.lineItems.find((line) => line.error)?.error;
    if (error) throw new CloudError('refused', `${partnerCenter} did not accept the cart: ${said(error.errorDescription, error.errorCode)}.`, error.errorCode);

    const result = await write(`${customer}/carts/${encodeURIComponent(cart.id)}/checkout`, 'checkout', checkoutShape).catch((err: unknown) => {
      throw checkedOutBefore(err) ?? err;
    });
    const order = result.orders.find((o) => o.lineItems.some((line) => line.offerId === item.catalogItemId)) ?? result.orders[0];
    if (!order) {
      const refusal = result.orderErrors[0];
      throw new CloudError('refused', `${partnerCenter} did not place the order: ${said(refusal?.description, refusal?.code)}.`, refusal?.code);
    }
    // Entitlements are App+User only; without a user the reservations are found by the next sync.
    return { orderId: order.id, reservations: appUser ? await reservationsOfOrder(read, purchase.customerId, order.id) : [] };
  }

  /** The agent's own sign-in when the purchase is theirs, else the configured account, else the app: carts accept App and App+User credentials. */
  private async buyer(call: CloudCall): Promise<{ token: string; appUser: boolean }> {
    const deadline = deadlineFor(this.settings);
    if (call.userToken) return { token: await this.tokens.onBehalfOf(resource, call.userToken, deadline), appUser: true };
    if (this.settings.accountRefreshToken) return { token: await this.tokens.account(resource, deadline), appUser: true };
    return { token: await this.tokens.app(resource, this.settings.partnerTenantId, deadline), appUser: false };
  }
}

/**
 * R14 as a cart line can say it: `shared`, or `single` for the subscription the reservation is billed to (the line
 * names one subscription, which is both). Any other scope is refused before anything is bought: the reservation
 * cannot be re-scoped until Azure has made it, which may take a while after checkout.
 */
function cartScope(purchase: CloudPurchase): 'shared' | 'single' {
  const { scope, billingSubscriptionId } = purchase;
  if (scope.type === 'Shared') return 'shared';
  if (scope.type === 'Single' && scope.subscriptionId === billingSubscriptionId) return 'single';
  const why =
    scope.type === 'Single'
      ? `a single-subscription reservation bought there applies to the subscription it is billed to (${billingSubscriptionId})`
      : `it buys reservations with a shared or a single-subscription scope only, not for a ${scope.type === 'ResourceGroup' ? 'resource group' : 'management group'}`;
  throw new CloudError('refused', `${partnerCenter} cannot buy this reservation with that scope: ${why}. Buy it shared or for its billing subscription, and change the scope once it exists.`);
}

/** The documented cart line of a reservation: its provisioning context names the Azure subscription, the scope and, when the SKU asks for it, the duration. */
function cartLine(purchase: CloudPurchase, item: CatalogItem, scope: 'shared' | 'single', billingCycle: string) {
  const asks = (variable: string) => item.sku.provisioningVariables.some((v) => v.toLowerCase() === variable);
  return {
    id: 0,
    catalogItemId: item.catalogItemId,
    friendlyName: purchase.displayName,
    quantity: purchase.quantity,
    billingCycle,
    termDuration: purchase.term,
    provisioningContext: { subscriptionId: purchase.billingSubscriptionId, scope, ...(asks('duration') ? { duration: durationOf(purchase.term) } : {}) },
  };
}

const said = (description: string | undefined, code: string | undefined) => `${description ? `"${description.slice(0, 300)}"` : 'no reason given'}${code ? ` (code ${code})` : ''}`;
