import { DelegateBackoff, handleWhen, isTaskCancelledError, retry, timeout, TimeoutStrategy, type IRetryBackoffContext } from 'cockatiel';
import { CloudError } from '../microsoftCloud.ts';

/** When a logical call must be over (retries included), and how long each attempt may take. */
export interface Deadline {
  readonly endsAt: number;
  readonly attemptTimeoutMs: number;
}

export function deadlineFor(limits: { attemptTimeoutMs: number; callTimeoutMs: number }, now = Date.now()): Deadline {
  return { endsAt: now + limits.callTimeoutMs, attemptTimeoutMs: limits.attemptTimeoutMs };
}

const msLeft = (deadline: Deadline) => Math.max(1, deadline.endsAt - Date.now());

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** Sent unchanged on every attempt: an idempotency key in them (MS-RequestId) makes a retried write safe. */
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Runs `work` with what is left of `deadline`; past it, the call is 'unavailable' (`work` is told through `signal`). */
export async function withinDeadline<T>(service: string, deadline: Deadline, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await timeout(msLeft(deadline), TimeoutStrategy.Aggressive).execute((_, signal) => work(signal));
  } catch (err) {
    if (isTaskCancelledError(err)) throw new CloudError('unavailable', `${service} did not answer in time; try again later.`);
    throw err;
  }
}

/**
 * Sends `request` until it is answered: 429, 5xx, timeouts and network failures are retried with exponential
 * backoff, or after the answer's Retry-After, within `deadline`. Any other answer (2xx, 3xx, 4xx) is returned as is.
 * A write that may have arrived (timed out, or its connection lost after it was sent) and was never answered is
 * 'unknownOutcome'; everything else that fails is 'unavailable'.
 */
export async function sendResiliently(service: string, request: HttpRequest, deadline: Deadline): Promise<HttpAnswer> {
  const write = request.method !== 'GET';
  let mayHaveArrived = false;
  let last: { answer: HttpAnswer } | { error: unknown } | undefined;

  const attempt = timeout(deadline.attemptTimeoutMs, TimeoutStrategy.Aggressive);
  const retrying = retry(handleWhen((err) => !(err instanceof CloudError)).orWhenResult((answer) => retryable((answer as HttpAnswer).status)), {
    maxAttempts: 8,
    backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>(({ attempt: n, result }) => {
      const answer = 'value' in result ? (result.value as HttpAnswer) : undefined;
      return retryAfterMs(answer?.headers.get('retry-after')) ?? Math.min(1000, 100 * 2 ** (n - 1)) * (0.75 + Math.random() / 2);
    }),
  });

  const once = async (signal: AbortSignal): Promise<HttpAnswer> => {
    try {
      const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: 'manual' });
      const answer = { status: response.status, headers: response.headers, text: await response.text() };
      last = { answer };
      const wait = answer.status === 429 ? retryAfterMs(answer.headers.get('retry-after')) : undefined;
      // Waiting longer than the caller can would only fail later: say so now, with the time the service asked for.
      if (wait !== undefined && Date.now() + wait > deadline.endsAt) throw busy(service, wait);
      return answer;
    } catch (err) {
      if (err instanceof CloudError) throw err;
      last = { error: err };
      if (!neverSent(err)) mayHaveArrived = true;
      throw err;
    }
  };

  let answer: HttpAnswer;
  try {
    answer = await withinDeadline(service, deadline, (signal) => retrying.execute(() => attempt.execute((_, attemptSignal) => once(attemptSignal)), signal));
  } catch (err) {
    throw failure(service, write && mayHaveArrived, last, err);
  }
  if (retryable(answer.status)) throw failure(service, write && mayHaveArrived, { answer }, undefined);
  return answer;
}

const retryable = (status: number) => status === 429 || status >= 500;

/** Why the call failed, from the last thing that happened. */
function failure(service: string, unknownOutcome: boolean, last: { answer: HttpAnswer } | { error: unknown } | undefined, err: unknown): CloudError {
  if (unknownOutcome) return new CloudError('unknownOutcome', `${service} did not confirm the change in time: it may or may not have been made; the next sync will tell.`);
  if (err instanceof CloudError && err.status === 429) return err;
  if (last && 'answer' in last) {
    const { status, headers } = last.answer;
    if (status === 429) return busy(service, retryAfterMs(headers.get('retry-after')) ?? 1000);
    return new CloudError('unavailable', `${service} is failing (HTTP ${status}); try again later.`, undefined, status);
  }
  const code = networkCode(last?.error);
  if (code) return new CloudError('unavailable', `${service} cannot be reached (${code}); try again later.`);
  return new CloudError('unavailable', `${service} did not answer in time; try again later.`);
}

function busy(service: string, waitMs: number): CloudError {
  return new CloudError('unavailable', `${service} is busy (throttled); try again in ${Math.ceil(waitMs / 1000)} s.`, undefined, 429);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkCode(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** Failures before a request could leave this machine: retrying them can never repeat a write. */
const beforeSending = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

function neverSent(err: unknown): boolean {
  const code = networkCode(err);
  return code !== undefined && beforeSending.has(code);
}
