import { generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { TrustedIssuer } from '../../bot/auth/tokenVerifier.ts';
import type { TestUser } from './testWorld.ts';

export const testAudience = 'api://bot.test/00000000-0000-4000-8000-000000000001';
export const issuerOf = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

export interface TokenOptions {
  /** Claims to set or override (aud, iss, tid, oid, exp ...). */
  claims?: JWTPayload;
  /** Sign with another key than the trusted one (a forged token). */
  key?: CryptoKey;
  /** When the token was issued (default: `now`); it lasts an hour. */
  issuedAt?: Date;
}

/** Plays Entra ID: a key pair made by the test, the issuer the server trusts with it, and tokens for test users. */
export interface TestEntra {
  trusted: TrustedIssuer;
  token(user: TestUser, now: Date, options?: TokenOptions): Promise<string>;
  /** A key the server does not trust. */
  otherKey: CryptoKey;
}

export async function testEntra(): Promise<TestEntra> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  return {
    trusted: { audiences: [testAudience], issuers: ['https://login.microsoftonline.com/{tenantid}/v2.0'], algorithms: ['RS256'], keys: async () => publicKey },
    otherKey: other.privateKey,
    token(user, now, { claims = {}, key = privateKey, issuedAt = now } = {}) {
      const iat = Math.floor(issuedAt.getTime() / 1000);
      return new SignJWT({ tid: user.tenantId, oid: user.userId, name: user.name, iss: issuerOf(user.tenantId), aud: testAudience, iat, exp: iat + 3600, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(key);
    },
  };
}
