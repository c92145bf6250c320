import type { Customer, LogEntry } from '../data/schemas.ts';
import type { LogQuery, Store, Transaction } from '../data/store.ts';
import type { Clock } from './clock.ts';
import type { CodedError } from './codedError.ts';
import { excerpt } from './excerpt.ts';
import type { OperationName } from './operations.ts';
import { actorOf, type Actor, type Person } from './people.ts';

/** R19: what an agent may filter the log by (the store's query without its limit). */
export type LogFilter = Omit<LogQuery, 'limit'>;

export interface LogPage {
  entries: LogEntry[];
  /** The `beforeSeq` of the next (older) page, when there is one. */
  next?: number;
}

export interface LogTarget {
  customer?: Pick<Customer, 'id' | 'name'>;
  target?: string;
  before?: unknown;
  after?: unknown;
  /** The MS-CorrelationId of the Partner Center or Azure calls behind the change. */
  correlationId?: string;
}

/** A target or a reason may quote what a person typed: the log keeps a bounded excerpt of it, never the whole (R18). */
export const maxTargetLength = 200;
export const maxReasonLength = 1000;

export const systemActor = (tenantId: string, name: string): Actor => ({ tenantId, userId: 'system', name, role: 'System' });

/**
 * R18–R19: writes entries for every change, in the transaction that makes it, and for every refused attempt;
 * reads them back as each viewer may see them.
 */
export class ActivityLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** A change's entry, committed with the change or not at all. */
  succeeded(tx: Transaction, actor: Person | Actor, operation: OperationName, about: LogTarget): Promise<LogEntry> {
    return tx.log({ ...this.common(actor, operation, about), outcome: 'Succeeded', before: about.before, after: about.after });
  }

  /** A refused attempt's entry: in `tx` when given (a refusal that also changes something), else on its own. */
  refused(actor: Person | Actor, operation: OperationName, about: LogTarget, error: CodedError, tx?: Transaction): Promise<LogEntry> {
    const entry = { ...this.common(actor, operation, about), outcome: 'Refused' as const, reason: { code: error.code, message: excerpt(error.message, maxReasonLength) } };
    return tx ? tx.log(entry) : this.store.transaction((own) => own.log(entry));
  }

  /** The newest entries the viewer may read (R19: a customer user only their own customer's), newest first. */
  read(viewer: Person, filter: LogFilter, limit: number): Promise<LogEntry[]> {
    const customerIds = viewer.kind === 'customerUser' ? [viewer.customerId] : filter.customerIds;
    return this.store.log.query({ ...filter, customerIds, limit });
  }

  /** One page of `size` entries, newest first, and where the next page starts. */
  async page(viewer: Person, filter: LogFilter, size: number): Promise<LogPage> {
    const entries = await this.read(viewer, filter, size + 1);
    return entries.length > size ? { entries: entries.slice(0, size), next: entries[size - 1]!.seq } : { entries };
  }

  size(): Promise<number> {
    return this.store.log.count();
  }

  private common(actor: Person | Actor, operation: OperationName, about: LogTarget) {
    return {
      at: this.clock().toISOString(),
      actor: 'kind' in actor ? actorOf(actor) : actor,
      operation,
      customerId: about.customer?.id,
      customerName: about.customer?.name,
      target: about.target === undefined ? undefined : excerpt(about.target, maxTargetLength),
      correlationId: about.correlationId,
    };
  }
}
