/**
 * Work found by its deadline and done in batches: `claim` takes the next batch (in a transaction, so that no other
 * instance takes it too) and `attempt` does one item, resolving true when it is done. `runDue` does batches until a
 * claim finds nothing; a call while it runs joins that run and makes it look once more, since what woke it may have
 * come after its last claim.
 */
export class ClaimedWork<T> {
  private running?: Promise<number>;
  private again = false;

  constructor(
    private readonly claim: () => Promise<T[]>,
    private readonly attempt: (item: T) => Promise<boolean>,
  ) {}

  /** Resolves with how many items were done. */
  runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      let done = 0;
      do {
        this.again = false;
        for (let claimed = await this.claim(); claimed.length; claimed = await this.claim()) {
          done += (await Promise.all(claimed.map((item) => this.attempt(item)))).filter(Boolean).length;
        }
      } while (this.again);
      return done;
    };
    this.running = run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once the run under way, if any, is over. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}

/** The wait after `attempts` failed attempts: the first retry's, doubled each time, up to the longest. */
export const backoff = (attempts: number, policy: { firstRetryMs: number; longestRetryMs: number }): number =>
  Math.min(policy.firstRetryMs * 2 ** Math.max(0, attempts - 1), policy.longestRetryMs);
