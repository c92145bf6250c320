import type { Store } from '../../data/store.ts';
import { EmbeddedCloud } from '../../services/embeddedCloud.ts';
import { CloudError, type CloudOrders, type CloudCustomer, type CloudCustomers, type CloudReservation, type MicrosoftCloud, type PolicyResource } from '../../services/microsoftCloud.ts';

/**
 * Partner Center and Azure as the port sees them, scripted by a test: it starts as the embedded world's copy, then
 * the test changes it "behind the bot's back" (a policy deleted in the dashboard, a reservation bought in the portal,
 * an outage). The HTTP fakes in test/fakes play the same at the wire.
 */
export class ScriptedCloud implements MicrosoftCloud {
  readonly name = 'Partner Center';
  readonly listsCustomerUsers = false;
  world: CloudCustomer[] = [];
  bought = new Map<string, CloudReservation[]>();
  owners = new Set<string>();
  down = false;
  /** Partner Center carts and Azure's reservation operations, when a test gives them (see ScriptedOrders). */
  orders?: CloudOrders;
  writes: { customerId: string; resource: PolicyResource; enabled: boolean; correlationId: string; userToken?: string }[] = [];

  static async of(store: Store): Promise<ScriptedCloud> {
    const cloud = new ScriptedCloud();
    cloud.world = (await new EmbeddedCloud(store).customers()).customers;
    return cloud;
  }

  /** Customers Partner Center lists but will not show the subscriptions or policy of. */
  unreadable = new Set<string>();

  async customers(): Promise<CloudCustomers> {
    this.check();
    const unread = this.world.filter((c) => this.unreadable.has(c.id));
    return { customers: structuredClone(this.world.filter((c) => !this.unreadable.has(c.id))), unread: unread.map((c) => ({ id: c.id, name: c.name, reason: 'Partner Center said "Forbidden" (HTTP 403).' })) };
  }

  async setPermission(call: { correlationId: string; userToken?: string }, customerId: string, resource: PolicyResource, enabled: boolean) {
    this.check();
    const customer = this.world.find((c) => c.id === customerId)!;
    const changed = customer.permissions[resource] !== enabled;
    customer.permissions[resource] = enabled;
    this.writes.push({ customerId, resource, enabled, ...call });
    return { changed };
  }

  async isOwner(_customerId: string, subscriptionId: string, userId: string) {
    this.check();
    return this.owners.has(`${subscriptionId}|${userId}`);
  }

  async hasOwners(_customerId: string, subscriptionIds: readonly string[]) {
    this.check();
    return [...this.owners].some((o) => subscriptionIds.includes(o.split('|')[0]!));
  }

  async reservations(customerId: string): Promise<CloudReservation[]> {
    this.check();
    return this.bought.get(customerId) ?? [];
  }

  private check() {
    if (this.down) throw new CloudError('unavailable', 'Partner Center did not answer within 4 s.');
  }
}
