import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CloudError } from '../../services/microsoftCloud.ts';
import { CloudTokens } from '../../services/cloud/cloudTokens.ts';
import { cloudDefaults, type CloudSettings } from '../../services/cloud/cloudSettings.ts';
import { startFakeEntra, type FakeEntra } from '../fakes/fakeEntra.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const partnerTenantId = '11111111-1111-4111-8111-111111111111';
const customerTenantId = '22222222-2222-4222-8222-222222222222';
const clientId = '33333333-3333-4333-8333-333333333333';
const partnerCenter = 'https://api.partnercenter.microsoft.com';
const agent = { tenantId: partnerTenantId, userId: '44444444-4444-4444-8444-444444444444', name: 'Ada Admin' };
const certificatePem = readFileSync(new URL('../fakes/tls/loopback-cert.pem', import.meta.url), 'utf8');
const privateKeyPem = readFileSync(new URL('../fakes/tls/loopback-key.pem', import.meta.url), 'utf8');

describe('cloud tokens (msal-node against a fake Entra ID)', () => {
  let entra: FakeEntra;
  before(async () => {
    entra = await startFakeEntra();
    entra.registerApp({ clientId, tenantId: partnerTenantId, secret: 'the-right-secret', certificatePem });
  });
  after(() => entra.close());

  const settings = (overrides: Partial<CloudSettings> = {}): CloudSettings => ({
    ...cloudDefaults,
    partnerTenantId,
    clientId,
    credential: { secret: 'the-right-secret' },
    authorityHost: entra.authorityHost,
    ...overrides,
  });

  it('gets an app-only token with the client secret, for the tenant asked (the partner, or a customer)', async () => {
    const tokens = new CloudTokens(settings());
    const claims = await entra.verify(await tokens.app(partnerCenter, partnerTenantId), { audience: partnerCenter });
    expect(claims).to.include({ tid: partnerTenantId, appid: clientId, idtyp: 'app' });
    expect(claims).not.to.have.property('scp');
    const inCustomer = await entra.verify(await tokens.app('https://management.azure.com', customerTenantId), { audience: 'https://management.azure.com' });
    expect(inCustomer).to.include({ tid: customerTenantId });
  });

  it('asks Entra ID once and then uses its cache, and never calls the instance discovery of login.microsoftonline.com', async () => {
    const tokens = new CloudTokens(settings());
    const before = entra.requests.length;
    await tokens.app(partnerCenter, partnerTenantId);
    await tokens.app(partnerCenter, partnerTenantId);
    const asked = entra.requests.slice(before).filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(asked).to.have.length(1);
    expect(entra.requests.some((r) => r.path.includes('discovery/instance'))).to.equal(false);
  });

  it('gets an app-only token with a certificate (a signed client assertion, SHA-256 thumbprint)', async () => {
    const tokens = new CloudTokens(settings({ credential: { certificatePem, privateKeyPem } }));
    const claims = await entra.verify(await tokens.app(partnerCenter, partnerTenantId), { audience: partnerCenter });
    expect(claims).to.include({ appid: clientId, idtyp: 'app' });
    const sent = new URLSearchParams(entra.requests.at(-1)!.body);
    expect(sent.get('client_assertion_type')).to.equal('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(sent.has('client_secret')).to.equal(false);
  });

  it('a wrong client secret is refused, naming the setting and not printing the secret', async () => {
    const err = await rejectionOf(new CloudTokens(settings({ credential: { secret: 'a-wrong-secret' } })).app(partnerCenter, partnerTenantId), CloudError);
    expect(err.problem).to.equal('refused');
    expect(err.message).to.contain('PARTNER_CENTER_CLIENT_SECRET').and.contain('AADSTS7000215');
    expect(err.message).not.to.contain('a-wrong-secret');
  });

  it("exchanges the agent's own token on behalf of them for a delegated Partner Center token", async () => {
    const userToken = await entra.issueUserToken(agent, { audience: `api://bot.test/${clientId}` });
    const claims = await entra.verify(await new CloudTokens(settings()).onBehalfOf(partnerCenter, userToken), { audience: partnerCenter });
    expect(claims).to.include({ tid: partnerTenantId, oid: agent.userId, name: 'Ada Admin', appid: clientId });
    expect(claims?.scp).to.be.a('string');
    const sent = new URLSearchParams(entra.requests.at(-1)!.body);
    expect(sent.get('grant_type')).to.equal('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(sent.get('requested_token_use')).to.equal('on_behalf_of');
  });

  it('an expired user token, or one for another app, asks the agent to sign in again', async () => {
    const tokens = new CloudTokens(settings());
    const expired = await entra.issueUserToken(agent, { audience: clientId, expiresInS: -120 });
    const foreign = await entra.issueUserToken(agent, { audience: 'api://other.app/55555555-5555-4555-8555-555555555555' });
    for (const userToken of [expired, foreign, 'not-a-token']) {
      const err = await rejectionOf(tokens.onBehalfOf(partnerCenter, userToken), CloudError);
      expect(err.problem, userToken.slice(0, 20)).to.equal('signInRequired');
      expect(err.message).to.contain('sign in again');
    }
  });

  it("uses the configured account's refresh token for a delegated token, and says what to set without one", async () => {
    entra.registerRefreshToken('the-consented-refresh-token', agent);
    const tokens = new CloudTokens(settings({ accountRefreshToken: 'the-consented-refresh-token' }));
    const claims = await entra.verify(await tokens.account(partnerCenter), { audience: partnerCenter });
    expect(claims).to.include({ oid: agent.userId, tid: partnerTenantId });
    expect(claims?.scp).to.be.a('string');
    expect(await tokens.account(partnerCenter)).to.be.a('string');

    const none = await rejectionOf(new CloudTokens(settings()).account(partnerCenter), CloudError);
    expect(none).to.include({ problem: 'signInRequired' });
    expect(none.message).to.contain('PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN');
    const revoked = await rejectionOf(new CloudTokens(settings({ accountRefreshToken: 'a-revoked-one' })).account(partnerCenter), CloudError);
    expect(revoked).to.include({ problem: 'signInRequired' });
    expect(revoked.message).to.contain('PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN');
  });

  it('is a TokenCredential for the Azure SDK clients', async () => {
    const token = await new CloudTokens(settings()).credential(customerTenantId).getToken('https://management.azure.com/.default');
    expect(token?.expiresOnTimestamp).to.be.greaterThan(Date.now());
    expect(await entra.verify(token!.token, { audience: 'https://management.azure.com' })).to.include({ tid: customerTenantId });
  });

  it('Entra ID down is unavailable, within the deadline', async () => {
    await entra.down();
    try {
      const started = Date.now();
      const err = await rejectionOf(new CloudTokens(settings({ callTimeoutMs: 800, attemptTimeoutMs: 400 })).app(partnerCenter, customerTenantId), CloudError);
      expect(err.problem).to.equal('unavailable');
      expect(Date.now() - started).to.be.lessThan(1500);
    } finally {
      await entra.up();
    }
  });
});
