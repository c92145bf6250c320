import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Clock } from '../../services/clock.ts';
import type { TokenSettings } from '../config.ts';

/** Who a verified token speaks for: the tenant id (`tid`) and user object id (`oid`) Entra ID signed. */
export interface Caller {
  tenantId: string;
  userId: string;
  /** The verified token itself: Partner Center writes are made on behalf of its user with it (the on-behalf-of flow). */
  token?: string;
}

/** `unavailable`: the token could not be checked now (Entra ID's signing keys did not come), not found wrong. */
export type Verification = { ok: true; caller: Caller } | { ok: false; reason: string; unavailable?: boolean };

/** Tokens of one issuer: what they must say (`aud`, `iss` with `{tenantid}` for the token's tenant) and the keys that sign them. */
export interface TrustedIssuer {
  audiences: readonly string[];
  issuers: readonly string[];
  algorithms: string[];
  /** Unset: tokens of this issuer are recognised but none is accepted (the reason says what to configure). */
  keys?: JWTVerifyGetKey;
  /** Why there are no keys or audiences, for the 401's message. */
  unconfigured?: string;
}

/** Checks `Authorization: Bearer <jwt>` against the issuers this server trusts; any failure is a reason for a 401. */
export class TokenVerifier {
  constructor(
    private readonly trusted: readonly TrustedIssuer[],
    private readonly clock: Clock,
  ) {}

  async verify(authorization: string | undefined): Promise<Verification> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return { ok: false, reason: 'Send a bearer token: an "Authorization: Bearer <token>" header.' };
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(token);
    } catch {
      return { ok: false, reason: 'The bearer token is not a JSON Web Token.' };
    }
    const tid = typeof claims.tid === 'string' ? claims.tid : '';
    const issuer = this.trusted.find((t) => t.issuers.some((i) => i.replaceAll('{tenantid}', tid) === claims.iss));
    if (!issuer) return { ok: false, reason: `The token's issuer (${String(claims.iss)}) is not one this server trusts.` };
    if (!issuer.keys || issuer.audiences.length === 0) return { ok: false, reason: issuer.unconfigured ?? 'This server cannot check tokens of that issuer.' };
    try {
      const { payload } = await jwtVerify(token, issuer.keys, {
        audience: [...issuer.audiences],
        algorithms: issuer.algorithms,
        currentDate: this.clock(),
        clockTolerance: 60,
      });
      if (typeof payload.tid !== 'string' || typeof payload.oid !== 'string') return { ok: false, reason: 'The token has no tid and oid claims: use a token issued to a user.' };
      return { ok: true, caller: { tenantId: payload.tid, userId: payload.oid, token } };
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || (err instanceof TypeError && err.message === 'fetch failed')) {
        return { ok: false, unavailable: true, reason: "Entra ID's token signing keys could not be fetched just now, so the token cannot be checked. Try again in a minute." };
      }
      return { ok: false, reason: rejection(err, issuer) };
    }
  }
}

function rejection(err: unknown, issuer: TrustedIssuer): string {
  if (err instanceof errors.JWTExpired) return 'The token has expired: get a new one.';
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') return `The token is for another audience; this server accepts ${issuer.audiences.join(' or ')}.`;
  if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') return 'The token is not valid yet.';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'The token signature does not verify.';
  if (err instanceof errors.JWKSNoMatchingKey) return 'The token is signed with a key this server does not know.';
  if (err instanceof errors.JOSEAlgNotAllowed) return `The token is signed with an algorithm this server does not accept (${issuer.algorithms.join(', ')}).`;
  if (err instanceof errors.JOSEError) return `The token is not valid: ${err.message}.`;
  throw err;
}

/** Entra ID as configured: audiences, issuers, and the signing keys from a JWKS file or an https URL serving one. */
export async function entraIssuer(settings: TokenSettings): Promise<TrustedIssuer> {
  const base = { audiences: settings.audiences, issuers: settings.issuers, algorithms: ['RS256'] };
  if (settings.audiences.length === 0) return { ...base, unconfigured: 'This server has no token audience configured (AUTH_AUDIENCE, or MicrosoftAppId and PUBLIC_HOST), so it accepts no Entra ID token.' };
  if (!settings.jwks) return { ...base, unconfigured: 'This server has no token signing keys configured (AUTH_JWKS), so it accepts no Entra ID token.' };
  if (/^https:\/\//i.test(settings.jwks)) return { ...base, keys: createRemoteJWKSet(new URL(settings.jwks)) };
  const file = await readFile(settings.jwks, 'utf8').catch((err: Error) => {
    throw new Error(`AUTH_JWKS: cannot read ${settings.jwks} (${err.message}). Give a JWKS file or an https URL.`);
  });
  try {
    return { ...base, keys: createLocalJWKSet(JSON.parse(file)) };
  } catch (err) {
    throw new Error(`AUTH_JWKS: ${settings.jwks} is not a JSON Web Key Set (${(err as Error).message}).`);
  }
}
