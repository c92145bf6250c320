import type { Request } from 'restify';
import type { Caller, TokenVerifier } from '../auth/tokenVerifier.ts';
import { HttpError } from './httpError.ts';

/**
 * The caller a request's bearer token verifiably speaks for, or a 401. An unverified caller could be anyone, so a
 * 401 goes to the console, not into the activity log.
 */
export async function bearerCaller(req: Request, verifier: TokenVerifier): Promise<Caller> {
  const verification = await verifier.verify(req.headers.authorization);
  if (verification.ok) return verification.caller;
  console.warn(`[auth] 401 ${req.method} ${req.url}: ${verification.reason}`);
  throw new HttpError(401, 'UNAUTHENTICATED', verification.reason);
}
