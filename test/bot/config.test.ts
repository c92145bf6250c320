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
