import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { AzureResources, type AzureResourcesSettings, type TokenCredential } from '../../services/cloud/azureResources.ts';
import { CloudError } from '../../services/microsoftCloud.ts';
import { startFakeAzure, type FakeAzure, type PortalPurchase } from '../fakes/fakeAzure.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const customer = randomUUID();
const otherCustomer = randomUUID();
/** The partner's app as the customer's tenant sees it, and its admin-on-behalf-of group there. */
const partnerApp = randomUUID();
const partnerAgents = randomUUID();

describe('Azure Resource Manager: Owners (R5) and reservation orders, against the fake ARM', () => {
  let fake: FakeAzure;
  let tokenScopes: string[][];
  let credentialFor: (tenantId: string) => TokenCredential;
  const settings = (more: Partial<AzureResourcesSettings> = {}): AzureResourcesSettings => ({
    resourceManagerUrl: fake.url,
    attemptTimeoutMs: 400,
    callTimeoutMs: 2_000,
    retryDelayMs: 50,
    ...more,
  });
  const azure = (more: Partial<AzureResourcesSettings> = {}, clock = fixedClock()) => new AzureResources(settings(more), credentialFor, clock);

  /** A customer subscription the partner reaches through admin-on-behalf-of (its agents' group holds Owner there). */
  const subscription = (tenantId = customer, partnerReaches = true) => {
    const id = randomUUID();
    fake.addSubscription(tenantId, id);
    if (partnerReaches) fake.grantRole(id, partnerAgents, 'Owner', 'ForeignGroup');
    return id;
  };
  const requestsSince = (count: number) => fake.requests.slice(count);

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    fake = await startFakeAzure({
      pageSize: 2,
      verifyToken: async (token) => {
        const { payload } = await jwtVerify(token, publicKey);
        return { tid: String(payload.tid), oid: String(payload.oid), aud: String(payload.aud) };
      },
    });
    fake.addToGroup(partnerAgents, partnerApp);
    tokenScopes = [];
    // Plays Entra ID for the partner's app in the customer's tenant: Entra names the resource with a trailing slash.
    credentialFor = (tenantId) => ({
      async getToken(scopes) {
        const asked = [scopes].flat();
        tokenScopes.push(asked);
        const aud = `${asked[0]!.replace(/\/\.default$/, '')}/`;
        const now = Math.floor(Date.now() / 1000);
        const token = await new SignJWT({ tid: tenantId, oid: partnerApp, aud, iat: now, exp: now + 3600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
        return { token, expiresOnTimestamp: (now + 3600) * 1000 };
      },
    });
  });
  after(() => fake.close());
  afterEach(async () => {
    fake.heal();
    await fake.up();
  });

  describe('isOwner (R5)', () => {
    it('is true for Owner held directly, asked of the subscription with atScope() and assignedTo() and a token for ARM in the customer tenant', async () => {
      const sub = subscription();
      const user = randomUUID();
      fake.grantRole(sub, user, 'Owner');
      const before = fake.requests.length;
      expect(await azure().isOwner(customer, sub, user)).to.equal(true);
      const [asked] = requestsSince(before);
      expect(asked).to.deep.include({ method: 'GET', path: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments` });
      expect(asked!.query).to.include({ 'api-version': '2022-04-01', $filter: `atScope() and assignedTo('${user}')` });
      expect(tokenScopes.at(-1)).to.deep.equal([`${fake.url}/.default`]);
    });

    it('is true for Owner held through a group, and through a group inside a group', async () => {
      const sub = subscription();
      const [user, nested, team, department] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      fake.addToGroup(team, user);
      fake.addToGroup(department, team);
      fake.addToGroup(department, nested);
      fake.grantRole(sub, department, 'Owner');
      expect(await azure().isOwner(customer, sub, user)).to.equal(true);
      expect(await azure().isOwner(customer, sub, nested)).to.equal(true);
    });

    it('is false for Reader or Contributor, and for Owner of one resource group only', async () => {
      const sub = subscription();
      const [reader, contributor, groupOwner] = [randomUUID(), randomUUID(), randomUUID()];
      fake.grantRole(sub, reader, 'Reader');
      fake.grantRole(sub, contributor, 'Contributor');
      fake.grantRole(`/subscriptions/${sub}/resourceGroups/web`, groupOwner, 'Owner');
      const cloud = azure();
      expect(await cloud.isOwner(customer, sub, reader)).to.equal(false);
      expect(await cloud.isOwner(customer, sub, contributor)).to.equal(false);
      expect(await cloud.isOwner(customer, sub, groupOwner)).to.equal(false);
    });

    it('is false on a subscription when the user owns another one only; Owner of a management group above counts', async () => {
      const [mine, theirs] = [subscription(), subscription()];
      const user = randomUUID();
      fake.grantRole(theirs, user, 'Owner');
      expect(await azure().isOwner(customer, mine, user)).to.equal(false);
      expect(await azure().isOwner(customer, theirs, user)).to.equal(true);
      const mgAdmin = randomUUID();
      fake.state.managementGroups.set('finance', [mine]);
      fake.grantRole('/providers/Microsoft.Management/managementGroups/finance', mgAdmin, 'Owner');
      expect(await azure().isOwner(customer, mine, mgAdmin)).to.equal(true);
    });

    it('keeps an answer for ownerCacheMs: a second ask within it sends nothing, one after it asks Azure again', async () => {
      const sub = subscription();
      const user = randomUUID();
      fake.grantRole(sub, user, 'Owner');
      const clock = fixedClock();
      const cloud = azure({ ownerCacheMs: 60_000 }, clock);
      const before = fake.requests.length;
      expect(await cloud.isOwner(customer, sub, user)).to.equal(true);
      fake.removeRole(sub, user, 'Owner');
      clock.advance(59_000);
      expect(await cloud.isOwner(customer, sub, user)).to.equal(true);
      expect(requestsSince(before)).to.have.length(1);
      clock.advance(1_000);
      expect(await cloud.isOwner(customer, sub, user)).to.equal(false);
      expect(requestsSince(before)).to.have.length(2);
    });

    it('pages through a long list of role assignments by nextLink', async () => {
      const sub = subscription();
      const user = randomUUID();
      const groups = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      for (const group of groups) {
        fake.addToGroup(group, user);
        fake.grantRole(sub, group, 'Reader');
      }
      fake.grantRole(sub, groups[3]!, 'Owner');
      const before = fake.requests.length;
      expect(await azure().isOwner(customer, sub, user)).to.equal(true);
      const pages = requestsSince(before);
      expect(pages).to.have.length(3);
      expect(pages[2]!.query).to.include({ 'api-version': '2022-04-01', $skipToken: '4' });
    });
  });

  describe('hasOwners (R5)', () => {
    it("counts the customer's users and groups holding Owner, not the partner's admin-on-behalf-of group", async () => {
      const [bare, owned] = [subscription(), subscription()];
      fake.grantRole(bare, randomUUID(), 'Reader');
      expect(await azure().hasOwners(customer, [bare])).to.equal(false);
      const team = randomUUID();
      fake.addToGroup(team, randomUUID());
      fake.grantRole(owned, team, 'Owner');
      expect(await azure().hasOwners(customer, [bare, owned])).to.equal(true);
      expect(await azure().hasOwners(customer, [])).to.equal(false);
    });

    it('keeps its answer for ownerCacheMs too', async () => {
      const sub = subscription();
      const clock = fixedClock();
      const cloud = azure({ ownerCacheMs: 10_000 }, clock);
      expect(await cloud.hasOwners(customer, [sub])).to.equal(false);
      fake.grantRole(sub, randomUUID(), 'Owner');
      expect(await cloud.hasOwners(customer, [sub])).to.equal(false);
      clock.advance(10_000);
      expect(await cloud.hasOwners(customer, [sub])).to.equal(true);
    });
  });

  describe('reservations (R11, R12)', () => {
    const tenant = randomUUID();
    const billing = randomUUID();
    const bought: PortalPurchase = {
      sku: 'Standard_D2s_v5',
      location: 'westeurope',
      quantity: 3,
      term: 'P3Y',
      billingPlan: 'Monthly',
      billingScopeId: `/subscriptions/${billing}`,
      appliedScopeType: 'Single',
      appliedScopeProperties: { resourceGroupId: `/subscriptions/${billing}/resourceGroups/web-prod` },
      renew: true,
      displayName: 'web servers',
      createdDateTime: '2026-10-01T08:30:00.000Z',
    };

    it('shows a reservation bought in the portal with every field mapped, asked with api-version 2022-11-01', async () => {
      const { orderId, reservationId } = fake.buyInPortal(tenant, bought);
      const before = fake.requests.length;
      const found = await azure().reservations(tenant);
      expect(found).to.deep.equal([
        {
          orderId,
          reservationId,
          displayName: 'web servers',
          sku: 'Standard_D2s_v5',
          region: 'westeurope',
          quantity: 3,
          term: 'P3Y',
          billingPlan: 'Monthly',
          billingSubscriptionId: billing,
          scope: { type: 'ResourceGroup', subscriptionId: billing, resourceGroup: 'web-prod' },
          autoRenew: true,
          purchasedAt: '2026-10-01T08:30:00.000Z',
          expiresOn: '2029-10-01',
          state: 'Active',
        },
      ]);
      const [orders, reservations] = requestsSince(before);
      expect(orders).to.deep.include({ path: '/providers/Microsoft.Capacity/reservationOrders', query: { 'api-version': '2022-11-01' } });
      expect(reservations).to.deep.include({ path: `/providers/Microsoft.Capacity/reservationOrders/${orderId}/reservations`, query: { 'api-version': '2022-11-01' } });
    });

    it('maps every applied scope, both ways Azure writes Single, and the states; pages through the orders', async () => {
      const own = randomUUID();
      const sub = randomUUID();
      const buy = (more: Partial<PortalPurchase>) => fake.buyInPortal(own, { ...bought, appliedScopeProperties: undefined, ...more }).reservationId;
      const shared = buy({ appliedScopeType: 'Shared', billingPlan: 'Upfront', renew: false, term: 'P1Y' });
      const single = buy({ appliedScopeType: 'Single', appliedScopeProperties: { subscriptionId: `/subscriptions/${sub}` } });
      const legacy = buy({ appliedScopeType: 'Single', appliedScopes: [`/subscriptions/${sub}`] });
      const group = buy({ appliedScopeType: 'ManagementGroup', appliedScopeProperties: { tenantId: own, managementGroupId: '/providers/Microsoft.Management/managementGroups/finance' } });
      const expired = buy({ appliedScopeType: 'Shared', term: 'P1Y', createdDateTime: '2024-01-10T00:00:00.000Z' });
      fake.setReservationState(single, 'Cancelled');
      fake.setReservationState(legacy, 'PendingBilling');
      const before = fake.requests.length;
      const found = new Map((await azure({}, fixedClock('2026-11-24T09:00:00.000Z')).reservations(own)).map((r) => [r.reservationId, r]));
      expect(found.get(shared)).to.deep.include({ scope: { type: 'Shared' }, billingPlan: 'Upfront', autoRenew: false, term: 'P1Y', state: 'Active' });
      expect(found.get(single)).to.deep.include({ scope: { type: 'Single', subscriptionId: sub }, state: 'Cancelled' });
      expect(found.get(legacy)).to.deep.include({ scope: { type: 'Single', subscriptionId: sub }, state: 'Other' });
      expect(found.get(group)).to.deep.include({ scope: { type: 'ManagementGroup', managementGroupId: 'finance' } });
      expect(found.get(expired)).to.deep.include({ expiresOn: '2025-01-10', state: 'Expired' });
      expect(found.size).to.equal(5);
      const orderPages = requestsSince(before).filter((r) => r.path === '/providers/Microsoft.Capacity/reservationOrders');
      expect(orderPages.map((r) => r.query.$skiptoken)).to.deep.equal([undefined, '2', '4']);
    });

    it('is empty for a tenant without reservation orders', async () => {
      expect(await azure().reservations(randomUUID())).to.deep.equal([]);
    });
  });

  describe('when Azure is slow, down or says no', () => {
    it('waits out a 429 for its Retry-After, then answers', async () => {
      const sub = subscription();
      const user = randomUUID();
      fake.grantRole(sub, user, 'Owner');
      fake.throttle(1, 1);
      const before = fake.requests.length;
      const started = Date.now();
      expect(await azure({ callTimeoutMs: 5_000 }).isOwner(customer, sub, user)).to.equal(true);
      expect(Date.now() - started).to.be.at.least(950);
      expect(requestsSince(before)).to.have.length(2);
    });

    it('retries a 5xx and an attempt that hangs, within the deadline', async () => {
      const sub = subscription();
      const user = randomUUID();
      fake.grantRole(sub, user, 'Owner');
      fake.fail(1, 503);
      fake.hang(1);
      const before = fake.requests.length;
      expect(await azure().isOwner(customer, sub, user)).to.equal(true);
      expect(requestsSince(before)).to.have.length(3);
    });

    it("is 'unavailable' within the deadline when Azure is down", async () => {
      const sub = subscription();
      await fake.down();
      const started = Date.now();
      const err = await rejectionOf(azure({ callTimeoutMs: 1_500 }).isOwner(customer, sub, randomUUID()), CloudError);
      expect(Date.now() - started).to.be.below(1_800);
      expect(err.problem).to.equal('unavailable');
      expect(err.message).to.match(/^Azure did not answer about whether this person holds Owner on Azure subscription/);
    });

    it("is 'unavailable' within the deadline when every attempt hangs", async () => {
      fake.hang(100);
      const started = Date.now();
      const err = await rejectionOf(azure({ backgroundTimeoutMs: 1_500 }).reservations(customer), CloudError);
      expect(Date.now() - started).to.be.below(1_800);
      expect(err).to.include({ problem: 'unavailable' });
      expect(err.message).to.equal(`Azure did not answer about the reservations of customer ${customer} within 1.5 seconds.`);
    });

    it("is 'unavailable' when Azure keeps throttling longer than the call may wait", async () => {
      const sub = subscription();
      fake.throttle(100, 30);
      const started = Date.now();
      const err = await rejectionOf(azure({ callTimeoutMs: 1_000 }).hasOwners(customer, [sub]), CloudError);
      expect(Date.now() - started).to.be.below(1_300);
      expect(err.problem).to.equal('unavailable');
    });

    it("is 'refused', naming the role the partner needs, when the partner has no role on the subscription (403)", async () => {
      const sub = subscription(customer, false);
      const err = await rejectionOf(azure().isOwner(customer, sub, randomUUID()), CloudError);
      expect(err).to.include({ problem: 'refused', status: 403, serviceCode: 'AuthorizationFailed' });
      expect(err.message).to.include(`Reader at least) on the customer's subscription ${sub}`);
      expect(err.message).to.include('admin-on-behalf-of or a GDAP relationship');
    });

    it("is 'refused' for a subscription Azure does not know (404) or one in another customer's tenant (401)", async () => {
      const unknown = randomUUID();
      const notFound = await rejectionOf(azure().isOwner(customer, unknown, randomUUID()), CloudError);
      expect(notFound).to.include({ problem: 'refused', status: 404, serviceCode: 'SubscriptionNotFound' });
      expect(notFound.message).to.include(unknown);
      const elsewhere = subscription(otherCustomer);
      const wrongTenant = await rejectionOf(azure().hasOwners(customer, [elsewhere]), CloudError);
      expect(wrongTenant).to.include({ problem: 'refused', status: 401, serviceCode: 'InvalidAuthenticationTokenTenant' });
    });

    it("is 'unavailable' within the deadline when the token never comes, even from a credential that ignores the abort signal", async () => {
      const stuck: TokenCredential = { getToken: () => new Promise(() => undefined) };
      const started = Date.now();
      const err = await rejectionOf(new AzureResources(settings({ callTimeoutMs: 500 }), () => stuck).isOwner(customer, subscription(), randomUUID()), CloudError);
      expect(Date.now() - started).to.be.below(800);
      expect(err.problem).to.equal('unavailable');
    });

    it("is 'unavailable', naming the reservation, when Azure lists one the bot cannot read", async () => {
      const tenant = randomUUID();
      const { reservationId } = fake.buyInPortal(tenant, {
        sku: 'Standard_B2s', location: 'eastus', quantity: 1, term: 'P1Y', billingPlan: 'Upfront', billingScopeId: `/subscriptions/${randomUUID()}`, appliedScopeType: 'Shared',
      });
      fake.state.reservationOrders.get(tenant)![0]!.reservations[0]!.appliedScopeType = 'Galactic' as never;
      const err = await rejectionOf(azure().reservations(tenant), CloudError);
      expect(err.problem).to.equal('unavailable');
      expect(err.message).to.include(reservationId).and.to.include('Galactic');
    });

    it('does not keep failures: the next ask after one goes to Azure again', async () => {
      const sub = subscription();
      const user = randomUUID();
      fake.grantRole(sub, user, 'Owner');
      fake.fail(4, 500);
      const cloud = azure();
      expect((await rejectionOf(cloud.isOwner(customer, sub, user), CloudError)).problem).to.equal('unavailable');
      expect(await cloud.isOwner(customer, sub, user)).to.equal(true);
    });
  });

  describe('the fake itself', () => {
    it("answers 400 in ARM's error shape without api-version, and 401 without a token", async () => {
      const sub = subscription();
      const noVersion = await fetch(`${fake.url}/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments`, { headers: { authorization: 'Bearer x' } });
      expect(noVersion.status).to.equal(400);
      expect(await noVersion.json()).to.have.nested.property('error.code', 'MissingApiVersionParameter');
      const noToken = await fetch(`${fake.url}/providers/Microsoft.Capacity/reservationOrders?api-version=2022-11-01`);
      expect(noToken.status).to.equal(401);
      expect(await noToken.json()).to.have.nested.property('error.code', 'AuthenticationFailed');
    });
  });
});
