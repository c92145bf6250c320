import { randomUUID } from 'node:crypto';
import type { PolicyResource } from '../../services/microsoftCloud.ts';
import type { Claims, FakeEntra } from './fakeEntra.ts';
import { fakeCarts, type CartsState, type Provision } from './fakePartnerCenterCarts.ts';
import type { CatalogueSeed } from './fakePartnerCenterCatalogue.ts';
// Error codes 600039 and 600041 are documented for self-serve policies; the others are this fake's.
import { collection, pcError as error } from './partnerCenterReplies.ts';
import { startLoopbackServer, type LoopbackServer, type Pick, type RecordedRequest, type Reply } from './loopbackServer.ts';

export type SubscriptionStatus = 'active' | 'suspended' | 'deleted' | 'disabled' | 'expired' | 'pending';

export interface EntitlementSeed {
  /** The Azure subscription id. */
  id: string;
  friendlyName: string;
  status?: SubscriptionStatus;
}

export interface SubscriptionSeed {
  id: string;
  offerName: string;
  offerId?: string;
  /** `usage` for an Azure plan, `license` for seats. */
  billingType: 'usage' | 'license' | 'none';
  status?: SubscriptionStatus;
  friendlyName?: string;
  quantity?: number;
  /** An Azure plan's Azure subscriptions. */
  entitlements?: EntitlementSeed[];
}

export interface CustomerSeed {
  /** The customer's tenant id. */
  id: string;
  name: string;
  domain: string;
  subscriptions?: SubscriptionSeed[];
  /** The resources its SelfServePolicy names; none: no policy. */
  permissions?: PolicyResource[];
}

export const azurePlan = { offerName: 'Azure plan', offerId: 'DZH318Z0BPS6:0001', billingType: 'usage' } as const;

interface Policy {
  customerId: string;
  resources: PolicyResource[];
  etag: string;
}

export interface FakePartnerCenterOptions {
  entra: FakeEntra;
  partnerTenantId: string;
  clientId: string;
  customers?: CustomerSeed[];
  /** The largest page of customers it answers, whatever `size` asks (to make paging happen with few customers). */
  maxPageSize?: number;
  /** The Azure reservations it sells; none: an empty catalogue. */
  catalogue?: CatalogueSeed[];
  /** Makes the reservation in Azure when a checkout buys it; without it, orders stay pending and yield no entitlements. */
  provision?: Provision;
}

/** What Partner Center holds; the setters change it "behind the bot's back", as the Partner Center dashboard would. */
export interface PartnerCenterState extends CartsState {
  customers: Map<string, CustomerSeed>;
  addCustomer(customer: CustomerSeed): void;
  setSubscriptionStatus(customerId: string, subscriptionId: string, status: SubscriptionStatus): void;
  /** The resources the customer's policy names, or undefined without a policy. */
  policyOf(customerId: string): PolicyResource[] | undefined;
  createPolicy(customerId: string, resources: PolicyResource[]): void;
  deletePolicy(customerId: string): void;
  /** How many policies exist (a retried write must not make two). */
  policyCount(): number;
  /** Partner Center no longer remembers the MS-RequestIds of these earlier writes (how long it does is not documented): sent again, they are done again. */
  forgetRequestIds(only: Pick): void;
}

/** The server (url, requests, faults: throttle, fail, hang, down/up, close) and Partner Center's state. */
export interface FakePartnerCenter extends LoopbackServer {
  readonly state: PartnerCenterState;
}

const audience = 'https://api.partnercenter.microsoft.com';
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const resources: readonly string[] = ['AzureReservedInstances', 'AzureSavingsPlan'];



export async function startFakePartnerCenter(options: FakePartnerCenterOptions): Promise<FakePartnerCenter> {
  const { entra, partnerTenantId, maxPageSize = 500 } = options;
  const customers = new Map((options.customers ?? []).map((c) => [c.id, structuredClone(c)]));
  const policies = new Map<string, Policy>();
  const policyId = (customerId: string) => `${partnerTenantId}_${customerId}`;
  const newEtag = () => Buffer.from(randomUUID()).toString('base64url');
  /** Answers given to writes, by MS-RequestId: the same request again gets the same answer and no second effect. */
  const answered = new Map<string, { route: string; reply: Reply; request: RecordedRequest }>();
  const carts = fakeCarts(
    {
      exists: (customerId) => customers.has(customerId),
      hasActiveAzureSubscription: (customerId, subscriptionId) =>
        (customers.get(customerId)?.subscriptions ?? []).some((s) => s.billingType === 'usage' && (s.status ?? 'active') === 'active' && (s.entitlements ?? []).some((e) => e.id === subscriptionId && (e.status ?? 'active') === 'active')),
    },
    options.catalogue ?? [],
    options.provision,
  );
  for (const c of customers.values()) if (c.permissions?.length) policies.set(policyId(c.id), { customerId: c.id, resources: [...c.permissions], etag: newEtag() });

  const policyJson = (p: Policy) => ({
    id: policyId(p.customerId),
    selfServeEntity: { selfServeEntityType: 'customer', tenantID: p.customerId },
    grantor: { grantorType: 'billToPartner', tenantID: partnerTenantId },
    permissions: p.resources.map((resource) => ({ action: 'Purchase', resource })),
    attributes: { etag: p.etag, objectType: 'SelfServePolicy' },
  });
  const customerJson = (c: CustomerSeed) => ({
    id: c.id,
    commerceId: c.id,
    companyProfile: { tenantId: c.id, domain: c.domain, companyName: c.name, attributes: { objectType: 'CustomerCompanyProfile' } },
    relationshipToPartner: 'reseller',
    attributes: { objectType: 'Customer' },
  });
  const subscriptionJson = (s: SubscriptionSeed) => ({
    id: s.id,
    offerId: s.offerId ?? s.id,
    offerName: s.offerName,
    friendlyName: s.friendlyName ?? s.offerName,
    quantity: s.quantity ?? 1,
    unitType: s.billingType === 'usage' ? 'Usage-based' : 'Licenses',
    status: s.status ?? 'active',
    autoRenewEnabled: s.billingType !== 'usage',
    isTrial: false,
    billingType: s.billingType,
    billingCycle: s.billingType === 'usage' ? 'none' : 'monthly',
    contractType: 'subscription',
    attributes: { etag: 'subscription-etag', objectType: 'Subscription' },
  });

  async function authorize(request: RecordedRequest): Promise<Claims | Reply> {
    const token = /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
    const claims = token ? await entra.verify(token, { audience }) : undefined;
    if (!claims || claims.tid !== partnerTenantId) return error(401, '401', 'Unauthorized: the bearer token is missing, expired, or not for Partner Center in the partner tenant.');
    return claims;
  }

  function customersPage(request: RecordedRequest): Reply {
    const size = Math.min(Number(request.query.size ?? 500) || 500, maxPageSize);
    const continuation = request.headers['ms-continuationtoken'];
    const from = continuation ? Number(Buffer.from(String(continuation), 'base64url').toString()) : 0;
    if (!Number.isInteger(from) || from < 0) return error(400, '400', 'The continuation token is not valid.');
    const all = [...customers.values()];
    const page = all.slice(from, from + size);
    const next = from + size < all.length ? { uri: `/v1/customers?size=${size}&seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: Buffer.from(String(from + size)).toString('base64url') }] } : undefined;
    return { status: 200, body: collection(page.map(customerJson), { self: { uri: `/v1/customers?size=${size}`, method: 'GET', headers: [] }, ...(next ? { next } : {}) }) };
  }

  function write(request: RecordedRequest, id: string | undefined): Reply {
    if (request.method === 'POST') {
      let body: { selfServeEntity?: { selfServeEntityType?: string; tenantID?: string }; grantor?: { grantorType?: string; tenantID?: string }; permissions?: { action?: string; resource?: string }[] };
      try {
        body = JSON.parse(request.body);
      } catch {
        return error(400, '400', 'The request body is not JSON.');
      }
      const customerId = body.selfServeEntity?.tenantID ?? '';
      const wanted = permissionsOf(body.permissions);
      if (body.selfServeEntity?.selfServeEntityType !== 'customer' || !customers.has(customerId)) return error(400, '400', 'selfServeEntity must name a customer of the partner (selfServeEntityType "customer", tenantID).');
      if (body.grantor?.grantorType !== 'billToPartner' || body.grantor.tenantID !== partnerTenantId) return error(400, '400', 'grantor must be the partner (grantorType "billToPartner", tenantID).');
      if (!wanted) return error(400, '400', 'permissions must name AzureReservedInstances or AzureSavingsPlan with action "Purchase".');
      if (policies.has(policyId(customerId))) return error(409, '600041', 'Self-serve policy already exists.');
      const policy = { customerId, resources: wanted, etag: newEtag() };
      policies.set(policyId(customerId), policy);
      return { status: 201, body: policyJson(policy) };
    }
    const policy = id ? policies.get(id) : undefined;
    if (!policy || !id) return error(404, '600039', 'Self-serve policy not found.');
    if (request.method === 'DELETE') {
      policies.delete(id);
      return { status: 204 };
    }
    let body: { permissions?: { action?: string; resource?: string }[]; attributes?: { etag?: string } };
    try {
      body = JSON.parse(request.body);
    } catch {
      return error(400, '400', 'The request body is not JSON.');
    }
    const etag = request.headers['if-match'] ?? body.attributes?.etag;
    if (etag !== policy.etag) return error(412, '412', 'The self-serve policy has changed since it was read (etag mismatch): read it again.');
    const wanted = permissionsOf(body.permissions);
    if (!wanted) return error(400, '400', 'permissions must name AzureReservedInstances or AzureSavingsPlan with action "Purchase"; delete the policy to remove the last one.');
    Object.assign(policy, { resources: wanted, etag: newEtag() });
    return { status: 200, body: policyJson(policy) };
  }

  /** A write done once per MS-RequestId: repeated (a retry after a timeout), it is answered as the first time and not done again. */
  function once(request: RecordedRequest, write: () => Reply): Reply {
    const requestId = String(request.headers['ms-requestid'] ?? '');
    if (!guid.test(requestId)) return error(400, '400', 'MS-RequestId must be a GUID.');
    const route = `${request.method} ${request.path}`;
    const earlier = answered.get(requestId);
    if (earlier && earlier.route === route) return earlier.reply;
    const reply = write();
    answered.set(requestId, { route, reply, request });
    return reply;
  }

  async function handle(request: RecordedRequest): Promise<Reply> {
    const claims = await authorize(request);
    if (!('tid' in claims)) return claims;
    const parts = request.path.split('/').filter(Boolean);
    if (parts[0] !== 'v1') return error(404, '404', 'Not found.');
    const [, collectionName, id, sub, subscriptionId, leaf] = parts;
    const appUser = claims.idtyp !== 'app' && Boolean(claims.scp);
    if (collectionName?.toLowerCase() === 'selfservepolicy') {
      // Self-serve policies accept App+User credentials only.
      if (!appUser) return error(403, '403', 'This operation requires App+User credentials; app-only tokens are not allowed.');
      if (request.method === 'GET') {
        if (id) return policies.has(id) ? { status: 200, body: policyJson(policies.get(id)!) } : error(404, '600039', 'Self-serve policy not found.');
        const entity = request.query.entity_id ?? '';
        return { status: 200, body: collection([...policies.values()].filter((p) => p.customerId === entity).map(policyJson)) };
      }
      return once(request, () => write(request, id));
    }
    if (collectionName === 'customers' && id && sub) {
      const commerce = request.method === 'GET' ? carts.handle(request, id, parts.slice(3), appUser) : once(request, () => carts.handle(request, id, parts.slice(3), appUser) ?? error(404, '404', 'Not found.'));
      if (commerce) return commerce;
    }
    if (collectionName !== 'customers' || request.method !== 'GET') return error(404, '404', 'Not found.');
    if (!id) return customersPage(request);
    const customer = customers.get(id);
    if (!customer) return error(404, '600008', `Customer ${id} not found.`);
    if (!sub) return { status: 200, body: customerJson(customer) };
    if (sub !== 'subscriptions') return error(404, '404', 'Not found.');
    if (!subscriptionId) return { status: 200, body: collection((customer.subscriptions ?? []).map(subscriptionJson)) };
    const subscription = customer.subscriptions?.find((s) => s.id === subscriptionId);
    if (!subscription) return error(404, '800002', `Subscription ${subscriptionId} not found.`);
    if (!leaf) return { status: 200, body: subscriptionJson(subscription) };
    if (leaf.toLowerCase() !== 'azureentitlements') return error(404, '404', 'Not found.');
    const entitlements = (subscription.entitlements ?? []).map((e) => ({ id: e.id, friendlyName: e.friendlyName, status: e.status ?? 'active', subscriptionId: subscription.id, attributes: { objectType: 'AzureEntitlement' } }));
    return { status: 200, body: collection(entitlements) };
  }

  const server = await startLoopbackServer(handle, {
    throttled: (seconds) => ({ ...error(429, '429', 'Too many requests: the rate limit was exceeded.'), headers: { 'retry-after': String(seconds) } }),
    failed: (status) => error(status, String(status), 'The service had an internal error.'),
  });

  return {
    ...server,
    state: {
      customers,
      addCustomer: (customer) => customers.set(customer.id, structuredClone(customer)),
      setSubscriptionStatus(customerId, subscriptionId, status) {
        const subscription = customers.get(customerId)?.subscriptions?.find((s) => s.id === subscriptionId || s.entitlements?.some((e) => e.id === subscriptionId));
        if (!subscription) throw new Error(`no subscription ${subscriptionId} of ${customerId}`);
        const entitlement = subscription.entitlements?.find((e) => e.id === subscriptionId);
        if (entitlement) entitlement.status = status;
        else subscription.status = status;
      },
      policyOf: (customerId) => policies.get(policyId(customerId))?.resources.slice(),
      createPolicy: (customerId, wanted) => policies.set(policyId(customerId), { customerId, resources: [...wanted], etag: newEtag() }),
      deletePolicy: (customerId) => policies.delete(policyId(customerId)),
      policyCount: () => policies.size,
      forgetRequestIds(only) {
        for (const [requestId, earlier] of answered) if (only(earlier.request)) answered.delete(requestId);
      },
      ...carts.state,
    },
  };
}

function permissionsOf(permissions: { action?: string; resource?: string }[] | undefined): PolicyResource[] | undefined {
  if (!Array.isArray(permissions) || permissions.length === 0) return undefined;
  if (!permissions.every((p) => p.action === 'Purchase' && resources.includes(p.resource ?? ''))) return undefined;
  return [...new Set(permissions.map((p) => p.resource as PolicyResource))];
}
