import { expect } from 'chai';
import { CloudError, type CloudCall } from '../../services/microsoftCloud.ts';
import { CloudTokens } from '../../services/cloud/cloudTokens.ts';
import { cloudDefaults, type CloudSettings } from '../../services/cloud/cloudSettings.ts';
import { PartnerCenterClient } from '../../services/cloud/partnerCenterClient.ts';
import { startFakeEntra, type FakeEntra } from '../fakes/fakeEntra.ts';
import { azurePlan, startFakePartnerCenter, type CustomerSeed, type FakePartnerCenter } from '../fakes/fakePartnerCenter.ts';
import type { RecordedRequest } from '../fakes/loopbackServer.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const partnerTenantId = '11111111-1111-4111-8111-111111111111';
const clientId = '33333333-3333-4333-8333-333333333333';
const agent = { tenantId: partnerTenantId, userId: '44444444-4444-4444-8444-444444444444', name: 'Ada Admin' };
const contoso = 'c0000000-0000-4000-8000-000000000001';
const fabrikam = 'c0000000-0000-4000-8000-000000000002';
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const seed = (): CustomerSeed[] => [
  {
    id: contoso,
    name: 'Contoso Ltd',
    domain: 'contoso.onmicrosoft.com',
    subscriptions: [
      { id: 'plan-contoso', ...azurePlan, entitlements: [{ id: 'a0000000-0000-4000-8000-000000000001', friendlyName: 'Contoso Production' }, { id: 'a0000000-0000-4000-8000-000000000002', friendlyName: 'Contoso Test', status: 'suspended' }] },
      { id: 'm365-contoso', offerName: 'Microsoft 365 Business Premium', billingType: 'license', quantity: 25 },
    ],
  },
  { id: fabrikam, name: 'Fabrikam Inc', domain: 'fabrikam.onmicrosoft.com', subscriptions: [{ id: 'plan-fabrikam', ...azurePlan, status: 'suspended', entitlements: [{ id: 'a0000000-0000-4000-8000-000000000003', friendlyName: 'Fabrikam Main' }] }], permissions: ['AzureSavingsPlan'] },
  ...[3, 4, 5].map((n) => ({ id: `c0000000-0000-4000-8000-00000000000${n}`, name: `Customer ${n}`, domain: `customer${n}.example`, subscriptions: [] })),
];

describe('Partner Center client (against fake Partner Center and Entra ID)', () => {
  let entra: FakeEntra;
  let pc: FakePartnerCenter;
  let settings: CloudSettings;
  let client: PartnerCenterClient;
  let call: CloudCall;

  before(async () => {
    entra = await startFakeEntra();
    entra.registerApp({ clientId, tenantId: partnerTenantId, secret: 'the-secret' });
    entra.registerRefreshToken('the-account-refresh-token', agent);
  });
  beforeEach(async () => {
    pc = await startFakePartnerCenter({ entra, partnerTenantId, clientId, customers: seed(), maxPageSize: 2 });
    settings = { ...cloudDefaults, partnerTenantId, clientId, credential: { secret: 'the-secret' }, authorityHost: entra.authorityHost, partnerCenterUrl: pc.url, accountRefreshToken: 'the-account-refresh-token', attemptTimeoutMs: 400, callTimeoutMs: 1200 };
    client = new PartnerCenterClient(settings, new CloudTokens(settings));
    call = { correlationId: 'corr-1', userToken: await entra.issueUserToken(agent, { audience: `api://bot.test/${clientId}` }) };
  });
  afterEach(() => pc.close());
  after(() => entra.close());

  const writes = () => pc.requests.filter((r) => r.method !== 'GET');

  it('lists every customer through the pages, with Azure plan entitlements as subscriptions and the permissions of their policies', async () => {
    const { customers, unread } = await client.customers({ correlationId: 'sync-1' });
    expect(unread).to.deep.equal([]);
    expect(customers.map((c) => c.name)).to.deep.equal(['Contoso Ltd', 'Fabrikam Inc', 'Customer 3', 'Customer 4', 'Customer 5']);
    const [first, second] = customers;
    expect(first).to.deep.include({ id: contoso, domain: 'contoso.onmicrosoft.com', permissions: { AzureReservedInstances: false, AzureSavingsPlan: false } });
    expect(first!.subscriptions).to.deep.equal([
      { id: 'a0000000-0000-4000-8000-000000000001', name: 'Contoso Production', offer: 'AzurePlan', usageBased: true, status: 'active' },
      { id: 'a0000000-0000-4000-8000-000000000002', name: 'Contoso Test', offer: 'AzurePlan', usageBased: true, status: 'suspended' },
      { id: 'm365-contoso', name: 'Microsoft 365 Business Premium', offer: 'Microsoft 365 Business Premium', usageBased: false, status: 'active' },
    ]);
    expect(second!.permissions).to.deep.equal({ AzureReservedInstances: false, AzureSavingsPlan: true });
    expect(second!.subscriptions[0]!.status, "a suspended plan suspends its entitlements").to.equal('suspended');

    const pages = pc.requests.filter((r) => r.path === '/v1/customers');
    expect(pages).to.have.length(3);
    expect(pages[1]!.headers['ms-continuationtoken']).to.be.a('string');
    for (const r of pc.requests) {
      expect(r.headers['ms-correlationid']).to.equal('sync-1');
      expect(String(r.headers['ms-requestid'])).to.match(guid);
      expect(r.headers.accept).to.equal('application/json');
    }
  });

  it('a customer whose subscriptions Partner Center will not show is listed as unread, with why, and the others are read', async () => {
    pc.fail(1, 403, (r) => r.path === `/v1/customers/${fabrikam}/subscriptions`);
    const { customers, unread } = await client.customers({ correlationId: 'sync-2' });
    expect(customers.map((c) => c.name)).to.deep.equal(['Contoso Ltd', 'Customer 3', 'Customer 4', 'Customer 5']);
    expect(unread).to.have.length(1);
    expect(unread[0]).to.deep.include({ id: fabrikam, name: 'Fabrikam Inc' });
    expect(unread[0]!.reason).to.match(/HTTP 403/);
  });

  it('reads policies with the agent\'s own sign-in when given; without it or a configured account it says what to set', async () => {
    await client.customers(call);
    const withoutAccount = new PartnerCenterClient({ ...settings, accountRefreshToken: undefined }, new CloudTokens(settings));
    const err = await rejectionOf(withoutAccount.customers({ correlationId: 'c' }), CloudError);
    expect(err.problem).to.equal('signInRequired');
    expect(err.message).to.contain('PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN');
  });

  it('turns a permission on with a POST of the documented body, carrying an MS-RequestId', async () => {
    expect(await client.setPermission(call, contoso, 'AzureReservedInstances', true)).to.deep.equal({ changed: true });
    expect(pc.state.policyOf(contoso)).to.deep.equal(['AzureReservedInstances']);
    const [post] = writes();
    expect(post).to.include({ method: 'POST', path: '/v1/SelfServePolicy', status: 201 });
    expect(String(post!.headers['ms-requestid'])).to.match(guid);
    expect(JSON.parse(post!.body)).to.deep.equal({
      selfServeEntity: { selfServeEntityType: 'customer', tenantID: contoso },
      grantor: { grantorType: 'billToPartner', tenantID: partnerTenantId },
      permissions: [{ resource: 'AzureReservedInstances', action: 'Purchase' }],
    });
  });

  it('after a 429 with Retry-After, retries the POST with the same MS-RequestId, and one policy exists', async () => {
    const before = pc.state.policyCount();
    pc.requests.length = 0;
    pc.throttle(1, 0, isWrite);
    expect(await client.setPermission(call, contoso, 'AzureReservedInstances', true)).to.deep.equal({ changed: true });
    const posts = writes();
    expect(posts.map((r) => r.status)).to.deep.equal([429, 201]);
    expect(posts[0]!.headers['ms-requestid']).to.equal(posts[1]!.headers['ms-requestid']);
    expect(pc.state.policyCount()).to.equal(before + 1);
  });

  it('a POST whose answer was lost is retried with the same MS-RequestId: Partner Center answers it again and does it once', async () => {
    const before = pc.state.policyCount();
    pc.requests.length = 0;
    pc.hang(1, isWrite);
    expect(await client.setPermission(call, contoso, 'AzureReservedInstances', true)).to.deep.equal({ changed: true });
    const posts = writes();
    expect(posts).to.have.length(2);
    expect(posts[0]!.headers['ms-requestid']).to.equal(posts[1]!.headers['ms-requestid']);
    expect(pc.state.policyCount()).to.equal(before + 1);
  });

  it('a second resource is a PUT with the etag; turning one of two off is a PUT; the last one off is a DELETE', async () => {
    await client.setPermission(call, contoso, 'AzureReservedInstances', true);
    expect(await client.setPermission(call, contoso, 'AzureSavingsPlan', true)).to.deep.equal({ changed: true });
    const put = writes().at(-1)!;
    expect(put).to.include({ method: 'PUT', path: `/v1/SelfServePolicy/${partnerTenantId}_${contoso}`, status: 200 });
    expect(put.headers['if-match']).to.be.a('string');
    expect(pc.state.policyOf(contoso)).to.have.members(['AzureReservedInstances', 'AzureSavingsPlan']);

    expect(await client.setPermission(call, contoso, 'AzureReservedInstances', false)).to.deep.equal({ changed: true });
    expect(writes().at(-1)).to.include({ method: 'PUT', status: 200 });
    expect(pc.state.policyOf(contoso)).to.deep.equal(['AzureSavingsPlan']);

    expect(await client.setPermission(call, contoso, 'AzureSavingsPlan', false)).to.deep.equal({ changed: true });
    expect(writes().at(-1)).to.include({ method: 'DELETE', status: 204 });
    expect(pc.state.policyOf(contoso)).to.equal(undefined);
  });

  it('what is already so changes nothing, also when someone else made it so meanwhile (409 600041, 404 600039)', async () => {
    expect(await client.setPermission(call, fabrikam, 'AzureSavingsPlan', true)).to.deep.equal({ changed: false });
    expect(await client.setPermission(call, contoso, 'AzureSavingsPlan', false)).to.deep.equal({ changed: false });
    expect(writes()).to.have.length(0);

    // Created in the dashboard between the bot's read and its POST: 409 with 600041.
    pc.beforeHandling((r) => r.method === 'POST' && pc.state.createPolicy(contoso, ['AzureReservedInstances']));
    expect(await client.setPermission(call, contoso, 'AzureReservedInstances', true)).to.deep.equal({ changed: false });
    expect(writes().at(-1)).to.include({ method: 'POST', status: 409 });

    // Deleted in the dashboard between the bot's read and its DELETE: 404 with 600039.
    pc.beforeHandling((r) => r.method === 'DELETE' && pc.state.deletePolicy(fabrikam));
    expect(await client.setPermission(call, fabrikam, 'AzureSavingsPlan', false)).to.deep.equal({ changed: false });
    expect(writes().at(-1)).to.include({ method: 'DELETE', status: 404 });
    pc.beforeHandling(undefined);
  });

  it("a refusal quotes Partner Center's description", async () => {
    // Not a customer of this partner: Partner Center answers 400 with its error body.
    const err = await rejectionOf(client.setPermission(call, 'c0000000-0000-4000-8000-0000000000ff', 'AzureSavingsPlan', true), CloudError);
    expect(err).to.include({ problem: 'refused', status: 400, serviceCode: '400' });
    expect(err.message).to.match(/^Partner Center said "selfServeEntity must name a customer of the partner/);
  });

  it('a self-serve policy read with an app-only token is refused (403) with the description', async () => {
    class AppOnly extends CloudTokens {
      override onBehalfOf(resource: string) {
        return this.app(resource, partnerTenantId);
      }
    }
    const err = await rejectionOf(new PartnerCenterClient(settings, new AppOnly(settings)).setPermission(call, contoso, 'AzureSavingsPlan', true), CloudError);
    expect(err).to.include({ problem: 'refused', status: 403, serviceCode: '403' });
    expect(err.message).to.contain('App+User');
  });

  it('without the agent\'s own sign-in a change is signInRequired', async () => {
    const err = await rejectionOf(client.setPermission({ correlationId: 'c' }, contoso, 'AzureSavingsPlan', true), CloudError);
    expect(err.problem).to.equal('signInRequired');
    expect(writes()).to.have.length(0);
  });

  it('Partner Center down is unavailable before the call deadline', async () => {
    await pc.down();
    const started = Date.now();
    const err = await rejectionOf(client.customers({ correlationId: 'c' }), CloudError);
    expect(err.problem).to.equal('unavailable');
    expect(Date.now() - started).to.be.lessThan(settings.callTimeoutMs + 300);
  });

  it('throttled longer than the deadline allows fails at once, saying when to try again', async () => {
    pc.throttle(5, 30);
    const started = Date.now();
    const err = await rejectionOf(client.customers({ correlationId: 'c' }), CloudError);
    expect(err.problem).to.equal('unavailable');
    expect(err.message).to.contain('busy (throttled); try again in 30 s');
    expect(Date.now() - started).to.be.lessThan(500);
  });

  it('no answer: a write is unknownOutcome, a read unavailable, both within the deadline', async () => {
    pc.hang(100, isWrite);
    let started = Date.now();
    const lost = await rejectionOf(client.setPermission(call, contoso, 'AzureReservedInstances', true), CloudError);
    expect(lost.problem).to.equal('unknownOutcome');
    expect(Date.now() - started).to.be.lessThan(settings.callTimeoutMs + 300);

    pc.hang(100);
    started = Date.now();
    const read = await rejectionOf(client.customers({ correlationId: 'c' }), CloudError);
    expect(read.problem).to.equal('unavailable');
    expect(Date.now() - started).to.be.lessThan(3 * settings.callTimeoutMs);
  });

  it('5xx answers are retried, and a lasting one is unavailable', async () => {
    pc.fail(1, 503);
    expect((await client.customers({ correlationId: 'c' })).customers).to.have.length(5);
    pc.fail(100, 500);
    const err = await rejectionOf(client.customers({ correlationId: 'c' }), CloudError);
    expect(err.problem).to.equal('unavailable');
    expect(err.message).to.contain('HTTP 500');
  });
});

const isWrite = (r: RecordedRequest) => r.method !== 'GET';
