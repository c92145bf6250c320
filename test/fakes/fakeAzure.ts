import { randomUUID } from 'node:crypto';
import { armError } from './armReply.ts';
import { fakeCapacity } from './fakeCapacity.ts';
import type { FakeCapacityControls, FakeReservationOrder, PortalPurchase } from './fakeCapacityShapes.ts';
import { startLoopbackServer, type LoopbackServer, type RecordedRequest, type Reply } from './loopbackServer.ts';

export type { CapacityOperation, FakeCapacityControls, FakeExchange, FakePrice, FakeRefund, FakeReservation, FakeReservationOrder, PortalPurchase, Refusal } from './fakeCapacityShapes.ts';

/** Azure's built-in role definitions (their GUIDs are the same in every tenant). */
export const roleIds = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
} as const;
export type RoleName = keyof typeof roleIds;

/** ForeignGroup: the partner's admin-on-behalf-of / GDAP group as the customer's subscription lists it. */
export type PrincipalType = 'User' | 'Group' | 'ForeignGroup' | 'ServicePrincipal';

export interface FakeRoleAssignment {
  name: string;
  principalId: string;
  principalType: PrincipalType;
  role: RoleName;
  /** `/`, `/providers/Microsoft.Management/managementGroups/{id}`, `/subscriptions/{id}` or below. */
  scope: string;
}

export interface FakeAzureState {
  /** Azure subscription id → the customer tenant it belongs to. */
  subscriptions: Map<string, string>;
  /** Management group id → the subscriptions under it. */
  managementGroups: Map<string, string[]>;
  /** Group object id → its members (users or groups). */
  groups: Map<string, Set<string>>;
  roleAssignments: FakeRoleAssignment[];
  /** Customer tenant id → its reservation orders. */
  reservationOrders: Map<string, FakeReservationOrder[]>;
}

export interface TokenClaims {
  tid: string;
  oid?: string;
  aud: string;
}

/**
 * The fault machinery is the loopback server's: `throttle`, `fail` and `hang` (handled, never answered) take an
 * optional pick of the requests they apply to.
 */
export interface FakeAzure extends LoopbackServer {
  state: FakeAzureState;
  /** Microsoft.Capacity's figures, prices, long-running operations and refusals. */
  capacity: FakeCapacityControls;
  addSubscription(tenantId: string, subscriptionId: string): void;
  /** `scope` is a subscription id or a full scope; returns the assignment's name (GUID). */
  grantRole(scope: string, principalId: string, role: RoleName, principalType?: PrincipalType): string;
  removeRole(scope: string, principalId: string, role: RoleName): void;
  addToGroup(groupId: string, memberId: string): void;
  buyInPortal(tenantId: string, purchase: PortalPurchase): { orderId: string; reservationId: string };
  setReservationState(reservationId: string, provisioningState: string): void;
  /** Drops the faults not yet used. */
  heal(): void;
}

const authorizationVersions = ['2022-04-01'];
const capacityVersions = ['2022-11-01'];
/**
 * A fake Azure Resource Manager on 127.0.0.1 (HTTPS, the committed loopback certificate): role assignments and
 * Microsoft.Capacity (fakeCapacity.ts), in the documented shapes. `now` is the fake's today, for its refunds.
 */
export async function startFakeAzure(options: { verifyToken: (token: string) => Promise<TokenClaims | undefined>; pageSize?: number; now?: () => Date }): Promise<FakeAzure> {
  const pageSize = options.pageSize ?? 100;
  const state: FakeAzureState = { subscriptions: new Map(), managementGroups: new Map(), groups: new Map(), roleAssignments: [], reservationOrders: new Map() };
  let url = '';
  const capacity = fakeCapacity({ orders: state.reservationOrders, subscriptions: state.subscriptions, url: () => url, now: options.now ?? (() => new Date()), page: (items, request) => page(items, request, '$skiptoken') });

  const scopeOf = (scope: string) => (scope.startsWith('/') ? scope : `/subscriptions/${scope}`);

  /** The principal and every group it is in, through nested groups (assignedTo() is transitive). */
  function identitiesOf(principalId: string): Set<string> {
    const found = new Set([principalId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [group, members] of state.groups) {
        if (found.has(group) || ![...members].some((m) => found.has(m))) continue;
        found.add(group);
        grew = true;
      }
    }
    return found;
  }

  /** atScope(): assignments at the subscription or above it (its management groups, the root). */
  function atOrAbove(scope: string, subscriptionId: string): boolean {
    if (scope === '/' || scope.toLowerCase() === `/subscriptions/${subscriptionId}`.toLowerCase()) return true;
    const group = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope)?.[1];
    return group !== undefined && (state.managementGroups.get(group) ?? []).includes(subscriptionId);
  }
  const within = (scope: string, subscriptionId: string) => atOrAbove(scope, subscriptionId) || scope.toLowerCase().startsWith(`/subscriptions/${subscriptionId}/`.toLowerCase());

  function roleAssignmentJson(a: FakeRoleAssignment, subscriptionId: string) {
    const definitionScope = a.scope.startsWith('/subscriptions/') ? `/subscriptions/${subscriptionId}` : '';
    return {
      id: `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      type: 'Microsoft.Authorization/roleAssignments',
      name: a.name,
      properties: {
        roleDefinitionId: `${definitionScope}/providers/Microsoft.Authorization/roleDefinitions/${roleIds[a.role]}`,
        principalId: a.principalId,
        principalType: a.principalType,
        scope: a.scope,
      },
    };
  }

  /** One page of `items` and, when more remain, an absolute nextLink that repeats the query (as ARM's do). */
  function page(items: unknown[], request: RecordedRequest, tokenName: string): Reply {
    const start = Number(request.query[tokenName] ?? 0);
    const rest = items.slice(start + pageSize);
    const next = new URLSearchParams(request.query);
    next.set(tokenName, String(start + pageSize));
    return { status: 200, body: { value: items.slice(start, start + pageSize), ...(rest.length ? { nextLink: `${url}${request.path}?${next}` } : {}) } };
  }

  function versionProblem(request: RecordedRequest, supported: string[]): Reply | undefined {
    const version = request.query['api-version'];
    if (!version) return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!supported.includes(version)) return armError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`);
    return undefined;
  }

  async function caller(request: RecordedRequest): Promise<TokenClaims | Reply> {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const claims = await options.verifyToken(header.slice('Bearer '.length)).catch(() => undefined);
    if (!claims) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (claims.aud !== url && claims.aud !== `${url}/`) {
      return armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${url}/','${url}'.`);
    }
    return claims;
  }

  function roleAssignments(claims: TokenClaims, subscriptionId: string, request: RecordedRequest): Reply {
    const tenant = state.subscriptions.get(subscriptionId);
    if (!tenant) return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    if (tenant !== claims.tid) {
      return armError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${tenant}/' associated with this subscription.`);
    }
    const callerIds = identitiesOf(claims.oid ?? '');
    if (!state.roleAssignments.some((a) => callerIds.has(a.principalId) && atOrAbove(a.scope, subscriptionId))) {
      return armError(403, 'AuthorizationFailed', `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/${subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const filter = (request.query.$filter ?? '').trim();
    const assignedTo = /^(?:atScope\(\) and )?assignedTo\('([^']+)'\)$/.exec(filter)?.[1];
    const principalEq = /^principalId eq '([^']+)'$/.exec(filter)?.[1];
    let matches: (a: FakeRoleAssignment) => boolean;
    if (filter === '') matches = (a) => within(a.scope, subscriptionId);
    else if (filter === 'atScope()') matches = (a) => atOrAbove(a.scope, subscriptionId);
    else if (assignedTo) {
      const ids = identitiesOf(assignedTo);
      const where = filter.startsWith('atScope()') ? atOrAbove : within;
      matches = (a) => ids.has(a.principalId) && where(a.scope, subscriptionId);
    } else if (principalEq) matches = (a) => a.principalId === principalEq && within(a.scope, subscriptionId);
    else return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported.`);
    return page(state.roleAssignments.filter(matches).map((a) => roleAssignmentJson(a, subscriptionId)), request, '$skipToken');
  }

  async function handle(request: RecordedRequest): Promise<Reply> {
    const subscription = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(request.path);
    const capacityParts = /^\/providers\/Microsoft\.Capacity\/(.+)$/i.exec(request.path)?.[1]?.toLowerCase().split('/');
    if (!subscription && !capacityParts) return armError(404, 'NotFound', `No route for '${request.path}'.`);
    const problem = versionProblem(request, subscription ? authorizationVersions : capacityVersions);
    if (problem) return problem;
    const claims = await caller(request);
    if ('status' in claims) return claims;
    if (!subscription) return capacity.route(request, claims.tid, capacityParts!);
    if (request.method !== 'GET') return armError(405, 'HttpMethodNotSupported', `The fake answers GET only on role assignments, not ${request.method}.`);
    return roleAssignments(claims, subscription[1]!, request);
  }

  const server = await startLoopbackServer(handle, {
    throttled: (seconds) => armError(429, 'TooManyRequests', 'The request is being throttled.', { 'Retry-After': String(seconds) }),
    failed: (status) => armError(status, status >= 500 ? 'InternalServerError' : 'BadRequest', `The fake answers ${status}.`),
  });
  url = server.url;
  let listening = true;

  function findReservation(reservationId: string) {
    for (const orders of state.reservationOrders.values()) {
      for (const order of orders) {
        const found = order.reservations.find((r) => r.id === reservationId);
        if (found) return found;
      }
    }
    throw new Error(`no reservation ${reservationId} in the fake`);
  }

  return {
    ...server,
    state,
    capacity: capacity.controls,
    addSubscription(tenantId, subscriptionId) {
      state.subscriptions.set(subscriptionId, tenantId);
    },
    grantRole(scope, principalId, role, principalType) {
      const name = randomUUID();
      state.roleAssignments.push({ name, principalId, role, scope: scopeOf(scope), principalType: principalType ?? (state.groups.has(principalId) ? 'Group' : 'User') });
      return name;
    },
    removeRole(scope, principalId, role) {
      state.roleAssignments = state.roleAssignments.filter((a) => !(a.scope === scopeOf(scope) && a.principalId === principalId && a.role === role));
    },
    addToGroup(groupId, memberId) {
      state.groups.set(groupId, (state.groups.get(groupId) ?? new Set()).add(memberId));
    },
    buyInPortal: capacity.addOrder,
    setReservationState(reservationId, provisioningState) {
      findReservation(reservationId).provisioningState = provisioningState;
    },
    async down() {
      listening = false;
      await server.down();
    },
    /** Listens again; does nothing while listening. */
    async up() {
      if (!listening) await server.up();
      listening = true;
    },
    heal() {
      server.throttle(0, 0);
      server.fail(0);
      server.hang(0);
    },
  };
}
