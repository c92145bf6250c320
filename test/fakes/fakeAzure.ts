import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

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

/** A reservation as reservations.json (2022-11-01) describes its properties; what the portal asks a buyer. */
export interface PortalPurchase {
  sku: string;
  location: string;
  quantity: number;
  term: 'P1Y' | 'P3Y' | 'P5Y';
  billingPlan: 'Upfront' | 'Monthly';
  billingScopeId: string;
  appliedScopeType: 'Shared' | 'Single' | 'ManagementGroup';
  appliedScopes?: string[];
  appliedScopeProperties?: { subscriptionId?: string; resourceGroupId?: string; managementGroupId?: string; tenantId?: string };
  renew?: boolean;
  displayName?: string;
  /** When the order was made (default: now) and when the reservation ends (default: a term later). */
  createdDateTime?: string;
  expiryDate?: string;
}

export interface FakeReservation extends PortalPurchase {
  id: string;
  provisioningState: string;
}

export interface FakeReservationOrder {
  id: string;
  displayName: string;
  term: PortalPurchase['term'];
  billingPlan: PortalPurchase['billingPlan'];
  createdDateTime: string;
  expiryDateTime: string;
  provisioningState: string;
  reservations: FakeReservation[];
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

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface TokenClaims {
  tid: string;
  oid?: string;
  aud: string;
}

export interface FakeAzure {
  url: string;
  state: FakeAzureState;
  requests: RecordedRequest[];
  addSubscription(tenantId: string, subscriptionId: string): void;
  /** `scope` is a subscription id or a full scope; returns the assignment's name (GUID). */
  grantRole(scope: string, principalId: string, role: RoleName, principalType?: PrincipalType): string;
  removeRole(scope: string, principalId: string, role: RoleName): void;
  addToGroup(groupId: string, memberId: string): void;
  buyInPortal(tenantId: string, purchase: PortalPurchase): { orderId: string; reservationId: string };
  setReservationState(reservationId: string, provisioningState: string): void;
  /** The next `n` requests are answered 429 with Retry-After, a status with ARM's error body, or never. */
  throttle(n: number, retryAfterSeconds: number): void;
  fail(n: number, status: number): void;
  hang(n: number): void;
  /** Drops the faults not yet used. */
  heal(): void;
  /** Stops listening (connections refused) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const tls = (file: string) => readFileSync(new URL(`./tls/${file}`, import.meta.url));
const authorizationVersions = ['2022-04-01'];
const capacityVersions = ['2022-11-01'];
const yearsOf = { P1Y: 1, P3Y: 3, P5Y: 5 } as const;

type Fault = { kind: 'throttle'; left: number; retryAfter: number } | { kind: 'fail'; left: number; status: number } | { kind: 'hang'; left: number };
type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const armError = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({ status, body: { error: { code, message } }, headers });

/** A fake Azure Resource Manager on 127.0.0.1 (HTTPS, the committed loopback certificate): role assignments and Microsoft.Capacity reservation orders, in the documented shapes. */
export async function startFakeAzure(options: { verifyToken: (token: string) => Promise<TokenClaims | undefined>; pageSize?: number }): Promise<FakeAzure> {
  const pageSize = options.pageSize ?? 100;
  const state: FakeAzureState = { subscriptions: new Map(), managementGroups: new Map(), groups: new Map(), roleAssignments: [], reservationOrders: new Map() };
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server: Server = createServer({ key: tls('loopback-key.pem'), cert: tls('loopback-cert.pem') }, (req, res) => {
    handle(req, res).catch((err: unknown) => send(res, armError(500, 'InternalServerError', String(err))));
  });
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  let listening = true;

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

  const orderPath = (orderId: string) => `/providers/microsoft.capacity/reservationOrders/${orderId}`;
  function reservationJson(order: FakeReservationOrder, r: FakeReservation) {
    const { id, sku, location, provisioningState, createdDateTime: _purchased, ...properties } = r;
    return {
      id: `${orderPath(order.id)}/reservations/${id}`,
      type: 'Microsoft.Capacity/reservationOrders/reservations',
      name: `${order.id}/${id}`,
      etag: 1,
      location,
      sku: { name: sku },
      properties: { ...properties, provisioningState, purchaseDateTime: order.createdDateTime, reservedResourceType: 'VirtualMachines' },
    };
  }
  function orderJson(order: FakeReservationOrder) {
    return {
      id: orderPath(order.id),
      type: 'Microsoft.Capacity/reservationOrders',
      name: order.id,
      etag: 1,
      properties: {
        displayName: order.displayName,
        requestDateTime: order.createdDateTime,
        createdDateTime: order.createdDateTime,
        benefitStartTime: order.createdDateTime,
        expiryDateTime: order.expiryDateTime,
        term: order.term,
        billingPlan: order.billingPlan,
        provisioningState: order.provisioningState,
        originalQuantity: order.reservations.reduce((sum, r) => sum + r.quantity, 0),
        reservations: order.reservations.map((r) => ({ id: `${orderPath(order.id)}/reservations/${r.id}` })),
      },
    };
  }

  /** One page of `items` and, when more remain, an absolute nextLink that repeats the query (as ARM's do). */
  function page(items: unknown[], path: string, query: URLSearchParams, tokenName: string): Answer {
    const start = Number(query.get(tokenName) ?? 0);
    const rest = items.slice(start + pageSize);
    const next = new URLSearchParams(query);
    next.set(tokenName, String(start + pageSize));
    return { status: 200, body: { value: items.slice(start, start + pageSize), ...(rest.length ? { nextLink: `${url}${path}?${next}` } : {}) } };
  }

  function versionProblem(query: URLSearchParams, supported: string[]): Answer | undefined {
    const version = query.get('api-version');
    if (!version) return armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    if (!supported.includes(version)) return armError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`);
    return undefined;
  }

  async function caller(req: IncomingMessage): Promise<TokenClaims | Answer> {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const claims = await options.verifyToken(header.slice('Bearer '.length)).catch(() => undefined);
    if (!claims) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (claims.aud !== url && claims.aud !== `${url}/`) {
      return armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${url}/','${url}'.`);
    }
    return claims;
  }

  function roleAssignments(claims: TokenClaims, subscriptionId: string, path: string, query: URLSearchParams): Answer {
    const tenant = state.subscriptions.get(subscriptionId);
    if (!tenant) return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    if (tenant !== claims.tid) {
      return armError(401, 'InvalidAuthenticationTokenTenant', `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${tenant}/' associated with this subscription.`);
    }
    const callerIds = identitiesOf(claims.oid ?? '');
    if (!state.roleAssignments.some((a) => callerIds.has(a.principalId) && atOrAbove(a.scope, subscriptionId))) {
      return armError(403, 'AuthorizationFailed', `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/${subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const filter = (query.get('$filter') ?? '').trim();
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
    return page(state.roleAssignments.filter(matches).map((a) => roleAssignmentJson(a, subscriptionId)), path, query, '$skipToken');
  }

  async function route(req: IncomingMessage, path: string, query: URLSearchParams): Promise<Answer> {
    if (req.method !== 'GET') return armError(405, 'MethodNotAllowed', `The fake answers GET only, not ${req.method}.`);
    const subscription = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Authorization\/roleAssignments$/i.exec(path);
    const orders = /^\/providers\/Microsoft\.Capacity\/reservationOrders$/i.test(path);
    const reservationsOf = /^\/providers\/Microsoft\.Capacity\/reservationOrders\/([^/]+)\/reservations$/i.exec(path);
    if (!subscription && !orders && !reservationsOf) return armError(404, 'NotFound', `No route for '${path}'.`);
    const problem = versionProblem(query, subscription ? authorizationVersions : capacityVersions);
    if (problem) return problem;
    const claims = await caller(req);
    if ('status' in claims) return claims;
    if (subscription) return roleAssignments(claims, subscription[1]!, path, query);
    const tenantOrders = state.reservationOrders.get(claims.tid) ?? [];
    if (orders) return page(tenantOrders.map(orderJson), path, query, '$skiptoken');
    const order = tenantOrders.find((o) => o.id === reservationsOf![1]);
    if (!order) return armError(404, 'ReservationOrderNotFound', `Reservation order '${reservationsOf![1]}' was not found.`);
    return page(order.reservations.map((r) => reservationJson(order, r)), path, query, '$skiptoken');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? '/', url);
    requests.push({ method: req.method ?? '', path: target.pathname, query: Object.fromEntries(target.searchParams), authorization: req.headers.authorization });
    const fault = faults[0];
    if (fault) {
      if (--fault.left <= 0) faults.shift();
      if (fault.kind === 'hang') return;
      if (fault.kind === 'throttle') {
        return send(res, armError(429, 'TooManyRequests', 'The request is being throttled.', { 'Retry-After': String(fault.retryAfter) }));
      }
      return send(res, armError(fault.status, fault.status >= 500 ? 'InternalServerError' : 'BadRequest', `The fake answers ${fault.status}.`));
    }
    send(res, await route(req, target.pathname, target.searchParams));
  }

  async function stop() {
    if (!listening) return;
    listening = false;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  function findReservation(reservationId: string): FakeReservation {
    for (const orders of state.reservationOrders.values()) {
      for (const order of orders) {
        const found = order.reservations.find((r) => r.id === reservationId);
        if (found) return found;
      }
    }
    throw new Error(`no reservation ${reservationId} in the fake`);
  }

  return {
    url,
    state,
    requests,
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
    buyInPortal(tenantId, purchase) {
      const createdDateTime = purchase.createdDateTime ?? new Date().toISOString();
      const end = new Date(createdDateTime);
      end.setUTCFullYear(end.getUTCFullYear() + yearsOf[purchase.term]);
      const expiryDate = purchase.expiryDate ?? end.toISOString().slice(0, 10);
      const reservation: FakeReservation = { renew: false, ...purchase, expiryDate, id: randomUUID(), provisioningState: 'Succeeded' };
      const order: FakeReservationOrder = {
        id: randomUUID(),
        displayName: purchase.displayName ?? `${purchase.sku}_${createdDateTime.slice(0, 10)}`,
        term: purchase.term,
        billingPlan: purchase.billingPlan,
        createdDateTime,
        expiryDateTime: `${expiryDate}T00:00:00Z`,
        provisioningState: 'Succeeded',
        reservations: [reservation],
      };
      state.reservationOrders.set(tenantId, [...(state.reservationOrders.get(tenantId) ?? []), order]);
      return { orderId: order.id, reservationId: reservation.id };
    },
    setReservationState(reservationId, provisioningState) {
      findReservation(reservationId).provisioningState = provisioningState;
    },
    throttle(n, retryAfter) {
      faults.push({ kind: 'throttle', left: n, retryAfter });
    },
    fail(n, status) {
      faults.push({ kind: 'fail', left: n, status });
    },
    hang(n) {
      faults.push({ kind: 'hang', left: n });
    },
    heal() {
      faults.length = 0;
    },
    down: stop,
    async up() {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: stop,
  };
}

function send(res: ServerResponse, answer: Answer) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
