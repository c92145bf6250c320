import { randomUUID } from 'node:crypto';
import type { Customer } from '../data/schemas.ts';
import type { Store, Transaction } from '../data/store.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { eligibleSubscriptions, ineligibility } from './eligibility.ts';
import { CloudError, type MicrosoftCloud, type PolicyResource } from './microsoftCloud.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { permissionKinds, permissionOf } from './permissionKinds.ts';
import { refusals } from './refusals.ts';
import { ownCustomer, visibleCustomer } from './customerLookup.ts';

export interface PermissionChange {
  customer: Customer;
  resource: PolicyResource;
  enabled: boolean;
  /** False when the permission already had the state asked for (R6: nothing changes, nothing is logged). */
  changed: boolean;
  /** R5: set when the permission is on but no user of the customer holds Owner on an eligible subscription (or Azure could not tell). */
  warning?: string;
}

export interface PermissionOptions {
  /** Who asked, as the Microsoft cloud must hear it: the agent's own Entra token for this app, when the request carried one. */
  userToken?: string;
  /** Which permission: "Azure reservations: allow customer to purchase" unless said otherwise. */
  resource?: PolicyResource;
}

/**
 * R1–R7: turns one of a customer's self-serve permissions on or off ("Azure reservations: allow customer to
 * purchase", or the savings plan one, by the same rules). Partner Center (the self-serve policy) is changed first, as
 * the agent who asked; the store then records what it answered, with the log entry, in one transaction.
 */
export class PurchasePermissions {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly cloud: MicrosoftCloud,
  ) {}

  async set(actor: Person, customerId: string, enabled: boolean, { userToken, resource = 'AzureReservedInstances' }: PermissionOptions = {}): Promise<PermissionChange> {
    const operation = enabled ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
    const correlationId = randomUUID();
    const action = `turn ${enabled ? 'on' : 'off'} the ${permissionKinds[resource].name}`;
    try {
      const customer = await this.store.transaction((tx) => this.checked(tx, actor, customerId, resource, enabled));
      if (permissionOf(customer, resource).enabled === enabled) return { customer, resource, enabled, changed: false, warning: await this.warning(customer, resource, enabled) };
      const [answer, warning] = await Promise.all([
        this.cloud.setPermission({ correlationId, userToken }, customer.id, resource, enabled).catch((err: unknown) => {
          throw err instanceof CloudError ? refusals.cloud(err, this.cloud.name, action) : err;
        }),
        this.warning(customer, resource, enabled),
      ]);
      return await this.store.transaction(async (tx) => {
        // Checked again: another agent may have changed it meanwhile (R6 holds inside this transaction).
        const current = await this.checked(tx, actor, customerId, resource, enabled);
        if (permissionOf(current, resource).enabled === enabled) return { customer: current, resource, enabled, changed: false, warning };
        // Partner Center already had it so: someone changed it outside the bot; the store catches up, and says so.
        const saved = await this.record(tx, answer.changed ? actor : 'outside', current, resource, enabled, correlationId);
        return { customer: saved, resource, enabled, changed: answer.changed, warning };
      });
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      // Logged against the customer named if the person may see it, else against their own (R18).
      const customer = await visibleCustomer(this.store, actor, customerId);
      const about = customer ? { customer, target: permissionKinds[resource].target, correlationId } : { customer: await ownCustomer(this.store, actor), target: `customer ${customerId}` };
      await this.log.refused(actor, operation, about, err);
      throw err;
    }
  }

  /**
   * Records the state Partner Center now holds, with its log entry, in `tx`: changed by the agent `who`, or by someone
   * `'outside'` the bot (in the Partner Center dashboard, found by a sync or by an answer that it already was so).
   * Resolves with the customer as saved.
   */
  async record(tx: Transaction, who: Person | 'outside', customer: Customer, resource: PolicyResource, enabled: boolean, correlationId?: string): Promise<Customer> {
    const operation = enabled ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
    const { field, target } = permissionKinds[resource];
    const before = customer[field].enabled;
    const actor = who === 'outside' ? systemActor((await tx.partner()).tenantId, `${this.cloud.name} (changed outside the bot)`) : who;
    const saved = { ...customer, [field]: { enabled, changedAt: this.clock().toISOString(), changedBy: who === 'outside' ? changedOutside : who.userId } };
    await tx.saveCustomer(saved);
    await this.log.succeeded(tx, actor, operation, { customer: saved, target, before: { enabled: before }, after: { enabled }, correlationId });
    return saved;
  }

  /** R2, R4: the customer, if this person may change its permission to `enabled` now; refused otherwise. */
  private async checked(tx: Transaction, actor: Person, customerId: string, resource: PolicyResource, enabled: boolean): Promise<Customer> {
    const { name, things } = permissionKinds[resource];
    // A customer user naming another customer learns nothing of it.
    const customer = await visibleCustomer(tx, actor, customerId);
    // R2 comes first: whoever may not change the permission is refused, whatever customer they named.
    if (actor.role !== 'AdminAgent') throw refusals.adminOnly(actor, `turn the ${name} on or off`, (await tx.partner()).name);
    if (!customer) throw refusals.customerNotFound(customerId, actor);
    const ineligible = enabled && ineligibility(customer, things);
    if (ineligible) throw refusals.noEligibleSubscription(ineligible);
    return customer;
  }

  /** R5: a warning when the permission is on and nobody at the customer holds Owner on an eligible subscription, as Azure says. */
  private async warning(customer: Customer, resource: PolicyResource, enabled: boolean): Promise<string | undefined> {
    if (!enabled) return undefined;
    try {
      return (await this.cloud.hasOwners(customer.id, eligibleSubscriptions(customer).map((s) => s.id))) ? undefined : ownerWarning(customer, resource);
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      return `I could not ask Azure who holds the Owner role at ${customer.name} (${err.message}); only users with Owner on an Azure Plan subscription can buy.`;
    }
  }
}

/** `changedBy` of a permission someone changed outside the bot (in the Partner Center dashboard), found by a sync. */
export const changedOutside = 'outside-the-bot';

function ownerWarning(customer: Customer, resource: PolicyResource): string {
  return `No user of ${customer.name} holds the Owner role on an eligible Azure subscription, so nobody there can buy ${permissionKinds[resource].thing} yet. Have the customer give Owner on their Azure Plan subscription to the people who will buy.`;
}
