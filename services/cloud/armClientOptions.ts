import type { AzureReservationAPIOptionalParams } from '@azure/arm-reservations';

/** Where Azure Resource Manager is and how long a call to it may take. */
export interface ArmSettings {
  /** `https://management.azure.com` in production; the fake's URL in tests. */
  resourceManagerUrl: string;
  /** One HTTP attempt; a slower one is retried like a dropped connection. */
  attemptTimeoutMs: number;
  /** The whole call, retries and waits for Retry-After included. */
  callTimeoutMs: number;
  /** The first backoff after a 5xx or a dropped connection (it doubles after each). */
  retryDelayMs?: number;
}

export type PipelinePolicy = NonNullable<AzureReservationAPIOptionalParams['additionalPolicies']>[number]['policy'];

/**
 * The options both official ARM clients take: the endpoint and the token scope pointed at `resourceManagerUrl`
 * (the clients' default scope is `{endpoint}/.default`, said here so that it cannot drift), the SDK's own retries
 * (429 after Retry-After, 5xx and dropped connections with backoff) and a timeout on every attempt.
 */
export function armClientOptions(settings: ArmSettings) {
  const endpoint = settings.resourceManagerUrl.replace(/\/+$/, '');
  return {
    endpoint,
    $host: endpoint,
    credentialScopes: [`${endpoint}/.default`],
    retryOptions: { maxRetries: 3, retryDelayInMs: settings.retryDelayMs ?? 1000, maxRetryDelayInMs: settings.callTimeoutMs },
    additionalPolicies: [{ policy: attemptTimeoutPolicy(settings.attemptTimeoutMs), position: 'perRetry' as const }],
  };
}

/**
 * The SDK's own per-request timeout ends an attempt with an AbortError, which its retry policy never retries; this one
 * ends it with a RestError coded ETIMEDOUT, which the retry policy treats as a dropped connection and retries.
 */
function attemptTimeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: 'attemptTimeout',
    async sendRequest(request, next) {
      const outer = request.abortSignal as AbortSignal | undefined;
      const attempt = new AbortController();
      const timer = setTimeout(() => attempt.abort(), ms);
      request.abortSignal = outer ? AbortSignal.any([outer, attempt.signal]) : attempt.signal;
      try {
        return await next(request);
      } catch (err) {
        if (attempt.signal.aborted && !outer?.aborted) throw Object.assign(new Error(`no answer within ${ms} ms`), { name: 'RestError', code: 'ETIMEDOUT' });
        throw err;
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
      }
    },
  };
}
