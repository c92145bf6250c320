import type { Services } from '../services/services.ts';
import { startRepeating } from './repeating.ts';

/**
 * Does the work that falls due with time, every `everyMs` and once at start: change requests' expiries and
 * half-time reminders, renewals at expiry (R17) and quotes past their day. All of it is found by its deadline in the store, so a restart only
 * delays it until the first check.
 */
export function startSweeper(services: Services, everyMs = 60_000): { stop(): Promise<void> } {
  const sweep = async () => {
    await services.requests.sweep();
    await services.renewals.renewDue();
    await services.purchases.dropStaleQuotes();
  };
  return startRepeating(sweep, everyMs, 'check what fell due (request expiries, reminders, renewals, quotes)');
}
