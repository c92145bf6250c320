import type { Delivery } from '../data/schemas.ts';
import type { Transaction } from '../data/store.ts';
import type { Clock } from './clock.ts';

/**
 * Answer first, deliver after (R23): a message to others is added to the outbox in the transaction of the change it
 * tells of, and the delivery worker sends it once that has committed. `kick` wakes the worker at once.
 */
export class Outbox {
  constructor(
    private readonly clock: Clock,
    readonly kick: () => void = () => undefined,
  ) {}

  add(tx: Transaction, to: Delivery['to'], message: Delivery['message']): Promise<Delivery> {
    const now = this.clock().toISOString();
    return tx.addDelivery((id) => ({ id, to, message, createdAt: now, state: 'Pending', attempts: 0, nextAttemptAt: now }));
  }
}
