import type { Customer } from '../data/schemas.ts';
import type { Store } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
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
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
  ) {}

  /** Checked and changed in one transaction with its log entry, so that R6 holds however many agents click at once. */
  async set(actor: Person, customerId: string, enabled: boolean): Promise<PermissionChange> {
    const operation = enabled ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
    try {
      return await this.store.transaction(async (tx) => {
        // A customer user naming another customer learns nothing of it.
        const customer = await visibleCustomer(tx, actor, customerId);
        // R2 comes first: whoever may not change the permission is refused, whatever customer they named.
        if (actor.role !== 'AdminAgent') throw refusals.adminOnly(actor, 'turn the Azure reservations purchase permission on or off', (await tx.partner()).name);
        if (!customer) throw refusals.customerNotFound(customerId, actor);
        const ineligible = enabled && ineligibility(customer);
        if (ineligible) throw refusals.noEligibleSubscription(ineligible);

        const warning = enabled && !hasOwnerOnEligible(customer) ? ownerWarning(customer) : undefined;
        if (customer.purchasePermission.enabled === enabled) return { customer, enabled, changed: false, warning };
        const before = customer.purchasePermission.enabled;
        customer.purchasePermission = { enabled, changedAt: this.clock().toISOString(), changedBy: actor.userId };
        await tx.saveCustomer(customer);
        await this.log.succeeded(tx, actor, operation, { customer, target: permissionTarget, before: { enabled: before }, after: { enabled } });
        return { customer, enabled, changed: true, warning };
      });
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      // Logged against the customer named if the person may see it, else against their own (R18).
      const customer = await visibleCustomer(this.store, actor, customerId);
      const about = customer ? { customer, target: permissionTarget } : { customer: await ownCustomer(this.store, actor), target: `customer ${customerId}` };
      await this.log.refused(actor, operation, about, err);
      throw err;
    }
  }
}

export const permissionTarget = 'Azure reservations: allow customer to purchase';

function ownerWarning(customer: Customer): string {
  return `No user of ${customer.name} holds the Owner role on an eligible Azure subscription, so nobody there can buy a reservation yet. Have the customer give Owner on their Azure Plan subscription to the people who will buy.`;
}
