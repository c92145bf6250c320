import type { Services } from '../services/services.ts';
import { syncNews } from './commands/sync.ts';
import { startRepeating } from './repeating.ts';

/**
 * Keeps the store in step with Partner Center and Azure: a sync at start, then every `everyMs`. A sync that fails
 * (Partner Center down, say) is one line in the console and is tried again at the next tick; the bot meanwhile
 * serves what the store holds.
 */
export function startSyncSchedule(services: Services, everyMs: number): { stop(): Promise<void> } {
  const sync = async () => console.log(syncNews(await services.sync.run('schedule'), services.cloud.name).replaceAll('\n\n', ' '));
  return startRepeating(sync, everyMs, `sync with ${services.cloud.name}`);
}
