import { AuthorizationManagementClient, type RoleAssignment } from '@azure/arm-authorization';
import { AzureReservationAPI } from '@azure/arm-reservations';
import { systemClock, utcDay, type Clock } from '../clock.ts';
import type { CloudReservation, MicrosoftCloud } from '../microsoftCloud.ts';
import { armCall } from './armCall.ts';
import { armClientOptions, type ArmSettings } from './armClientOptions.ts';
import { perTenant } from './perTenant.ts';
import { reservationFromAzure } from './reservationFromAzure.ts';

/** The credential both ARM clients take (`@azure/core-auth`'s TokenCredential). */
export type TokenCredential = ConstructorParameters<typeof AzureReservationAPI>[0];

export interface AzureResourcesSettings extends ArmSettings {
  /** R5 is asked when the permission is turned on and again at purchase: a short cache spares Azure the repeats. */
  ownerCacheMs?: number;
  /** Listing a customer's reservations is the sync's, not a turn's: it may take longer than a chat answer (default 60 s). */
  backgroundTimeoutMs?: number;
}

/** Azure's built-in Owner role definition: the same GUID in every tenant. */
const ownerRole = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const isOwnerAssignment = (a: RoleAssignment) => a.roleDefinitionId?.toLowerCase().endsWith(`/${ownerRole}`) ?? false;
/** The customer's own people; the partner's admin-on-behalf-of and GDAP groups show as ForeignGroup. */
const customerPrincipalTypes = new Set(['User', 'Group']);

const readerNeed = (subscriptionId: string) => `an Azure role (Reader at least) on the customer's subscription ${subscriptionId}`;

/**
 * The Azure Resource Manager side of the port: R5's Owner checks (role assignments) and the customer's reservation
 * orders (R11, R12), with the official clients. The customer's tenant id is its customer id: the partner reaches the
 * customer's subscriptions through admin-on-behalf-of or GDAP, so every token is asked of the customer's tenant.
 */
export class AzureResources implements Pick<MicrosoftCloud, 'isOwner' | 'hasOwners' | 'reservations'> {
  private readonly ownerCacheMs: number;
  private readonly cache = new Map<string, { value: boolean; at: number }>();
  private readonly authorizationClients = new Map<string, AuthorizationManagementClient>();
  private readonly reservationClient: (tenantId: string) => AzureReservationAPI;

  constructor(
    private readonly settings: AzureResourcesSettings,
    private readonly credentialFor: (tenantId: string) => TokenCredential,
    private readonly clock: Clock = systemClock,
  ) {
    this.ownerCacheMs = settings.ownerCacheMs ?? 120_000;
    this.reservationClient = perTenant((tenantId) => new AzureReservationAPI(credentialFor(tenantId), armClientOptions(settings)));
  }

  /** R5: Owner at the subscription or above it, held by the user or by a group they are in (assignedTo() is transitive). */
  isOwner(customerId: string, azureSubscriptionId: string, userId: string): Promise<boolean> {
    return this.cached(`owner|${azureSubscriptionId}|${userId}`, () =>
      this.ownerAssignments(customerId, azureSubscriptionId, `atScope() and assignedTo('${userId}')`, `whether this person holds Owner on Azure subscription ${azureSubscriptionId}`).then(
        (found) => found.length > 0,
      ),
    );
  }

  /** R5: whether someone of the customer holds Owner on any of these subscriptions (partner groups do not count). */
  async hasOwners(customerId: string, azureSubscriptionIds: readonly string[]): Promise<boolean> {
    for (const subscriptionId of azureSubscriptionIds) {
      const owned = await this.cached(`owners|${subscriptionId}`, () =>
        this.ownerAssignments(customerId, subscriptionId, 'atScope()', `the Owners of Azure subscription ${subscriptionId}`).then((found) =>
          found.some((a) => customerPrincipalTypes.has(a.principalType ?? '')),
        ),
      );
      if (owned) return true;
    }
    return false;
  }

  /** Every reservation of every reservation order the customer's tenant shows the partner, wherever it was bought (for the sync). */
  reservations(customerId: string): Promise<CloudReservation[]> {
    const client = this.reservationClient(customerId);
    const purpose = { what: `the reservations of customer ${customerId}`, partnerNeeds: 'the Reservations Reader role (or Reader on the reservation orders) in the customer\'s tenant' };
    return armCall(this.settings.backgroundTimeoutMs ?? 60_000, purpose, async (abortSignal) => {
      const today = utcDay(this.clock());
      const found: CloudReservation[] = [];
      for await (const order of client.reservationOrder.list({ abortSignal })) {
        for await (const reservation of client.reservation.list(order.name ?? '', { abortSignal })) found.push(reservationFromAzure(order, reservation, today));
      }
      return found;
    });
  }

  private ownerAssignments(customerId: string, subscriptionId: string, filter: string, what: string): Promise<RoleAssignment[]> {
    const client = this.authorizationClient(customerId, subscriptionId);
    return armCall(this.settings.callTimeoutMs, { what, partnerNeeds: readerNeed(subscriptionId) }, async (abortSignal) => {
      const owners: RoleAssignment[] = [];
      for await (const assignment of client.roleAssignments.listForSubscription({ filter, abortSignal })) if (isOwnerAssignment(assignment)) owners.push(assignment);
      return owners;
    });
  }

  /** Only answers are kept, never failures: the next ask after a failure asks Azure again. */
  private async cached(key: string, ask: () => Promise<boolean>): Promise<boolean> {
    const now = this.clock().getTime();
    const kept = this.cache.get(key);
    if (kept && now - kept.at < this.ownerCacheMs) return kept.value;
    const value = await ask();
    this.cache.set(key, { value, at: now });
    return value;
  }

  /** One client per subscription (the role-assignment client is bound to one), each keeping its tokens. */
  private authorizationClient(tenantId: string, subscriptionId: string): AuthorizationManagementClient {
    const key = `${tenantId}|${subscriptionId}`;
    let client = this.authorizationClients.get(key);
    if (!client) this.authorizationClients.set(key, (client = new AuthorizationManagementClient(this.credentialFor(tenantId), subscriptionId, armClientOptions(this.settings))));
    return client;
  }
}
