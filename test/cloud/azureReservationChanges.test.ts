import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { AzureReservationChanges, type AzureReservationChangesSettings } from '../../services/cloud/azureReservationChanges.ts';
import type { TokenCredential } from '../../services/cloud/azureResources.ts';
import { CloudError, type AzureReservationIds, type CloudCall, type CloudPurchase } from '../../services/microsoftCloud.ts';
import { startFakeAzure, type FakeAzure, type PortalPurchase } from '../fakes/fakeAzure.ts';
import type { RecordedRequest } from '../fakes/loopbackServer.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const today = '2026-11-24T09:00:00.000Z';
const fullId = ({ orderId, reservationId }: AzureReservationIds) => `/providers/microsoft.capacity/reservationOrders/${orderId}/reservations/${reservationId}`;

describe('Azure reservation changes (R17): refund, exchange and PATCH against the fake Microsoft.Capacity', () => {
  let fake: FakeAzure;
  let credentialFor: (tenantId: string) => TokenCredential;
  let tenant: string;
  let billing: string;
  const call = (): CloudCall => ({ correlationId: randomUUID() });
  const settings = (more: Partial<AzureReservationChangesSettings> = {}): AzureReservationChangesSettings => ({
    resourceManagerUrl: fake.url,
    attemptTimeoutMs: 400,
    callTimeoutMs: 2_000,
    retryDelayMs: 50,
    changeTimeoutMs: 5_000,
    pollIntervalMs: 20,
    ...more,
  });
  const azure = (more: Partial<AzureReservationChangesSettings> = {}) => new AzureReservationChanges(settings(more), credentialFor, fixedClock(today));
  /** Half a year into a one-year term: 181 of its 365 days are left. Paid EUR 1,000 a unit; today's price is EUR 900. */
  const buy = (more: Partial<PortalPurchase> = {}): AzureReservationIds =>
    fake.buyInPortal(tenant, {
      sku: 'Standard_D2s_v5',
      location: 'westeurope',
      quantity: 3,
      term: 'P1Y',
      billingPlan: 'Upfront',
      billingScopeId: `/subscriptions/${billing}`,
      appliedScopeType: 'Shared',
      displayName: 'web servers',
      price: { amount: 1000, currency: 'EUR' },
      createdDateTime: '2026-05-24T10:00:00.000Z',
      ...more,
    });
  const since = (count: number, method: string, pathEnd: RegExp) => fake.requests.slice(count).filter((r) => r.method === method && pathEnd.test(r.path));
  const bodyOf = (request: RecordedRequest | undefined) => JSON.parse(request?.body ?? 'null') as unknown;
  const polls = (count: number) => since(count, 'GET', /\/operationResults\/[^/]+$/i);

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    fake = await startFakeAzure({
      now: () => new Date(today),
      verifyToken: async (token) => {
        const { payload } = await jwtVerify(token, publicKey);
        return { tid: String(payload.tid), oid: String(payload.oid), aud: String(payload.aud) };
      },
    });
    credentialFor = (tenantId) => ({
      async getToken(scopes) {
        const now = Math.floor(Date.now() / 1000);
        const aud = `${[scopes].flat()[0]!.replace(/\/\.default$/, '')}/`;
        const token = await new SignJWT({ tid: tenantId, oid: randomUUID(), aud, iat: now, exp: now + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
        return { token, expiresOnTimestamp: (now + 3600) * 1000 };
      },
    });
  });
  beforeEach(() => {
    tenant = randomUUID();
    billing = randomUUID();
    fake.addSubscription(tenant, billing);
    fake.capacity.setPrice('Standard_D2s_v5', 'P1Y', { amount: 900, currency: 'EUR' });
    fake.capacity.longRunning({ inProgressPolls: 1, retryAfterSeconds: 0 });
  });
  after(() => fake.close());
  afterEach(async () => {
    fake.heal();
    await fake.up();
  });

  describe('cancel: calculateRefund then return', () => {
    it("quotes Azure's refund, then returns with the same session: Azure's figure, at the lower of the price paid and today's", async () => {
      const ids = buy();
      const cloud = azure();
      const asked = call();
      const before = fake.requests.length;
      const quote = await cloud.quoteRefund(asked, tenant, ids, 2);
      // 2 units × EUR 900 (today's price, lower than the EUR 1,000 paid) × 181/365 days left.
      expect(quote).to.deep.include({ refund: { amount: 892.6, currency: 'EUR' }, consumedUsd: 0, limitUsd: 50_000 });
      expect(quote.sessionId).to.be.a('string').that.is.not.empty;
      const refunded = await cloud.refund(asked, tenant, ids, 2, quote.sessionId, 'No longer needed');
      expect(refunded).to.deep.equal({ amount: 892.6, currency: 'EUR' });
      expect(fake.capacity.refunds.filter((r) => r.tenantId === tenant)).to.deep.equal([
        { tenantId: tenant, orderId: ids.orderId, reservationId: ids.reservationId, quantity: 2, sessionId: quote.sessionId, reason: 'No longer needed', refund: { amount: 892.6, currency: 'EUR' }, usd: 964.01 },
      ]);

      const [calculated] = since(before, 'POST', /\/calculateRefund$/);
      const [returned] = since(before, 'POST', /\/return$/);
      expect(calculated).to.deep.include({ path: `/providers/Microsoft.Capacity/reservationOrders/${ids.orderId}/calculateRefund`, query: { 'api-version': '2022-11-01' } });
      expect(bodyOf(calculated)).to.deep.equal({
        id: `/providers/microsoft.capacity/reservationOrders/${ids.orderId}`,
        properties: { scope: 'Reservation', reservationToReturn: { reservationId: fullId(ids), quantity: 2 } },
      });
      expect(bodyOf(returned)).to.deep.equal({
        properties: { sessionId: quote.sessionId, scope: 'Reservation', reservationToReturn: { reservationId: fullId(ids), quantity: 2 }, returnReason: 'No longer needed' },
      });
      expect(calculated!.headers['x-ms-correlation-request-id']).to.equal(asked.correlationId);
      expect(returned!.headers['x-ms-correlation-request-id']).to.equal(asked.correlationId);
      expect(polls(before)).to.have.length(2, 'the return is polled through its one answer in progress to its end');
    });

    it('returns part of the quantity and leaves the rest; returning all of it cancels the reservation', async () => {
      const ids = buy();
      const cloud = azure();
      const part = await cloud.quoteRefund(call(), tenant, ids, 2);
      await cloud.refund(call(), tenant, ids, 2, part.sessionId, 'Fewer servers');
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ quantity: 1, state: 'Active', sku: 'Standard_D2s_v5' });
      const rest = await cloud.quoteRefund(call(), tenant, ids, 1);
      expect(rest.refund).to.deep.equal({ amount: 446.3, currency: 'EUR' });
      expect(rest.consumedUsd).to.equal(964.01);
      await cloud.refund(call(), tenant, ids, 1, rest.sessionId, 'None left');
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ quantity: 1, state: 'Cancelled' });
    });

    it("is refused by Azure's refund cap with Azure's words and figures, and nothing is returned", async () => {
      const ids = buy();
      fake.capacity.consumedRefundsUsd.set(tenant, 49_500);
      const before = fake.requests.length;
      const err = await rejectionOf(azure().quoteRefund(call(), tenant, ids, 2), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'RefundLimitExceeded' });
      expect(err.message).to.equal(
        `Azure refused the refund of 2 of reservation ${ids.reservationId}: The refund of USD 964.01 exceeds the refund limit: USD 49,500.00 of USD 50,000.00 has been refunded in the last 12 months, so USD 500.00 is left. (refunds in the last 12 months: USD 49,500.00 of the USD 50,000.00 allowed)`,
      );
      expect(since(before, 'POST', /\/return$/)).to.deep.equal([]);
      expect(fake.capacity.refunds.filter((r) => r.tenantId === tenant)).to.deep.equal([]);
    });

    it('is refused when the cap is reached between the quote and the return (Azure answers 400)', async () => {
      const ids = buy();
      const cloud = azure();
      const quote = await cloud.quoteRefund(call(), tenant, ids, 3);
      fake.capacity.consumedRefundsUsd.set(tenant, 49_900);
      const err = await rejectionOf(cloud.refund(call(), tenant, ids, 3, quote.sessionId, 'Moving out'), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'RefundLimitExceeded', status: 400 });
      expect(err.message).to.include(`Azure refused the return of 3 of reservation ${ids.reservationId}: The refund of USD 1,446.01 exceeds the refund limit`);
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ quantity: 3, state: 'Active' });
    });

    it("keeps Azure's refund when the return was accepted but polling its Location fails", async () => {
      const ids = buy();
      const cloud = azure();
      const quote = await cloud.quoteRefund(call(), tenant, ids, 1);
      fake.fail(4, 500, (r) => r.method === 'GET' && /\/operationResults\//i.test(r.path));
      expect(await cloud.refund(call(), tenant, ids, 1, quote.sessionId, 'Accepted')).to.deep.equal({ amount: 446.3, currency: 'EUR' });
    });

    it("is 'unknownOutcome' when the return's answer is lost, and the return is not sent a second time", async () => {
      const ids = buy();
      const cloud = azure();
      const quote = await cloud.quoteRefund(call(), tenant, ids, 1);
      fake.hang(1, (r) => r.method === 'POST' && r.path.endsWith('/return'));
      const before = fake.requests.length;
      const err = await rejectionOf(cloud.refund(call(), tenant, ids, 1, quote.sessionId, 'Lost'), CloudError);
      expect(err.problem).to.equal('unknownOutcome');
      expect(err.message).to.include('may or may not have been carried out');
      expect(since(before, 'POST', /\/return$/)).to.have.length(1);
    });
  });

  describe('exchange: calculateExchange then exchange', () => {
    const purchase = (more: Partial<CloudPurchase> = {}): CloudPurchase => ({
      customerId: tenant,
      purchaseKey: randomUUID(),
      sku: 'Standard_D4s_v5',
      productType: 'VirtualMachines',
      region: 'westeurope',
      term: 'P3Y',
      quantity: 2,
      billingPlan: 'Monthly',
      billingSubscriptionId: billing,
      scope: { type: 'ResourceGroup', subscriptionId: billing, resourceGroup: 'web-prod' },
      displayName: 'bigger web servers',
      ...more,
    });

    it('exchanges two reservations for one, each operation polled through its answers in progress, and names the new reservation', async () => {
      const first = buy({ quantity: 2 });
      const second = buy({ quantity: 1 });
      fake.capacity.setPrice('Standard_D4s_v5', 'P3Y', { amount: 5000, currency: 'EUR' });
      fake.capacity.longRunning({ inProgressPolls: 3, retryAfterSeconds: 0 });
      const cloud = azure();
      const before = fake.requests.length;
      const returned = [{ ids: first, quantity: 2 }, { ids: second, quantity: 1 }];
      const quote = await cloud.quoteExchange(call(), tenant, returned, purchase());
      // EUR 892.60 + EUR 446.30 back; 2 × EUR 5,000 bought.
      expect(quote).to.deep.include({ refundsTotal: { amount: 1338.9, currency: 'EUR' }, purchasesTotal: { amount: 10_000, currency: 'EUR' }, netPayable: { amount: 8661.1, currency: 'EUR' } });
      expect(polls(before)).to.have.length(4, 'three answers in progress, then the end');
      expect(bodyOf(since(before, 'POST', /\/calculateExchange$/)[0])).to.deep.equal({
        properties: {
          reservationsToPurchase: [
            {
              sku: { name: 'Standard_D4s_v5' },
              location: 'westeurope',
              properties: {
                reservedResourceType: 'VirtualMachines',
                billingScopeId: `/subscriptions/${billing}`,
                term: 'P3Y',
                billingPlan: 'Monthly',
                quantity: 2,
                displayName: 'bigger web servers',
                appliedScopeType: 'Single',
                appliedScopeProperties: { resourceGroupId: `/subscriptions/${billing}/resourceGroups/web-prod` },
                renew: false,
              },
            },
          ],
          reservationsToExchange: [
            { reservationId: fullId(first), quantity: 2 },
            { reservationId: fullId(second), quantity: 1 },
          ],
        },
      });

      const middle = fake.requests.length;
      const made = await cloud.exchange(call(), tenant, quote.sessionId);
      expect(bodyOf(since(middle, 'POST', /\/exchange$/)[0])).to.deep.equal({ properties: { sessionId: quote.sessionId } });
      expect(polls(middle)).to.have.length(4);
      expect(fake.capacity.exchanges.map((e) => ({ sessionId: e.sessionId, bought: e.bought.map(({ orderId, reservationId }) => ({ orderId, reservationId })) }))).to.deep.equal([
        { sessionId: quote.sessionId, bought: [made] },
      ]);
      expect(await cloud.reservation(tenant, made)).to.deep.include({
        sku: 'Standard_D4s_v5',
        quantity: 2,
        term: 'P3Y',
        billingPlan: 'Monthly',
        scope: { type: 'ResourceGroup', subscriptionId: billing, resourceGroup: 'web-prod' },
        autoRenew: false,
        state: 'Active',
      });
      expect(await cloud.reservation(tenant, first)).to.deep.include({ state: 'Cancelled' });
      expect(await cloud.reservation(tenant, second)).to.deep.include({ state: 'Cancelled' });
    });

    it("is refused, in Azure's words, when its exchange policy lists errors instead of a session", async () => {
      const small = buy({ quantity: 3 });
      fake.capacity.setPrice('Standard_B1s', 'P1Y', { amount: 10, currency: 'EUR' });
      const err = await rejectionOf(azure().quoteExchange(call(), tenant, [{ ids: small, quantity: 3 }], purchase({ sku: 'Standard_B1s', term: 'P1Y', quantity: 1 })), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'ExchangeNotAllowed' });
      expect(err.message).to.include("The new purchase's total (EUR 10.00) must be at least the refund of the returned reservations (EUR 1338.90).");
    });

    it("is refused with Azure's words when Azure refuses the exchange itself", async () => {
      const ids = buy();
      fake.capacity.setPrice('Standard_D4s_v5', 'P3Y', { amount: 5000, currency: 'EUR' });
      const cloud = azure();
      const quote = await cloud.quoteExchange(call(), tenant, [{ ids, quantity: 3 }], purchase());
      fake.capacity.refuseNext('exchange', { at: 'request', code: 'ExchangeNotAllowed', message: 'Compute reservations bought on or after 1 January 2024 cannot be exchanged.' });
      const err = await rejectionOf(cloud.exchange(call(), tenant, quote.sessionId), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'ExchangeNotAllowed', status: 400 });
      expect(err.message).to.equal(`Azure refused the exchange of session ${quote.sessionId}: Compute reservations bought on or after 1 January 2024 cannot be exchanged.`);
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ quantity: 3, state: 'Active' });
    });

    it('names a product type Azure does not sell as refused, asking Azure nothing', async () => {
      const ids = buy();
      const before = fake.requests.length;
      const err = await rejectionOf(azure().quoteExchange(call(), tenant, [{ ids, quantity: 1 }], purchase({ productType: 'Teleporters' })), CloudError);
      expect(err.problem).to.equal('refused');
      expect(err.message).to.include('Teleporters');
      expect(fake.requests.length).to.equal(before);
    });

    it("is 'unknownOutcome' when Azure is still exchanging at the change's deadline", async () => {
      const ids = buy();
      fake.capacity.setPrice('Standard_D4s_v5', 'P3Y', { amount: 5000, currency: 'EUR' });
      const cloud = azure({ changeTimeoutMs: 1_000 });
      const quote = await cloud.quoteExchange(call(), tenant, [{ ids, quantity: 3 }], purchase());
      fake.capacity.longRunning({ inProgressPolls: 1_000, retryAfterSeconds: 0 });
      const started = Date.now();
      const err = await rejectionOf(cloud.exchange(call(), tenant, quote.sessionId), CloudError);
      expect(Date.now() - started).to.be.within(950, 1_500);
      expect(err.problem).to.equal('unknownOutcome');
    });
  });

  describe('scope and auto-renew: PATCH of the reservation', () => {
    it('changes the applied scope (R14) and auto-renew, each polled to its end, and GET shows them', async () => {
      const ids = buy();
      const cloud = azure();
      const before = fake.requests.length;
      await cloud.update(call(), tenant, ids, { scope: { type: 'ManagementGroup', managementGroupId: 'finance' } });
      const [patched] = since(before, 'PATCH', /\/reservations\/[^/]+$/);
      expect(patched).to.deep.include({ path: `/providers/Microsoft.Capacity/reservationOrders/${ids.orderId}/reservations/${ids.reservationId}`, query: { 'api-version': '2022-11-01' } });
      expect(bodyOf(patched)).to.deep.equal({
        properties: { appliedScopeType: 'ManagementGroup', appliedScopeProperties: { tenantId: tenant, managementGroupId: '/providers/Microsoft.Management/managementGroups/finance' } },
      });
      expect(polls(before)).to.have.length(2);
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ scope: { type: 'ManagementGroup', managementGroupId: 'finance' }, autoRenew: false });

      await cloud.update(call(), tenant, ids, { scope: { type: 'Single', subscriptionId: billing } });
      await cloud.update(call(), tenant, ids, { autoRenew: true });
      expect(bodyOf(since(before, 'PATCH', /./).at(-1))).to.deep.equal({ properties: { renew: true } });
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ scope: { type: 'Single', subscriptionId: billing }, autoRenew: true });
    });

    it("is refused with Azure's words when the operation ends Failed, and nothing changes", async () => {
      const ids = buy();
      fake.capacity.refuseNext('update', { at: 'operation', code: 'AppliedScopesNotAssociatedWithCommerceAccount', message: 'The applied scope is not under the billing account of the reservation.' });
      const cloud = azure();
      const err = await rejectionOf(cloud.update(call(), tenant, ids, { scope: { type: 'Single', subscriptionId: billing } }), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'AppliedScopesNotAssociatedWithCommerceAccount' });
      expect(err.message).to.equal(`Azure refused the applied scope of reservation ${ids.reservationId}: The applied scope is not under the billing account of the reservation.`);
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ scope: { type: 'Shared' } });
    });

    it("is refused when the scope names a subscription of another customer's tenant", async () => {
      const ids = buy();
      const elsewhere = randomUUID();
      fake.addSubscription(randomUUID(), elsewhere);
      const err = await rejectionOf(azure().update(call(), tenant, ids, { scope: { type: 'Single', subscriptionId: elsewhere } }), CloudError);
      expect(err).to.include({ problem: 'refused', serviceCode: 'InvalidSubscriptionId', status: 400 });
    });
  });

  describe('when Azure is slow, down or does not know the reservation', () => {
    it('waits out a 429 for its Retry-After, then answers', async () => {
      const ids = buy();
      fake.throttle(1, 1, (r) => r.path.endsWith('/calculateRefund'));
      const before = fake.requests.length;
      const started = Date.now();
      const quote = await azure().quoteRefund(call(), tenant, ids, 1);
      expect(Date.now() - started).to.be.at.least(950);
      expect(quote.refund.amount).to.equal(446.3);
      expect(since(before, 'POST', /\/calculateRefund$/).map((r) => r.status)).to.deep.equal([429, 200]);
    });

    it("polls a long-running operation after Azure's Retry-After, not sooner", async () => {
      const ids = buy();
      // The SDK polls once on starting and once more at once; the wait comes before the third.
      fake.capacity.longRunning({ inProgressPolls: 2, retryAfterSeconds: 1 });
      const started = Date.now();
      await azure({ pollIntervalMs: 10 }).update(call(), tenant, ids, { autoRenew: true });
      expect(Date.now() - started).to.be.at.least(950);
    });

    it('is undefined for a reservation Azure does not know, in a known order, an unknown order or another tenant', async () => {
      const ids = buy();
      const cloud = azure();
      expect(await cloud.reservation(tenant, { orderId: ids.orderId, reservationId: randomUUID() })).to.equal(undefined);
      expect(await cloud.reservation(tenant, { orderId: randomUUID(), reservationId: ids.reservationId })).to.equal(undefined);
      expect(await cloud.reservation(randomUUID(), ids)).to.equal(undefined);
      expect(await cloud.reservation(tenant, ids)).to.deep.include({ orderId: ids.orderId, reservationId: ids.reservationId, displayName: 'web servers', quantity: 3 });
    });

    it("is 'unavailable', not 'unknownOutcome', when a write could not reach Azure at all", async () => {
      const ids = buy();
      await fake.down();
      const err = await rejectionOf(azure().update(call(), tenant, ids, { autoRenew: true }), CloudError);
      expect(err.problem).to.equal('unavailable');
    });
  });
});
