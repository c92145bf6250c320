/**
 * Runs `work` now and then every `everyMs`, never twice at once (a tick while it still runs is skipped). A failure is
 * one line in the console, saying `what` could not be done; the next tick tries again.
 */
export function startRepeating(work: () => Promise<unknown>, everyMs: number, what: string): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = work()
      .catch((err: Error) => console.error(`Could not ${what}: ${err.message}`))
      .finally(() => (busy = false));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
