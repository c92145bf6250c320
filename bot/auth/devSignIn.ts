import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import type { Clock } from '../../services/clock.ts';
import type { Caller, TrustedIssuer } from './tokenVerifier.ts';

const issuer = 'urn:csp-reservations-bot:development-sign-in';

/**
 * Local development only: signs a token for anyone in the directory with a key made at start-up and never
 * stored, so the dashboard can be tried outside Teams. The tokens are checked like any other.
 */
export class DevSignIn {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly trusted: TrustedIssuer,
    private readonly clock: Clock,
  ) {}

  static async create(clock: Clock): Promise<DevSignIn> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return new DevSignIn(privateKey, { audiences: [issuer], issuers: [issuer], algorithms: ['ES256'], keys: async () => publicKey }, clock);
  }

  /** A token for `caller`, valid for 8 hours. */
  issue(caller: Caller): Promise<string> {
    const now = Math.floor(this.clock().getTime() / 1000);
    return new SignJWT({ tid: caller.tenantId, oid: caller.userId })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(issuer)
      .setAudience(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 8 * 3600)
      .sign(this.privateKey);
  }
}
