import { bulkhead } from 'cockatiel';
import { CloudError, policyResources, type CloudCall, type CloudCustomers, type PolicyResource } from '../microsoftCloud.ts';
import type { CloudSettings } from './cloudSettings.ts';
import { settingNames } from './cloudSettings.ts';
import type { CloudTokens } from './cloudTokens.ts';
import { PartnerCenterHttp, refusal, shapeOf } from './partnerCenterHttp.ts';
import { collectionOf, customerShape, entitlementShape, policyShape, subscriptionShape, type PartnerCenterPolicy } from './partnerCenterShapes.ts';
import { deadlineFor, type Deadline } from './resilience.ts';
import { isAzurePlan, subscriptionRows } from './subscriptionRows.ts';

const resource = 'https://api.partnercenter.microsoft.com';
const pageSize = 100;
/** Customers read at once: enough to make a sync of hundreds quick, few enough to stay under Partner Center's rate limits. */
const concurrency = 4;

/** Partner Center's side of the MicrosoftCloud port: customers with their Azure subscriptions, and self-serve policies. */
export class PartnerCenterClient {
  private readonly http: PartnerCenterHttp;

  constructor(
    private readonly settings: CloudSettings,
    private readonly tokens: CloudTokens,
  ) {
    this.http = new PartnerCenterHttp(settings.partnerCenterUrl);
  }

  /** Every customer, with its subscriptions (an Azure plan's Azure entitlements) and the permissions its SelfServePolicy names. */
  async customers(call: CloudCall): Promise<CloudCustomers> {
    const deadline = () => deadlineFor(this.settings);
    const appToken = await this.tokens.app(resource, this.settings.partnerTenantId, deadline());
    // Self-serve policies are App+User only: the agent's own sign-in when there is one, else the configured account.
    const userToken = await this.policyReader(call, deadline());
    const get = (path: string, token = appToken) => ({ method: 'GET' as const, path, token, correlationId: call.correlationId });

    const listed: { id: string; name: string; domain: string }[] = [];
    let page = await this.http.read(get(`/v1/customers?size=${pageSize}`), deadline(), collectionOf(customerShape));
    for (;;) {
      listed.push(...page.items.map((c) => ({ id: c.id, name: c.companyProfile.companyName, domain: c.companyProfile.domain })));
      const next = page.links?.next;
      if (!next || page.items.length === 0) break;
      const headers = Object.fromEntries(next.headers.map((h) => [h.key, h.value]));
      page = await this.http.read({ ...get(apiPath(next.uri)), headers }, deadline(), collectionOf(customerShape));
    }

    const limit = bulkhead(concurrency, Number.POSITIVE_INFINITY);
    const result: CloudCustomers = { customers: [], unread: [] };
    await Promise.all(
      listed.map((customer) =>
        limit.execute(async () => {
          try {
            const id = encodeURIComponent(customer.id);
            const subscriptions = (await this.http.read(get(`/v1/customers/${id}/subscriptions`), deadline(), collectionOf(subscriptionShape))).items;
            const rows = [];
            for (const subscription of subscriptions) {
              const entitlements = isAzurePlan(subscription)
                ? (await this.http.read(get(`/v1/customers/${id}/subscriptions/${encodeURIComponent(subscription.id)}/azureentitlements`), deadline(), collectionOf(entitlementShape))).items
                : [];
              rows.push(...subscriptionRows(subscription, entitlements));
            }
            const policies = (await this.http.read(get(`/v1/SelfServePolicy?entity_id=${id}`, userToken), deadline(), collectionOf(policyShape))).items;
            const named = new Set(policies.flatMap((p) => p.permissions.map((permission) => permission.resource)));
            const permissions = Object.fromEntries(policyResources.map((r) => [r, named.has(r)])) as Record<PolicyResource, boolean>;
            result.customers.push({ ...customer, subscriptions: rows, permissions });
          } catch (err) {
            // One customer Partner Center will not show (a relationship being ended, say) keeps no other from the sync.
            if (!(err instanceof CloudError)) throw err;
            result.unread.push({ id: customer.id, name: customer.name, reason: err.message });
          }
        }),
      ),
    );
    // In Partner Center's order, whichever finished first.
    const order = new Map(listed.map((c, i) => [c.id, i]));
    result.customers.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
    return result;
  }

  /**
   * Creates or deletes the customer's permission for `resource`, as the agent (on behalf of `call.userToken`, so that
   * Partner Center's own role checks apply). A customer has at most one policy, `{partnerTenantId}_{customerId}`:
   * the first resource creates it, the last one deletes it, any other change updates it (with its etag).
   */
  async setPermission(call: CloudCall, customerId: string, wanted: PolicyResource, enabled: boolean): Promise<{ changed: boolean }> {
    if (!call.userToken) throw new CloudError('signInRequired', "Changing a customer's purchase permissions in Partner Center needs your own sign-in: sign in and try again.");
    const deadline = deadlineFor(this.settings);
    const token = await this.tokens.onBehalfOf(resource, call.userToken, deadline);
    const id = `${this.settings.partnerTenantId}_${customerId}`;
    const path = `/v1/SelfServePolicy/${encodeURIComponent(id)}`;
    const request = { token, correlationId: call.correlationId };

    const found = await this.http.send({ ...request, method: 'GET', path }, deadline, [404]);
    if (found.status === 404 && !notFound(found.json)) throw refusal(404, found.json);
    const policy = found.status === 404 ? undefined : shapeOf(found.json, policyShape);
    const now = new Set((policy?.permissions ?? []).map((p) => p.resource));
    if (now.has(wanted) === enabled) return { changed: false };

    if (!policy) {
      const created = await this.http.send({ ...request, method: 'POST', path: '/v1/SelfServePolicy', body: this.policyBody(customerId, [wanted]) }, deadline, [409]);
      return { changed: changedUnless(created, 409, alreadyExists) };
    }
    const remaining = [...now].filter((r): r is PolicyResource => r !== wanted && (policyResources as readonly string[]).includes(r));
    if (!enabled && remaining.length === 0) {
      const deleted = await this.http.send({ ...request, method: 'DELETE', path }, deadline, [404]);
      return { changed: changedUnless(deleted, 404, notFound) };
    }
    const resources = enabled ? [...remaining, wanted] : remaining;
    const etag = policy.attributes?.etag;
    await this.http.send({ ...request, method: 'PUT', path, body: { ...this.policyBody(customerId, resources), id, attributes: { etag, objectType: 'SelfServePolicy' } }, headers: etag ? { 'if-match': etag } : {} }, deadline);
    return { changed: true };
  }

  private async policyReader(call: CloudCall, deadline: Deadline): Promise<string> {
    if (call.userToken) return this.tokens.onBehalfOf(resource, call.userToken, deadline);
    if (this.settings.accountRefreshToken) return this.tokens.account(resource, deadline);
    throw new CloudError('signInRequired', `Reading customers' purchase permissions needs a Partner Center user: sign in, or configure an account (${settingNames.accountRefreshToken}).`);
  }

  /** The documented SelfServePolicy body: the customer as the self-serve entity, the partner as the bill-to grantor. */
  private policyBody(customerId: string, resources: readonly PolicyResource[]): Omit<PartnerCenterPolicy, 'id' | 'attributes'> & Record<string, unknown> {
    return {
      selfServeEntity: { selfServeEntityType: 'customer', tenantID: customerId },
      grantor: { grantorType: 'billToPartner', tenantID: this.settings.partnerTenantId },
      permissions: resources.map((r) => ({ resource: r, action: 'Purchase' })),
    };
  }
}

/** A `links.next.uri` is relative to the API root, with or without its version. */
export const apiPath = (uri: string) => (uri.startsWith('/v1/') ? uri : `/v1${uri.startsWith('/') ? '' : '/'}${uri}`);

const codeOf = (json: unknown) => String((json as { code?: unknown } | undefined)?.code ?? '');
/** 600039: the policy does not exist (documented for GET, PUT and DELETE of a SelfServePolicy). */
const notFound = (json: unknown) => codeOf(json) === '600039';
/** 600041: a policy already exists for the customer (documented for POST). */
const alreadyExists = (json: unknown) => codeOf(json) === '600041';

/** A write answered `status` with the code `meant` found the change already made by someone else; any other `status` is a refusal. */
function changedUnless(answer: { status: number; json: unknown }, status: number, meant: (json: unknown) => boolean): boolean {
  if (answer.status !== status) return true;
  if (meant(answer.json)) return false;
  throw refusal(answer.status, answer.json);
}
