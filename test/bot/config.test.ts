import { expect } from 'chai';
import { readConfig } from '../../bot/config.ts';

const appId = '00000000-0000-4000-8000-000000000001';
const entraIssuers = ['https://login.microsoftonline.com/{tenantid}/v2.0', 'https://sts.windows.net/{tenantid}/'];

/** What readConfig throws for `env`, or a failure if it does not throw. */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  expect.fail(`readConfig(${JSON.stringify(env)}) should have refused the configuration`);
}

describe('readConfig', () => {
  it('with nothing set: local development on loopback, no token audience, the two Entra ID issuers, no keys, no development sign-in', () => {
    const config = readConfig({});
    expect(config).to.deep.include({ port: 3978, host: '127.0.0.1', dataDir: './.data', localDevelopment: true, devSignIn: false });
    expect(config.tokens).to.deep.equal({ audiences: [], issuers: entraIssuers, jwks: undefined });
  });

  const audienceCases: { given: NodeJS.ProcessEnv; audiences: string[] }[] = [
    { given: { MicrosoftAppId: appId }, audiences: [] },
    { given: { PUBLIC_HOST: 'bot.contoso-partner.com' }, audiences: [] },
    { given: { MicrosoftAppId: appId, PUBLIC_HOST: 'bot.contoso-partner.com' }, audiences: [`api://bot.contoso-partner.com/${appId}`, appId] },
    { given: { MicrosoftAppId: appId, PUBLIC_HOST: 'localhost:3978' }, audiences: [`api://localhost:3978/${appId}`, appId] },
    { given: { AUTH_AUDIENCE: 'api://a.example/1, api://b.example/2,,3 ' }, audiences: ['api://a.example/1', 'api://b.example/2', '3'] },
    { given: { MicrosoftAppId: appId, PUBLIC_HOST: 'bot.contoso-partner.com', AUTH_AUDIENCE: 'only-this' }, audiences: ['only-this'] },
  ];
  for (const { given, audiences } of audienceCases) {
    it(`token audiences from ${JSON.stringify(given)}: ${JSON.stringify(audiences)}`, () => {
      expect(readConfig(given).tokens.audiences).to.deep.equal(audiences);
    });
  }

  it('without DATABASE_URL the embedded store in DATA_DIR; with it PostgreSQL, with a pool of 10, 10 s statements, 30 s idle transactions, 5 s to connect', () => {
    expect(readConfig({ DATA_DIR: '/var/bot' })).to.deep.include({ dataDir: '/var/bot', database: undefined });
    expect(readConfig({ DATABASE_URL: '' }).database).to.equal(undefined);
    expect(readConfig({ DATABASE_URL: 'postgres://bot:secret@db.example:5432/csp_bot' }).database).to.deep.equal({
      url: 'postgres://bot:secret@db.example:5432/csp_bot',
      options: { poolSize: 10, statementTimeoutMs: 10_000, idleInTransactionTimeoutMs: 30_000, connectTimeoutMs: 5_000 },
    });
    const tuned = readConfig({ DATABASE_URL: 'postgresql://db/bot', DATABASE_POOL_SIZE: '25', DATABASE_STATEMENT_TIMEOUT_MS: '2000', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '4000', DATABASE_CONNECT_TIMEOUT_MS: '1500' });
    expect(tuned.database!.options).to.deep.equal({ poolSize: 25, statementTimeoutMs: 2000, idleInTransactionTimeoutMs: 4000, connectTimeoutMs: 1500 });
  });

  it('a DATABASE_URL that is not postgres://, or a pool or timeout out of range, stops start-up naming the variable', () => {
    expect(refusal({ DATABASE_URL: 'mysql://db/bot' })).to.match(/DATABASE_URL: a postgres:\/\/ URL/);
    expect(refusal({ DATABASE_URL: 'postgres://db/bot', DATABASE_POOL_SIZE: '0' })).to.match(/DATABASE_POOL_SIZE/);
    expect(refusal({ DATABASE_URL: 'postgres://db/bot', DATABASE_STATEMENT_TIMEOUT_MS: 'soon' })).to.match(/DATABASE_STATEMENT_TIMEOUT_MS/);
  });

  it('AUTH_ISSUER and AUTH_JWKS replace the defaults', () => {
    const config = readConfig({ AUTH_ISSUER: 'https://issuer.example/{tenantid}, https://other.example/', AUTH_JWKS: '/keys/jwks.json' });
    expect(config.tokens).to.deep.include({ issuers: ['https://issuer.example/{tenantid}', 'https://other.example/'], jwks: '/keys/jwks.json' });
  });

  it('with a MicrosoftAppId: not local development, listening on every interface', () => {
    expect(readConfig({ MicrosoftAppId: appId })).to.deep.include({ localDevelopment: false, host: '0.0.0.0', devSignIn: false });
  });

  for (const host of ['https://bot.contoso-partner.com', 'bot.contoso-partner.com/path', 'http://bot.example:3978']) {
    it(`PUBLIC_HOST "${host}" is refused, naming PUBLIC_HOST and what it should be`, () => {
      expect(refusal({ MicrosoftAppId: appId, PUBLIC_HOST: host })).to.match(/^Bad configuration:\nPUBLIC_HOST: a host name with an optional port, without https:\/\//);
    });
  }

  it('DEV_SIGN_IN=on is refused when MicrosoftAppId is set, the message naming DEV_SIGN_IN', () => {
    const message = refusal({ MicrosoftAppId: appId, DEV_SIGN_IN: 'on' });
    expect(message).to.include('DEV_SIGN_IN').and.include('local development').and.include('MicrosoftAppId');
  });

  it('DEV_SIGN_IN=on is accepted in local development (no MicrosoftAppId); off and empty mean off', () => {
    expect(readConfig({ DEV_SIGN_IN: 'on' }).devSignIn).to.equal(true);
    expect(readConfig({ DEV_SIGN_IN: 'off' }).devSignIn).to.equal(false);
    expect(readConfig({ DEV_SIGN_IN: '' }).devSignIn).to.equal(false);
    expect(readConfig({ MicrosoftAppId: appId, DEV_SIGN_IN: 'off' }).devSignIn).to.equal(false);
  });

  it('DEV_SIGN_IN with another value is refused, naming DEV_SIGN_IN', () => {
    expect(refusal({ DEV_SIGN_IN: 'yes' })).to.match(/\nDEV_SIGN_IN: /);
  });
});

describe('readConfig: Partner Center mode', () => {
  const credentials = { PARTNER_TENANT_ID: 'partner-tenant', PARTNER_CENTER_CLIENT_ID: appId, PARTNER_CENTER_CLIENT_SECRET: 's3cr3t-value' };

  it('is off without any of its credentials: the demo world, exactly as before', () => {
    expect(readConfig({}).cloud).to.equal(undefined);
    expect(readConfig({ PARTNER_CENTER_URL: 'https://pc.staging.example' }).cloud, 'an endpoint alone turns nothing on').to.equal(undefined);
  });

  it('is on with a tenant, an app and a secret; the real endpoints by default, a sync every 10 minutes', () => {
    expect(readConfig(credentials).cloud).to.deep.equal({
      partnerTenantId: 'partner-tenant',
      clientId: appId,
      credential: { secret: 's3cr3t-value' },
      accountRefreshToken: undefined,
      partnerCenterUrl: 'https://api.partnercenter.microsoft.com',
      resourceManagerUrl: 'https://management.azure.com',
      authorityHost: 'https://login.microsoftonline.com',
      syncIntervalMs: 600_000,
      singleSignOn: { connectionName: 'PartnerCenter', resource: undefined },
    });
  });

  it('takes the endpoints of fakes or staging (without a trailing slash), a certificate, and single sign-on from the app id URI', () => {
    const cloud = readConfig({
      ...credentials,
      PARTNER_CENTER_CLIENT_SECRET: '',
      PARTNER_CENTER_CERTIFICATE_PATH: '/etc/bot/pc.pem',
      PARTNER_CENTER_URL: 'https://127.0.0.1:4443/',
      AZURE_RESOURCE_MANAGER_URL: 'https://127.0.0.1:4444',
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:4445',
      SYNC_INTERVAL_MINUTES: '5',
      MicrosoftAppId: appId,
      PUBLIC_HOST: 'bot.contoso-partner.com',
    }).cloud!;
    expect(cloud).to.deep.include({ credential: { certificatePath: '/etc/bot/pc.pem' }, partnerCenterUrl: 'https://127.0.0.1:4443', resourceManagerUrl: 'https://127.0.0.1:4444', authorityHost: 'https://127.0.0.1:4445', syncIntervalMs: 300_000 });
    expect(cloud.singleSignOn).to.deep.equal({ connectionName: 'PartnerCenter', resource: `api://bot.contoso-partner.com/${appId}` });
  });

  const refusals: { given: NodeJS.ProcessEnv; says: RegExp }[] = [
    { given: { PARTNER_CENTER_CLIENT_ID: appId }, says: /Partner Center mode also needs PARTNER_TENANT_ID .*; PARTNER_CENTER_CLIENT_SECRET or PARTNER_CENTER_CERTIFICATE_PATH/ },
    { given: { PARTNER_TENANT_ID: 'partner-tenant', PARTNER_CENTER_CLIENT_SECRET: 's3cr3t-value' }, says: /needs PARTNER_CENTER_CLIENT_ID \(the application id/ },
    { given: { ...credentials, PARTNER_CENTER_CERTIFICATE_PATH: '/etc/bot/pc.pem' }, says: /both set: set one/ },
    { given: { ...credentials, PARTNER_CENTER_URL: 'http://127.0.0.1:4443' }, says: /PARTNER_CENTER_URL: an https URL/ },
    { given: { ...credentials, AZURE_AUTHORITY_HOST: 'login.microsoftonline.com' }, says: /AZURE_AUTHORITY_HOST: an https URL/ },
    { given: { ...credentials, SYNC_INTERVAL_MINUTES: '0' }, says: /SYNC_INTERVAL_MINUTES/ },
  ];
  for (const { given, says } of refusals) {
    it(`refuses ${JSON.stringify(given)}, saying what to set`, () => {
      const message = refusal(given);
      expect(message).to.match(says);
      expect(message, 'a secret is never printed').not.to.include('s3cr3t-value');
    });
  }
});
