import type { Store } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import type { CodedError } from './codedError.ts';
import type { OperationName } from './operations.ts';
import { unknownActor } from './people.ts';
import { refusals } from './refusals.ts';

/** What Teams or a verified token says of someone: their tenant id and user object id, and nothing else trusted. */
export interface Identity {
  tenantId: string;
  userId: string;
}

/**
 * R18: someone the directory does not know tried to change something. Their attempt is logged with the tenant and
 * user ids they came with (against the customer whose tenant that is, if any), and they are told only that.
 */
export class Strangers {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
  ) {}

  async refuse(who: Identity, operation: OperationName, target: string): Promise<CodedError> {
    const error = refusals.unknownPerson((await this.store.partner()).name, who);
    await this.log.refused(unknownActor(who.tenantId, who.userId), operation, { customer: await this.store.customer(who.tenantId), target }, error);
    return error;
  }
}
