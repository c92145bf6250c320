import type { Services } from '../services/services.ts';

/**
 * Does the work that falls due with time, every `everyMs` and once at start: change requests' expiries and
 * half-time reminders, renewals at expiry (R17) and quotes past their day. All of it is found by its deadline in the store, so a restart only
 * delays it until the first check.
 */
export function startSweeper(services: Services, everyMs = 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const sweep = () => {
    if (busy) return;
    busy = true;
    running = services.requests
      .sweep()
      .then(() => services.renewals.renewDue())
      .then(() => services.purchases.dropStaleQuotes())
      .catch((err: Error) => console.error('Could not check what fell due (request expiries, reminders, renewals, quotes):', err.message))
      .finally(() => (busy = false));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
