import type { Clock } from '../clock.ts';
import type { CloudCall, CloudCustomers, CloudReservation, MicrosoftCloud, PolicyResource } from '../microsoftCloud.ts';
import { AzureResources } from './azureResources.ts';
import type { CloudSettings } from './cloudSettings.ts';
import { CloudTokens } from './cloudTokens.ts';
import { PartnerCenterClient } from './partnerCenterClient.ts';

/**
 * The partner's real systems behind the port: Partner Center (customers, subscriptions, self-serve policies) and Azure
 * Resource Manager (Owner role assignments, reservation orders), over HTTPS with one set of app credentials.
 */
export class PartnerCenterCloud implements MicrosoftCloud {
  readonly name = 'Partner Center';
  readonly listsCustomerUsers = false;
  private readonly partnerCenter: PartnerCenterClient;
  private readonly azure: AzureResources;

  constructor(settings: CloudSettings, clock: Clock) {
    const tokens = new CloudTokens(settings);
    this.partnerCenter = new PartnerCenterClient(settings, tokens);
    this.azure = new AzureResources(settings, (tenantId) => tokens.credential(tenantId), clock);
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
