import type { ActivityLogRepository } from '../data/repository.ts';
import type { Customer, LogEntry } from '../data/schemas.ts';
import type { Clock } from './clock.ts';
import type { CodedError } from './codedError.ts';
import { excerpt } from './excerpt.ts';
import type { OperationName } from './operations.ts';
import { actorOf, type Actor, type Person } from './people.ts';

/** R19: what an agent may filter the log by. Times are ISO 8601; `from` is inclusive, `to` exclusive. */
export interface LogFilter {
  /** Entries about any of these customers. */
  customerIds?: readonly string[];
  operations?: readonly string[];
  /** The person who acted: their user id (aadObjectId), or `system`. */
  actorId?: string;
  from?: string;
  to?: string;
  /** Only entries older than this sequence number: where the previous page ended. */
  beforeSeq?: number;
}

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
}

/** A target or a reason may quote what a person typed: the log keeps a bounded excerpt of it, never the whole (R18). */
export const maxTargetLength = 200;
export const maxReasonLength = 1000;

export const systemActor = (tenantId: string, name: string): Actor => ({ tenantId, userId: 'system', name, role: 'System' });

/** R18–R19: writes entries for every change and every refused attempt, and reads them back as each viewer may see them. */
export class ActivityLog {
  constructor(
    private readonly repo: ActivityLogRepository,
    private readonly clock: Clock,
  ) {}

  succeeded(actor: Person | Actor, operation: OperationName, about: LogTarget): Promise<LogEntry> {
    return this.repo.append({ ...this.common(actor, operation, about), outcome: 'Succeeded', before: about.before, after: about.after });
  }

  refused(actor: Person | Actor, operation: OperationName, about: LogTarget, error: CodedError): Promise<LogEntry> {
    return this.repo.append({ ...this.common(actor, operation, about), outcome: 'Refused', reason: { code: error.code, message: excerpt(error.message, maxReasonLength) } });
  }

  /** The newest entries the viewer may read (R19: a customer user only their own customer's), newest first. */
  read(viewer: Person, filter: LogFilter, limit: number): Promise<LogEntry[]> {
    const customers = new Set(viewer.kind === 'customerUser' ? [viewer.customerId] : filter.customerIds);
    const anyCustomer = viewer.kind === 'agent' && filter.customerIds === undefined;
    const operations = filter.operations && new Set(filter.operations);
    const from = filter.from && Date.parse(filter.from);
    const to = filter.to && Date.parse(filter.to);
    return this.repo.newest(
      (e) =>
        (anyCustomer || (e.customerId !== undefined && customers.has(e.customerId))) &&
        (operations === undefined || operations.has(e.operation)) &&
        (filter.actorId === undefined || e.actor.userId === filter.actorId) &&
        (!from || Date.parse(e.at) >= from) &&
        (!to || Date.parse(e.at) < to) &&
        (filter.beforeSeq === undefined || e.seq < filter.beforeSeq),
      limit,
    );
  }

  /** One page of `size` entries, newest first, and where the next page starts. */
  async page(viewer: Person, filter: LogFilter, size: number): Promise<LogPage> {
    const entries = await this.read(viewer, filter, size + 1);
    return entries.length > size ? { entries: entries.slice(0, size), next: entries[size - 1]!.seq } : { entries };
  }

  size(): number {
    return this.repo.size();
  }

  private common(actor: Person | Actor, operation: OperationName, about: LogTarget) {
    return {
      at: this.clock().toISOString(),
      actor: 'kind' in actor ? actorOf(actor) : actor,
      operation,
      customerId: about.customer?.id,
      customerName: about.customer?.name,
      target: about.target === undefined ? undefined : excerpt(about.target, maxTargetLength),
    };
  }
}
