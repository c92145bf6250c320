import type { DirectoryRepository } from '../data/repository.ts';
import type { Customer } from '../data/schemas.ts';
import type { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { hasOwnerOnEligible, isEligible } from './eligibility.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { refusals } from './refusals.ts';

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
    const customer = this.directory.customer(customerId);
    const partnerName = this.directory.partner().name;
    const visible = customer && (actor.kind === 'agent' || actor.customerId === customer.id);
    if (!customer || !visible) {
      // A customer user naming another customer learns nothing of it; the attempt is logged against their own.
      const own = actor.kind === 'customerUser' ? this.directory.customer(actor.customerId) : undefined;
      const error = actor.kind === 'agent' ? refusals.customerNotFound(customerId, actor) : refusals.adminOnly(actor, 'change customer permissions', partnerName);
      await this.log.refused(actor, operation, { customer: own, target: `customer ${customerId}` }, error);
      throw error;
    }
    await this.refuseUnless(actor.kind === 'agent' && actor.role === 'AdminAgent', actor, operation, customer, () =>
      refusals.adminOnly(actor, 'turn the Azure reservations purchase permission on or off', partnerName),
    );
    if (enabled) {
      await this.refuseUnless(customer.subscriptions.some(isEligible), actor, operation, customer, () => refusals.noEligibleSubscription(customer));
    }
    const warning = enabled && !hasOwnerOnEligible(customer) ? ownerWarning(customer) : undefined;
    if (customer.purchasePermission.enabled === enabled) return { customer, enabled, changed: false, warning };

    const before = customer.purchasePermission.enabled;
    await this.directory.setPurchasePermission(customer.id, { enabled, changedAt: this.clock().toISOString(), changedBy: actor.userId });
    await this.log.succeeded(actor, operation, { customer, target: permissionTarget, before: { enabled: before }, after: { enabled } });
    return { customer, enabled, changed: true, warning };
  }

  private async refuseUnless(ok: boolean, actor: Person, operation: typeof Operation.CreateCustomerPurchasePermissions | typeof Operation.DeleteCustomerPurchasePermissions, customer: Customer, error: () => CodedError): Promise<void> {
    if (ok) return;
    const refusal = error();
    await this.log.refused(actor, operation, { customer, target: permissionTarget }, refusal);
    throw refusal;
  }
}

export const permissionTarget = 'Azure reservations: allow customer to purchase';

function ownerWarning(customer: Customer): string {
  return `No user of ${customer.name} holds the Owner role on an eligible Azure subscription, so nobody there can buy a reservation yet. Have the customer give Owner on their Azure Plan subscription to the people who will buy.`;
}
