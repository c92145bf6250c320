import type { Services } from '../services/services.ts';
import { syncNews } from './commands/sync.ts';

/**
 * Keeps the store in step with Partner Center and Azure: a sync at start, then every `everyMs`. A sync that fails
 * (Partner Center down, say) is one line in the console and is tried again at the next tick; the bot meanwhile
 * serves what the store holds.
 */
export function startSyncSchedule(services: Services, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const sync = () => {
    if (busy) return;
    busy = true;
    running = services.sync
      .run('schedule')
      .then((report) => console.log(syncNews(report, services.cloud.name).replaceAll('\n\n', ' ')))
      .catch((err: Error) => console.error(`Could not sync with ${services.cloud.name}: ${err.message}`))
      .finally(() => (busy = false));
  };
  sync();
  const timer = setInterval(sync, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
