import type { Clock } from '../clock.ts';
import type { CloudCall, CloudCustomers, CloudOrders, CloudReservation, MicrosoftCloud, PolicyResource } from '../microsoftCloud.ts';
import { AzureReservationChanges } from './azureReservationChanges.ts';
import { AzureResources } from './azureResources.ts';
import type { CloudSettings } from './cloudSettings.ts';
import { CloudTokens } from './cloudTokens.ts';
import { PartnerCenterCarts } from './partnerCenterCarts.ts';
import { PartnerCenterClient } from './partnerCenterClient.ts';

/**
 * The partner's real systems behind the port: Partner Center (customers, subscriptions, self-serve policies, carts) and
 * Azure Resource Manager (Owner role assignments, reservation orders and their changes), over HTTPS with one set of app
 * credentials.
 */
export class PartnerCenterCloud implements MicrosoftCloud {
  readonly name = 'Partner Center';
  readonly listsCustomerUsers = false;
  private readonly partnerCenter: PartnerCenterClient;
  private readonly azure: AzureResources;
  /** Purchases as Partner Center carts; approved changes as Azure's reservation operations (R8, R17). */
  readonly orders: CloudOrders;

  constructor(settings: CloudSettings, clock: Clock) {
    const tokens = new CloudTokens(settings);
    this.partnerCenter = new PartnerCenterClient(settings, tokens);
    this.azure = new AzureResources(settings, (tenantId) => tokens.credential(tenantId), clock);
    const carts = new PartnerCenterCarts(settings, tokens);
    const changes = new AzureReservationChanges(settings, (tenantId) => tokens.credential(tenantId), clock);
    this.orders = {
      buy: (call, purchase) => carts.buy(call, purchase),
      reservation: (customerId, ids) => changes.reservation(customerId, ids),
      quoteRefund: (...args) => changes.quoteRefund(...args),
      refund: (...args) => changes.refund(...args),
      quoteExchange: (...args) => changes.quoteExchange(...args),
      exchange: (...args) => changes.exchange(...args),
      update: (...args) => changes.update(...args),
    };
  }

  customers(call: CloudCall): Promise<CloudCustomers> {
    return this.partnerCenter.customers(call);
  }

  setPermission(call: CloudCall, customerId: string, resource: PolicyResource, enabled: boolean): Promise<{ changed: boolean }> {
    return this.partnerCenter.setPermission(call, customerId, resource, enabled);
  }

  isOwner(customerId: string, azureSubscriptionId: string, userId: string): Promise<boolean> {
    return this.azure.isOwner(customerId, azureSubscriptionId, userId);
  }

  hasOwners(customerId: string, azureSubscriptionIds: readonly string[]): Promise<boolean> {
    return this.azure.hasOwners(customerId, azureSubscriptionIds);
  }

  reservations(customerId: string): Promise<CloudReservation[]> {
    return this.azure.reservations(customerId);
  }
}
