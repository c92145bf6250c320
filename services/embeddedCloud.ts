import type { Store } from '../data/store.ts';
import type { Customer } from '../data/schemas.ts';
import type { CloudCustomer, CloudCustomers, CloudReservation, MicrosoftCloud } from './microsoftCloud.ts';

/**
 * The embedded world as the Microsoft cloud: the store's own directory is the system of record (the demo and the test
 * default). Its customers, subscriptions and Owners are what the world file gave; a permission is changed by the
 * service's own transaction, so there is nothing more to do here; nobody buys outside the bot.
 */
export class EmbeddedCloud implements MicrosoftCloud {
  readonly name = 'the demo world';
  readonly listsCustomerUsers = true;

  constructor(private readonly store: Store) {}

  async customers(): Promise<CloudCustomers> {
    const customers = await this.store.customers((await this.store.customerNames()).map((c) => c.id));
    return { unread: [], customers: customers.map((c) => this.asCloud(c)) };
  }

  private asCloud(c: Customer): CloudCustomer {
    return {
      id: c.id,
      name: c.name,
      domain: c.domain,
      subscriptions: c.subscriptions.map(({ owners: _owners, ...subscription }) => subscription),
      permissions: { AzureReservedInstances: c.purchasePermission.enabled, AzureSavingsPlan: c.savingsPlanPermission.enabled },
    };
  }

  async setPermission(): Promise<{ changed: boolean }> {
    return { changed: true };
  }

  async isOwner(customerId: string, azureSubscriptionId: string, userId: string): Promise<boolean> {
    return (await this.subscription(customerId, azureSubscriptionId))?.owners.includes(userId) ?? false;
  }

  async hasOwners(customerId: string, azureSubscriptionIds: readonly string[]): Promise<boolean> {
    const customer = await this.store.customer(customerId);
    return customer?.subscriptions.some((s) => azureSubscriptionIds.includes(s.id) && s.owners.length > 0) ?? false;
  }

  async reservations(): Promise<CloudReservation[]> {
    return [];
  }

  private async subscription(customerId: string, id: string) {
    return (await this.store.customer(customerId))?.subscriptions.find((s) => s.id === id);
  }
}
