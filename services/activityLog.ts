import type { ActivityLogRepository } from '../data/repository.ts';
import type { Customer, LogEntry } from '../data/schemas.ts';
import type { Clock } from './clock.ts';
import type { CodedError } from './codedError.ts';
import type { OperationName } from './operations.ts';
import { actorOf, type Actor, type Person } from './people.ts';

export interface LogFilter {
  customerId?: string;
  operations?: readonly string[];
}

export interface LogTarget {
  customer?: Pick<Customer, 'id' | 'name'>;
  target?: string;
  before?: unknown;
  after?: unknown;
}

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
    return this.repo.append({ ...this.common(actor, operation, about), outcome: 'Refused', reason: { code: error.code, message: error.message } });
  }

  /** The newest entries the viewer may read (R19: a customer user only their own customer's), newest first. */
  read(viewer: Person, filter: LogFilter, limit: number): Promise<LogEntry[]> {
    const customerId = viewer.kind === 'customerUser' ? viewer.customerId : filter.customerId;
    const operations = filter.operations && new Set(filter.operations);
    return this.repo.newest((e) => (customerId === undefined || e.customerId === customerId) && (operations === undefined || operations.has(e.operation)), limit);
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
      target: about.target,
    };
  }
}
