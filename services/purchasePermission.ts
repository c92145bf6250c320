import type { DirectoryRepository } from '../data/repository.ts';
import type { Customer } from '../data/schemas.ts';
import type { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import type { CodedError } from './codedError.ts';
import { hasOwnerOnEligible, ineligibility } from './eligibility.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { refusals } from './refusals.ts';
import { ownCustomer, visibleCustomer } from './customerLookup.ts';

export interface PermissionChange {
  customer: Customer;
  enabled: boolean;
  /** False when the permission already had the state asked for (R6: nothing changes, nothing is logged). */
  changed: boolean;
  /** R5: set when the permission is on but no user of the customer holds Owner on an eligible subscription. */
  warning?: string;
}

/** R1–R7: turns a customer's "Azure reservations: allow customer to purchase" permission on or off. */
export class PurchasePermissions {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
  ) {}

  async set(actor: Person, customerId: string, enabled: boolean): Promise<PermissionChange> {
    const operation = enabled ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
    // A customer user naming another customer learns nothing of it; their attempt is logged against their own.
    const customer = visibleCustomer(this.directory, actor, customerId);
    const refuse = async (error: CodedError): Promise<never> => {
      const about = customer ? { customer, target: permissionTarget } : { customer: ownCustomer(this.directory, actor), target: `customer ${customerId}` };
      await this.log.refused(actor, operation, about, error);
      throw error;
    };
    // R2 comes first: whoever may not change the permission is refused, whatever customer they named.
    if (actor.role !== 'AdminAgent') return refuse(refusals.adminOnly(actor, 'turn the Azure reservations purchase permission on or off', this.directory.partner().name));
    if (!customer) return refuse(refusals.customerNotFound(customerId, actor));
    const ineligible = enabled && ineligibility(customer);
    if (ineligible) return refuse(refusals.noEligibleSubscription(ineligible));

    const warning = enabled && !hasOwnerOnEligible(customer) ? ownerWarning(customer) : undefined;
    if (customer.purchasePermission.enabled === enabled) return { customer, enabled, changed: false, warning };
    const before = customer.purchasePermission.enabled;
    await this.directory.setPurchasePermission(customer.id, { enabled, changedAt: this.clock().toISOString(), changedBy: actor.userId });
    await this.log.succeeded(actor, operation, { customer, target: permissionTarget, before: { enabled: before }, after: { enabled } });
    return { customer, enabled, changed: true, warning };
  }
}

export const permissionTarget = 'Azure reservations: allow customer to purchase';

function ownerWarning(customer: Customer): string {
  return `No user of ${customer.name} holds the Owner role on an eligible Azure subscription, so nobody there can buy a reservation yet. Have the customer give Owner on their Azure Plan subscription to the people who will buy.`;
}
