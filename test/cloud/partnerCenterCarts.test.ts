import { expect } from 'chai';
import { purchaseRequestSchema } from '../../data/schemas.ts';
import { CloudError, type CloudCall, type CloudPurchase } from '../../services/microsoftCloud.ts';
import { CloudTokens } from '../../services/cloud/cloudTokens.ts';
import { cloudDefaults, type CloudSettings } from '../../services/cloud/cloudSettings.ts';
import { PartnerCenterCarts } from '../../services/cloud/partnerCenterCarts.ts';
import { fakeApp, startFakeMicrosoftCloud, type FakeMicrosoftCloud } from '../fakes/fakeMicrosoftCloud.ts';
import type { RecordedRequest } from '../fakes/loopbackServer.ts';
import { purchaseInput } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { contosoId, partnerTenant, people, tailspinId } from '../helpers/testWorld.ts';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** R8, R13: what Tailspin's Owner confirmed (two D2s v5 in East US for a year, paid upfront, shared), as the port's purchase. */
const purchase = (changes: Partial<CloudPurchase> = {}): CloudPurchase => ({
  customerId: tailspinId,
  purchaseKey: 'quote-1',
  productType: 'VirtualMachines',
  displayName: 'Tailspin web tier',
  ...purchaseRequestSchema.parse(purchaseInput()),
  ...changes,
});

const isCart = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/carts');
const isCheckout = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/checkout');

describe('Buying through Partner Center carts (against fake Partner Center, Azure and Entra ID)', () => {
  let cloud: FakeMicrosoftCloud;
  let settings: CloudSettings;
  let carts: PartnerCenterCarts;
  let call: CloudCall;

  beforeEach(async () => {
    cloud = await startFakeMicrosoftCloud();
    settings = {
      ...cloudDefaults,
      partnerTenantId: partnerTenant,
      clientId: fakeApp.clientId,
      credential: { secret: fakeApp.secret },
      authorityHost: cloud.entra.authorityHost,
      partnerCenterUrl: cloud.partnerCenter.url,
      accountRefreshToken: cloud.env.PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN,
      attemptTimeoutMs: 400,
      callTimeoutMs: 1200,
    };
    carts = new PartnerCenterCarts(settings, new CloudTokens(settings));
    call = { correlationId: 'purchase-corr-1', userToken: await cloud.userToken(people.admin) };
  });
  afterEach(() => cloud.close());

  const pc = () => cloud.partnerCenter;
  const requests = (pick: (r: RecordedRequest) => boolean) => pc().requests.filter(pick);
  const writes = () => requests((r) => r.method !== 'GET');

  it('finds the catalogue item for the customer, checks out one cart with the documented line, and answers the order with the reservation Azure made', async () => {
    const order = await carts.buy(call, purchase());

    const [checkout] = pc().state.checkouts;
    expect(pc().state.checkouts).to.have.length(1);
    expect(order.orderId).to.equal(checkout!.orderId);
    expect(checkout!.lines).to.have.length(1);
    expect(checkout!.lines[0]).to.include({ sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 2, billingCycle: 'one_time', subscriptionId: 'sub-tailspin-plan', scope: 'shared' });

    const [cart] = requests(isCart);
    expect(JSON.parse(cart!.body)).to.deep.equal({
      lineItems: [
        {
          id: 0,
          catalogItemId: checkout!.lines[0]!.catalogItemId,
          friendlyName: 'Tailspin web tier',
          quantity: 2,
          billingCycle: 'one_time',
          termDuration: 'P1Y',
          provisioningContext: { subscriptionId: 'sub-tailspin-plan', scope: 'shared', duration: '1Year' },
        },
      ],
    });
    const [products] = requests((r) => r.path === `/v1/customers/${tailspinId}/products`);
    expect(products!.query).to.deep.equal({ targetView: 'AzureReservationsVM', reservationScope: 'AzurePlan' });

    // Azure made the reservation at checkout: its ids, as the entitlement names them, are what the bot records.
    const [azureOrder] = cloud.azure.state.reservationOrders.get(tailspinId) ?? [];
    expect(order.reservations).to.deep.equal([{ orderId: azureOrder!.id, reservationId: azureOrder!.reservations[0]!.id }]);
    expect(azureOrder!.reservations[0]).to.include({ sku: 'Standard_D2s_v5', location: 'eastus', quantity: 2, term: 'P1Y', appliedScopeType: 'Shared', billingScopeId: '/subscriptions/sub-tailspin-plan' });

    for (const r of pc().requests) expect(r.headers['ms-correlationid']).to.equal('purchase-corr-1');
    const [cartId, checkoutId] = [cart, requests(isCheckout)[0]].map((r) => String(r!.headers['ms-requestid']));
    expect(cartId).to.match(guid);
    expect(checkoutId).to.match(guid);
    expect(cartId).to.not.equal(checkoutId);
  });

  it('a single scope is the subscription the reservation is billed to', async () => {
    await carts.buy(call, purchase({ scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } }));
    expect(pc().state.checkouts[0]!.lines[0]).to.include({ scope: 'single', subscriptionId: 'sub-tailspin-plan' });
    expect(cloud.azure.state.reservationOrders.get(tailspinId)![0]!.reservations[0]).to.include({ appliedScopeType: 'Single' });
  });

  it('a checkout whose answer was lost is retried with the same MS-RequestId: one checkout, and its order is the answer', async () => {
    pc().hang(1, isCheckout);
    const order = await carts.buy(call, purchase());

    const sent = requests(isCheckout);
    expect(sent).to.have.length(2);
    expect(sent[0]!.status, 'the first answer was never sent').to.equal(undefined);
    expect(sent[1]!.headers['ms-requestid']).to.equal(sent[0]!.headers['ms-requestid']);
    expect(pc().state.checkouts).to.have.length(1);
    expect(order.orderId).to.equal(pc().state.checkouts[0]!.orderId);
  });

  it('a checkout never answered is unknownOutcome; buying the same key again answers that order without a second checkout', async () => {
    pc().hang(100, isCheckout);
    const started = Date.now();
    const lost = await rejectionOf(carts.buy(call, purchase()), CloudError);
    expect(lost.problem).to.equal('unknownOutcome');
    expect(Date.now() - started).to.be.lessThan(settings.callTimeoutMs * 6);
    expect(pc().state.checkouts, 'the hung checkout was done').to.have.length(1);

    pc().hang(0);
    const again = await carts.buy(call, purchase());
    expect(again.orderId).to.equal(pc().state.checkouts[0]!.orderId);
    expect(pc().state.checkouts).to.have.length(1);
    expect(new Set(requests(isCart).map((r) => r.headers['ms-requestid'])).size, 'one cart request id').to.equal(1);
    expect(new Set(requests(isCheckout).map((r) => r.headers['ms-requestid'])).size, 'one checkout request id').to.equal(1);
  });

  it('a checkout Partner Center no longer remembers finds its cart already checked out: unknownOutcome, and nothing more is bought', async () => {
    pc().hang(100, isCheckout);
    await rejectionOf(carts.buy(call, purchase()), CloudError);
    pc().hang(0);
    pc().state.forgetRequestIds(isCheckout);

    const err = await rejectionOf(carts.buy(call, purchase()), CloudError);
    expect(err).to.include({ problem: 'unknownOutcome', serviceCode: '800065' });
    expect(err.message).to.equal('Partner Center did not confirm this purchase again: its cart was already checked out (code 800065). Its order will show in Partner Center; nothing more is bought.');
    expect(pc().state.checkouts).to.have.length(1);
  });

  it('a second buy of a bought key answers the same order; another key buys another', async () => {
    const first = await carts.buy(call, purchase());
    const second = await carts.buy({ correlationId: 'purchase-corr-2' }, purchase());
    expect(second.orderId).to.equal(first.orderId);
    expect(pc().state.checkouts).to.have.length(1);

    const other = await carts.buy(call, purchase({ purchaseKey: 'quote-2' }));
    expect(other.orderId).to.not.equal(first.orderId);
    expect(pc().state.checkouts).to.have.length(2);
  });

  it("a line Partner Center does not accept is refused in its words, and nothing is checked out", async () => {
    // Contoso's Microsoft 365 subscription is no Azure subscription to buy a reservation under.
    const err = await rejectionOf(carts.buy(call, purchase({ customerId: contosoId, billingSubscriptionId: 'sub-contoso-m365' })), CloudError);
    expect(err).to.include({ problem: 'refused', serviceCode: 'subscription_is_not_valid' });
    expect(err.message).to.equal('Partner Center did not accept the cart: "The subscription sub-contoso-m365 is not an active Azure subscription of the customer." (code subscription_is_not_valid).');
    expect(requests(isCheckout)).to.have.length(0);
    expect(pc().state.checkouts).to.have.length(0);
  });

  it("an order error at checkout is refused in Partner Center's words", async () => {
    pc().state.refuseCheckouts(1, '800069', 'Order failed Risk Management check');
    const err = await rejectionOf(carts.buy(call, purchase()), CloudError);
    expect(err).to.include({ problem: 'refused', serviceCode: '800069' });
    expect(err.message).to.equal('Partner Center did not place the order: "Order failed Risk Management check" (code 800069).');
    expect(pc().state.checkouts).to.have.length(0);
  });

  it('what the customer cannot buy there is refused before any cart: not in the catalogue, or billed monthly', async () => {
    const missing = await rejectionOf(carts.buy(call, purchase({ region: 'northeurope' })), CloudError);
    expect(missing.problem).to.equal('refused');
    expect(missing.message).to.equal("Partner Center's catalogue offers this customer no Standard_D2s_v5 reservation in northeurope for P1Y.");

    const monthly = await rejectionOf(carts.buy(call, purchase({ billingPlan: 'Monthly' })), CloudError);
    expect(monthly.problem).to.equal('refused');
    expect(monthly.message).to.contain('does not sell Standard_D2s_v5 with monthly billing (it offers: one_time)');
    expect(writes()).to.have.length(0);
  });

  it('R14: a scope a cart cannot say is refused before anything is asked', async () => {
    const scopes = [
      { type: 'ResourceGroup', subscriptionId: 'sub-tailspin-plan', resourceGroup: 'web' },
      { type: 'ManagementGroup', managementGroupId: 'tailspin-mg' },
      { type: 'Single', subscriptionId: 'sub-tailspin-other' },
    ] as const;
    for (const scope of scopes) {
      const err = await rejectionOf(carts.buy(call, purchase({ scope })), CloudError);
      expect(err.problem).to.equal('refused');
      expect(err.message).to.match(/^Partner Center cannot buy this reservation with that scope: .*Buy it shared or for its billing subscription, and change the scope once it exists\.$/);
    }
    expect(pc().requests).to.have.length(0);
  });

  it('throttled: waits as Retry-After says and sends the same request again; throttled past the deadline: unavailable, saying when', async () => {
    pc().throttle(1, 0, isCart);
    await carts.buy(call, purchase());
    const sent = requests(isCart);
    expect(sent.map((r) => r.status)).to.deep.equal([429, 201]);
    expect(sent[1]!.headers['ms-requestid']).to.equal(sent[0]!.headers['ms-requestid']);
    expect(pc().state.checkouts).to.have.length(1);

    pc().throttle(5, 30, isCart);
    const err = await rejectionOf(carts.buy(call, purchase({ purchaseKey: 'quote-2' })), CloudError);
    expect(err.problem).to.equal('unavailable');
    expect(err.message).to.contain('busy (throttled); try again in 30 s');
    expect(pc().state.checkouts).to.have.length(1);
  });

  it('a catalogue Partner Center cannot show now is unavailable, and nothing is bought', async () => {
    pc().fail(100, 503, (r) => r.path.includes('/products'));
    const err = await rejectionOf(carts.buy(call, purchase()), CloudError);
    expect(err.problem).to.equal('unavailable');
    expect(writes()).to.have.length(0);
  });

  it("the reservations are left to the sync when only the app's credentials are there, or the entitlements cannot be read", async () => {
    const appOnly = new PartnerCenterCarts({ ...settings, accountRefreshToken: undefined }, new CloudTokens(settings));
    const order = await appOnly.buy({ correlationId: 'c' }, purchase());
    expect(order).to.deep.equal({ orderId: pc().state.checkouts[0]!.orderId, reservations: [] });
    expect(requests((r) => r.path.endsWith('/entitlements'))).to.have.length(0);

    // The configured account (App+User) reads them; an entitlement read that fails leaves the order bought.
    pc().fail(100, 500, (r) => r.path.endsWith('/entitlements'));
    const withAccount = await carts.buy({ correlationId: 'c' }, purchase({ purchaseKey: 'quote-2' }));
    expect(withAccount).to.deep.equal({ orderId: pc().state.checkouts[1]!.orderId, reservations: [] });
  });
});
