import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { entraIssuer, TokenVerifier, type TrustedIssuer, type Verification } from '../../bot/auth/tokenVerifier.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { issuerOf, testAudience, testEntra, type TestEntra } from '../helpers/testTokens.ts';
import { contosoId, partnerTenant, people } from '../helpers/testWorld.ts';

const ada = people.admin;
const carl = people.contosoUser;
const entraTemplate = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const seconds = (s: number) => s * 1000;

/** The reason of a refusal, or a failure naming the caller it was accepted for. */
function reasonOf(verification: Verification): string {
  if (verification.ok) expect.fail(`the token should have been refused, it was accepted for ${JSON.stringify(verification.caller)}`);
  return verification.reason;
}

describe('TokenVerifier', () => {
  let entra: TestEntra;
  const clock = fixedClock();
  const now = () => clock();
  let verifier: TokenVerifier;
  before(async () => {
    entra = await testEntra();
    verifier = new TokenVerifier([entra.trusted], clock);
  });
  beforeEach(() => clock.set('2026-11-24T09:00:00.000Z'));

  const bearer = (token: string) => `Bearer ${token}`;

  it("accepts a good token and returns the tenant id and user id it was signed for (the token's name claim is not used)", async () => {
    // The token itself comes back too: Partner Center writes are made on behalf of its user with it.
    const adas = await entra.token(ada, now());
    expect(await verifier.verify(bearer(adas))).to.deep.equal({ ok: true, caller: { tenantId: partnerTenant, userId: ada.userId, token: adas } });
    const carls = await entra.token(carl, now());
    expect(await verifier.verify(bearer(carls))).to.deep.equal({ ok: true, caller: { tenantId: contosoId, userId: carl.userId, token: carls } });
    // The scheme is case-insensitive (RFC 7235).
    expect(await verifier.verify(`bearer ${await entra.token(carl, now())}`)).to.deep.include({ ok: true });
  });

  it('refuses a missing header, another scheme, and a bearer that is no JWT, saying what to send', async () => {
    const good = await entra.token(ada, now());
    expect(reasonOf(await verifier.verify(undefined))).to.equal('Send a bearer token: an "Authorization: Bearer <token>" header.');
    expect(reasonOf(await verifier.verify(''))).to.include('Authorization: Bearer');
    expect(reasonOf(await verifier.verify(`Basic ${Buffer.from('ada:secret').toString('base64')}`))).to.include('Authorization: Bearer');
    expect(reasonOf(await verifier.verify(good)), 'a token without the Bearer scheme').to.include('Authorization: Bearer');
    expect(reasonOf(await verifier.verify('Bearer '))).to.include('Authorization: Bearer');
    expect(reasonOf(await verifier.verify('Bearer not-a-jwt'))).to.equal('The bearer token is not a JSON Web Token.');
    expect(reasonOf(await verifier.verify('Bearer aaa.bbb.ccc'))).to.equal('The bearer token is not a JSON Web Token.');
  });

  const refusedTokens: { what: string; token: () => Promise<string>; reason: RegExp }[] = [
    {
      what: 'an issuer this server does not trust',
      token: () => entra.token(ada, now(), { claims: { iss: 'https://evil.example/partner-tenant/v2.0' } }),
      reason: /^The token's issuer \(https:\/\/evil\.example\/partner-tenant\/v2\.0\) is not one this server trusts\.$/,
    },
    {
      what: "a trusted issuer template filled with another tenant than the token's tid",
      token: () => entra.token(ada, now(), { claims: { iss: issuerOf(contosoId) } }),
      reason: /^The token's issuer \(https:\/\/login\.microsoftonline\.com\/contoso-tenant\/v2\.0\) is not one this server trusts\.$/,
    },
    {
      what: 'no tid (the issuer template cannot be filled)',
      token: () => entra.token(ada, now(), { claims: { tid: undefined } }),
      reason: /is not one this server trusts/,
    },
    {
      what: 'another audience',
      token: () => entra.token(ada, now(), { claims: { aud: 'api://other.example/another-app' } }),
      reason: new RegExp(`^The token is for another audience; this server accepts ${testAudience}\\.$`),
    },
    {
      what: 'a signature by a key the server does not trust',
      token: () => entra.token(ada, now(), { key: entra.otherKey }),
      reason: /^The token signature does not verify\.$/,
    },
    {
      what: "a good token whose payload was changed after signing (Carl's signature, Ada's oid)",
      token: async () => {
        const [header, , signature] = (await entra.token(carl, now())).split('.');
        const payload = Buffer.from(JSON.stringify({ tid: partnerTenant, oid: ada.userId, iss: issuerOf(partnerTenant), aud: testAudience, iat: now().getTime() / 1000, exp: now().getTime() / 1000 + 3600 })).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
      reason: /^The token signature does not verify\.$/,
    },
    {
      what: 'expired 61 seconds ago (past the 60 s tolerance)',
      token: () => entra.token(ada, now(), { issuedAt: new Date(now().getTime() - seconds(3600 + 61)) }),
      reason: /^The token has expired: get a new one\.$/,
    },
    {
      what: 'not valid for another 2 minutes (nbf)',
      token: () => entra.token(ada, now(), { claims: { nbf: now().getTime() / 1000 + 120 } }),
      reason: /^The token is not valid yet\.$/,
    },
    {
      what: 'no oid claim (an app-only token)',
      token: () => entra.token(ada, now(), { claims: { oid: undefined } }),
      reason: /^The token has no tid and oid claims: use a token issued to a user\.$/,
    },
    {
      what: 'an oid that is not a string',
      token: () => entra.token(ada, now(), { claims: { oid: 42 } }),
      reason: /no tid and oid claims/,
    },
    {
      what: 'HS256 (a shared-secret algorithm the issuer does not use)',
      token: () => hs256Token({ tid: partnerTenant, oid: ada.userId, iss: issuerOf(partnerTenant), aud: testAudience }),
      reason: /^The token is signed with an algorithm this server does not accept \(RS256\)\.$/,
    },
    {
      what: 'alg "none" (unsigned)',
      token: async () => {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        const iat = Math.floor(now().getTime() / 1000);
        return `${part({ alg: 'none', typ: 'JWT' })}.${part({ tid: partnerTenant, oid: ada.userId, iss: issuerOf(partnerTenant), aud: testAudience, iat, exp: iat + 3600 })}.`;
      },
      reason: /^The token is signed with an algorithm this server does not accept \(RS256\)\.$/,
    },
  ];
  for (const { what, token, reason } of refusedTokens) {
    it(`refuses a token with ${what}`, async () => {
      expect(reasonOf(await verifier.verify(bearer(await token())))).to.match(reason);
    });
  }

  it('accepts a token within the 60 s clock tolerance: expired 59 s ago, or valid from 59 s ahead', async () => {
    const expiredJustNow = await entra.token(ada, now(), { issuedAt: new Date(now().getTime() - seconds(3600 + 59)) });
    expect(await verifier.verify(bearer(expiredJustNow))).to.deep.include({ ok: true });
    const notBeforeSoon = await entra.token(ada, now(), { claims: { nbf: now().getTime() / 1000 + 59 } });
    expect(await verifier.verify(bearer(notBeforeSoon))).to.deep.include({ ok: true });
  });

  it("checks time by the verifier's clock, not the machine's: the same token is good at 09:30 and expired at 10:02", async () => {
    const token = await entra.token(ada, now());
    clock.set('2026-11-24T09:30:00.000Z');
    expect(await verifier.verify(bearer(token))).to.deep.include({ ok: true });
    clock.set('2026-11-24T10:02:00.000Z');
    expect(reasonOf(await verifier.verify(bearer(token)))).to.include('expired');
  });

  it('an issuer with no keys is recognised, and its tokens are refused with its `unconfigured` reason', async () => {
    const unconfigured: TrustedIssuer = { audiences: [testAudience], issuers: ['https://unconfigured.example/{tenantid}'], algorithms: ['RS256'], unconfigured: 'Configure AUTH_JWKS to accept these tokens.' };
    const withIt = new TokenVerifier([entra.trusted, unconfigured], clock);
    const token = await entra.token(ada, now(), { claims: { iss: 'https://unconfigured.example/partner-tenant' } });
    expect(reasonOf(await withIt.verify(bearer(token)))).to.equal('Configure AUTH_JWKS to accept these tokens.');
    // The other issuer still works beside it.
    expect(await withIt.verify(bearer(await entra.token(ada, now())))).to.deep.include({ ok: true });
  });

  describe('entraIssuer (Entra ID as configured)', () => {
    let dir: string;
    let keys: { privateKey: CryptoKey; publicKey: CryptoKey };
    let jwksFile: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'csp-bot-jwks-'));
      keys = await generateKeyPair('RS256', { extractable: true });
      jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] }));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const settings = (jwks?: string, audiences = [testAudience]) => ({ audiences, issuers: [entraTemplate, 'https://sts.windows.net/{tenantid}/'], jwks });

    it('with a JWKS file: accepts tokens signed by its key, refuses those signed by another', async () => {
      const fromFile = new TokenVerifier([await entraIssuer(settings(jwksFile))], clock);
      expect(await fromFile.verify(bearer(await entra.token(carl, now(), { key: keys.privateKey })))).to.nested.include({ ok: true, 'caller.tenantId': contosoId, 'caller.userId': carl.userId });
      const v1 = await entra.token(carl, now(), { key: keys.privateKey, claims: { iss: `https://sts.windows.net/${contosoId}/` } });
      expect(await fromFile.verify(bearer(v1)), 'a v1.0 token (sts.windows.net issuer)').to.deep.include({ ok: true });
      expect(reasonOf(await fromFile.verify(bearer(await entra.token(carl, now()))))).to.equal('The token signature does not verify.');
    });

    it('a missing JWKS file is an error naming AUTH_JWKS and the file', async () => {
      const missing = join(dir, 'no-such-file.json');
      const err = await entraIssuer(settings(missing)).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).to.match(/^AUTH_JWKS: cannot read /).and.include(missing);
    });

    for (const [what, text] of [
      ['not JSON', 'this is not json'],
      ['JSON that is not a key set', '{"hello": "world"}'],
      ['a key set whose keys is not a list', '{"keys": "none"}'],
    ] as const) {
      it(`a JWKS file that is ${what} is an error naming AUTH_JWKS`, async () => {
        const file = join(dir, 'bad.json');
        await writeFile(file, text);
        const err = await entraIssuer(settings(file)).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.message).to.match(/^AUTH_JWKS: /).and.include('is not a JSON Web Key Set');
      });
    }

    it('without keys or without an audience: recognised but unconfigured, the reason naming what to set', async () => {
      const noKeys = await entraIssuer(settings(undefined));
      expect(noKeys.keys).to.equal(undefined);
      expect(noKeys.unconfigured).to.include('AUTH_JWKS');
      const noAudience = await entraIssuer(settings(jwksFile, []));
      expect(noAudience.keys).to.equal(undefined);
      expect(noAudience.unconfigured).to.include('AUTH_AUDIENCE');

      const token = await entra.token(ada, now(), { key: keys.privateKey });
      expect(reasonOf(await new TokenVerifier([noKeys], clock).verify(bearer(token)))).to.equal(noKeys.unconfigured);
      expect(reasonOf(await new TokenVerifier([noAudience], clock).verify(bearer(token)))).to.equal(noAudience.unconfigured);
    });
  });
});

function hs256Token(claims: Record<string, string>): Promise<string> {
  const iat = Math.floor(fixedClock()().getTime() / 1000);
  return new SignJWT({ ...claims, iat, exp: iat + 3600 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a shared secret of at least thirty-two bytes'));
}
