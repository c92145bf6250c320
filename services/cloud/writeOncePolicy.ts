import type { PipelinePolicy } from './armClientOptions.ts';

/** The POSTs that carry a change out with a session of calculateRefund or calculateExchange. */
const carriesOut = /\/providers\/Microsoft\.Capacity\/(?:reservationOrders\/[^/]+\/return|exchange)$/i;

/**
 * The SDK sends a request again after a dropped connection, a timeout or a 5xx. For a return or an exchange that
 * could carry the change out twice, or be refused for a session already used after the first went through. Once an
 * attempt may have reached Azure without an answer, no other attempt is made: the call fails, and the change's
 * outcome is unknown until the next sync. A refused connection, a 429 or a 503 reached nothing, and may be retried.
 */
export function writeOncePolicy(): PipelinePolicy {
  const mayHaveReached = new WeakSet<object>();
  return {
    name: 'writeOnce',
    async sendRequest(request, next) {
      if (request.method !== 'POST' || !carriesOut.test(new URL(request.url).pathname)) return next(request);
      if (mayHaveReached.has(request)) {
        throw Object.assign(new Error('an earlier attempt may have reached Azure; it is not sent again'), { name: 'RestError', code: 'WriteNotRepeated' });
      }
      try {
        const response = await next(request);
        if (response.status >= 500 && response.status !== 503) mayHaveReached.add(request);
        return response;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'ECONNREFUSED') mayHaveReached.add(request);
        throw err;
      }
    },
  };
}
