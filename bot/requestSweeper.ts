import type { Services } from '../services/services.ts';

/**
 * Checks the change requests every `everyMs` (and once at start): expiries and half-time reminders fall
 * due by the deadlines kept in the store, so a restart only delays them until the first check.
 */
export function startRequestSweeper(services: Services, everyMs = 60_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const sweep = () => {
    if (busy) return;
    busy = true;
    running = services.requests
      .sweep()
      .catch((err: Error) => console.error('Could not check change requests for expiry:', err))
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
