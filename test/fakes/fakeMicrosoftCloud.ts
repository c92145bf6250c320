import { worldSchema, type World, type WorldInput } from '../../data/schemas.ts';
import type { AzureReservationIds } from '../../services/microsoftCloud.ts';
import { testWorld } from '../helpers/testWorld.ts';
import { startFakeAzure, type FakeAzure, type PortalPurchase } from './fakeAzure.ts';
import { startFakeEntra, type EntraUser, type FakeEntra } from './fakeEntra.ts';
import { azurePlan, startFakePartnerCenter, type CustomerSeed, type FakePartnerCenter, type FakePartnerCenterOptions } from './fakePartnerCenter.ts';

/** The partner's app as registered in Entra ID: Teams single sign-on tokens are issued to it, and it calls Partner Center and Azure. */
export const fakeApp = { clientId: '7d0c9e2a-6f1b-4c3e-9a5d-2b8f4e6a1c30', secret: 'fake-app-secret' } as const;
/** The group through which the partner holds Owner on its customers' subscriptions (admin-on-behalf-of). */
const partnerGroup = 'partner-admin-agents-foreign-group';

/** Entra ID, Partner Center and Azure Resource Manager on loopback, holding one world, and what a bot needs to use them. */
export interface FakeMicrosoftCloud {
  entra: FakeEntra;
  partnerCenter: FakePartnerCenter;
  azure: FakeAzure;
  /** The bot's environment for Partner Center mode against these fakes (and to accept their users' tokens). */
  env: Record<string, string>;
  /** A user's token for the bot's app, as Teams single sign-on or an HTTP API client would hold it. */
  userToken(user: EntraUser): Promise<string>;
  /** All three stop answering (connections refused), or answer again. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The fakes holding `world` (the test world by default) as Partner Center and Azure would: each customer with its
 * Azure Plan (its Azure subscriptions as entitlements) and other subscriptions, a self-serve policy where the
 * permission is on, the Owners as role assignments, and the partner's admin-on-behalf-of access to every subscription.
 */
export async function startFakeMicrosoftCloud(input: WorldInput = testWorld()): Promise<FakeMicrosoftCloud> {
  const world = worldSchema.parse(input);
  const partnerTenantId = world.partner.tenantId;
  const entra = await startFakeEntra();
  entra.registerApp({ clientId: fakeApp.clientId, tenantId: partnerTenantId, secret: fakeApp.secret });
  const accountRefreshToken = 'fake-account-refresh-token';
  const admin = world.partner.agents.find((a) => a.role === 'AdminAgent');
  if (admin) entra.registerRefreshToken(accountRefreshToken, { tenantId: partnerTenantId, userId: admin.userId, name: admin.name });

  const customers: CustomerSeed[] = world.customers.map((c) => ({
    id: c.id,
    name: c.name,
    domain: c.domain,
    subscriptions: c.subscriptions.map((s) =>
      /^azure(plan|global)$/i.test(s.offer) && s.usageBased
        ? { ...azurePlan, id: `plan-${s.id}`, friendlyName: 'Azure plan', status: s.status, entitlements: [{ id: s.id, friendlyName: s.name ?? s.id, status: s.status }] }
        : { id: s.id, offerName: s.offer, billingType: s.usageBased ? 'usage' : 'license', status: s.status, friendlyName: s.name },
    ),
    permissions: [...(c.purchasePermission ? (['AzureReservedInstances'] as const) : []), ...(c.savingsPlanPermission ? (['AzureSavingsPlan'] as const) : [])],
  }));
  const partnerCenter = await startFakePartnerCenter({ entra, partnerTenantId, clientId: fakeApp.clientId, customers, ...purchasesIn(world, (customerId, purchase) => azure.buyInPortal(customerId, purchase)) });

  const azure: FakeAzure = await startFakeAzure({
    verifyToken: async (token) => {
      const claims = (await entra.verify(token, { audience: azure.url })) ?? (await entra.verify(token, { audience: `${azure.url}/` }));
      return claims && { tid: claims.tid, oid: claims.oid, aud: String(claims.aud) };
    },
  });
  azure.addToGroup(partnerGroup, fakeApp.clientId);
  for (const customer of world.customers) {
    for (const subscription of customer.subscriptions) {
      azure.addSubscription(customer.id, subscription.id);
      azure.grantRole(subscription.id, partnerGroup, 'Owner', 'ForeignGroup');
      for (const owner of subscription.owners) azure.grantRole(subscription.id, owner, 'Owner', 'User');
    }
  }

  const all = [entra, partnerCenter, azure];
  return {
    entra,
    partnerCenter,
    azure,
    env: {
      PARTNER_TENANT_ID: partnerTenantId,
      PARTNER_CENTER_CLIENT_ID: fakeApp.clientId,
      PARTNER_CENTER_CLIENT_SECRET: fakeApp.secret,
      PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN: accountRefreshToken,
      PARTNER_CENTER_URL: partnerCenter.url,
      AZURE_RESOURCE_MANAGER_URL: azure.url,
      AZURE_AUTHORITY_HOST: entra.authorityHost,
      AUTH_AUDIENCE: `api://bot.test/${fakeApp.clientId}`,
      AUTH_ISSUER: entra.issuerPattern,
      AUTH_JWKS: entra.jwksUrl,
    },
    userToken: (user) => entra.issueUserToken(user),
    down: async () => void (await Promise.all(all.map((s) => s.down()))),
    up: async () => void (await Promise.all(all.map((s) => s.up()))),
    close: async () => void (await Promise.all(all.map((s) => s.close()))),
  };
}

/**
 * Purchases through Partner Center: its catalogue is the world's (each priced SKU, region and term), and a checkout
 * makes the reservation in Azure as a portal purchase billed to the line's subscription, with its scope.
 */
function purchasesIn(world: World, buyInAzure: (customerId: string, purchase: PortalPurchase) => AzureReservationIds): Pick<FakePartnerCenterOptions, 'catalogue' | 'provision'> {
  const products = new Map(world.products.map((p) => [p.sku.toLowerCase(), p]));
  return {
    catalogue: world.prices.map((price) => ({ sku: price.sku, name: products.get(price.sku.toLowerCase())?.name ?? price.sku, type: products.get(price.sku.toLowerCase())?.type ?? price.sku, region: price.region, term: price.term, currency: price.currency })),
    provision: (customerId, line) =>
      buyInAzure(customerId, {
        sku: line.sku,
        location: line.region,
        quantity: line.quantity,
        term: line.term,
        billingPlan: 'Upfront',
        billingScopeId: `/subscriptions/${line.subscriptionId}`,
        appliedScopeType: line.scope === 'shared' ? 'Shared' : 'Single',
        ...(line.scope === 'single' ? { appliedScopes: [`/subscriptions/${line.subscriptionId}`] } : {}),
        ...(line.friendlyName ? { displayName: line.friendlyName } : {}),
      }),
  };
}
