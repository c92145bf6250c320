import { expect } from 'chai';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startFakeEntra, type FakeEntra } from './fakeEntra.ts';

const tenantId = '11111111-1111-4111-8111-111111111111';
const user = { tenantId, userId: '44444444-4444-4444-8444-444444444444', name: 'Ada Admin' };

describe('fake Entra ID', () => {
  let entra: FakeEntra;
  before(async () => {
    entra = await startFakeEntra();
    entra.registerApp({ clientId: 'app-1', tenantId, secret: 's3cret' });
  });
  after(() => entra.close());

  it("serves a tenant's OpenID configuration and the keys that verify the user tokens it issues", async () => {
    const config = (await (await fetch(`${entra.authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(config).to.include({ issuer: `${entra.authorityHost}/${tenantId}/v2.0`, token_endpoint: `${entra.authorityHost}/${tenantId}/oauth2/v2.0/token` });
    const keys = createLocalJWKSet(await (await fetch(config.jwks_uri!)).json());
    const token = await entra.issueUserToken(user, { audience: 'api://bot.test/app-1' });
    const { payload } = await jwtVerify(token, keys, { audience: 'api://bot.test/app-1', issuer: entra.issuerPattern.replace('{tenantid}', tenantId) });
    expect(payload).to.include({ tid: tenantId, oid: user.userId, name: 'Ada Admin' });
    expect(await entra.verify(token, { audience: 'api://another' })).to.equal(undefined);
  });

  it("answers token errors in Entra's shape (error, AADSTS description, error_codes)", async () => {
    const answer = await fetch(`${entra.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: 'app-1', client_secret: 'wrong', grant_type: 'client_credentials', scope: 'https://api.partnercenter.microsoft.com/.default' }),
    });
    expect(answer.status).to.equal(401);
    const body = (await answer.json()) as { error: string; error_description: string; error_codes: number[] };
    expect(body.error).to.equal('invalid_client');
    expect(body.error_description).to.match(/^AADSTS7000215: /);
    expect(body.error_codes).to.deep.equal([7000215]);
  });
});
