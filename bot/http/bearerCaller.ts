import type { Request } from 'restify';
import type { OperationName } from '../../services/operations.ts';
import type { Person } from '../../services/people.ts';
import { refusals } from '../../services/refusals.ts';
import type { Services } from '../../services/services.ts';
import type { Caller, TokenVerifier } from '../auth/tokenVerifier.ts';
import { HttpError } from './httpError.ts';

/**
 * The caller a request's bearer token verifiably speaks for, or a 401. An unverified caller could be anyone, so a
 * 401 goes to the console, not into the activity log.
 */
export async function bearerCaller(req: Request, verifier: TokenVerifier): Promise<Caller> {
  const verification = await verifier.verify(req.headers.authorization);
  if (verification.ok) return verification.caller;
  const status = verification.unavailable ? 503 : 401;
  console.warn(`[auth] ${status} ${req.method} ${req.url}: ${verification.reason}`);
  throw verification.unavailable ? new HttpError(503, 'TOKEN_KEYS_UNAVAILABLE', verification.reason) : new HttpError(401, 'UNAUTHENTICATED', verification.reason);
}

/** A request that would change something: the operation a refusal of it is logged as, and what it is about. */
export interface Write {
  operation: OperationName;
  target: string;
}

/**
 * The person a verified caller is. Someone the directory does not know is a 403; if the request is a `write`, their
 * attempt is logged with the ids their verified token carries (R18). Whether a known person may make a change is the
 * service's to say.
 */
export async function knownPerson(caller: Caller, services: Services, write?: Write): Promise<Person> {
  const person = await services.directory.identify(caller.tenantId, caller.userId);
  if (person) return person;
  throw write ? await services.strangers.refuse(caller, write.operation, write.target) : refusals.unknownPerson((await services.directory.partnerName()), caller);
}

/** The person a request's bearer token speaks for (see knownPerson). */
export async function bearerPerson(req: Request, verifier: TokenVerifier, services: Services, write?: Write): Promise<Person> {
  return knownPerson(await bearerCaller(req, verifier), services, write);
}
