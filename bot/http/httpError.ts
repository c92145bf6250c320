import type { z } from 'zod';
import { describeIssues } from '../../data/describeIssues.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';

/** An answer other than success, with a stable code and a description safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    description: string,
  ) {
    super(description);
    this.name = 'HttpError';
  }
}

const statusOfCode: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.RoleNotAllowed]: 403,
  [ErrorCode.UnknownPerson]: 403,
  [ErrorCode.CustomerNotFound]: 404,
  [ErrorCode.ReservationNotFound]: 404,
  [ErrorCode.RequestNotFound]: 404,
  [ErrorCode.QuoteNotFound]: 404,
  [ErrorCode.PolicyNotFound]: 404,
  [ErrorCode.PolicyExists]: 409,
  [ErrorCode.RequestAlreadyDecided]: 409,
  [ErrorCode.RequestClosed]: 409,
  [ErrorCode.RequestAlreadyPending]: 409,
  [ErrorCode.InvalidRequest]: 400,
  [ErrorCode.BodyTooLarge]: 413,
  [ErrorCode.UnsupportedEncoding]: 415,
  [ErrorCode.SignInRequired]: 401,
  [ErrorCode.CloudRefused]: 502,
  [ErrorCode.CloudUnavailable]: 503,
  [ErrorCode.CloudOutcomeUnknown]: 504,
};

/**
 * A domain refusal as HTTP: who may not (403), what is not there (404), a state in the way (409); Partner Center or
 * Azure saying no (502), down (503) or silent after a write (504); any other rule 422.
 */
export function httpErrorOf(error: CodedError): HttpError {
  return new HttpError(statusOfCode[error.code] ?? 422, error.code, error.message);
}

/** Parses `value` with `schema`, or a 400 whose description names each field that is wrong. */
export function parseOrBadRequest<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CodedError(ErrorCode.InvalidRequest, `The ${what} is not what I expected:\n${describeIssues(parsed.error)}`);
}
