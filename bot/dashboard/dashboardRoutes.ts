import { readFile } from 'node:fs/promises';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { permissionNotice } from '../commands/permission.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation, operationNames } from '../../services/operations.ts';
import type { Person } from '../../services/people.ts';
import { possessive } from '../../services/possessive.ts';
import type { Services } from '../../services/services.ts';
import { nextDay } from '../../services/terms.ts';
import type { LogFilter } from '../../services/activityLog.ts';
import type { DevSignIn } from '../auth/devSignIn.ts';
import type { TokenVerifier } from '../auth/tokenVerifier.ts';
import { bearerCaller, bearerPerson, knownPerson } from '../http/bearerCaller.ts';
import { HttpError, parseOrBadRequest } from '../http/httpError.ts';
import { guardedRoute, jsonBody, jsonRoute, queryOf } from '../http/jsonRoute.ts';
import { dashboardScript } from './dashboardBundle.ts';
import type { DevPerson, LogFilterOptions, PermissionAnswer } from './dashboardTypes.ts';
import { customerRow, logRow, meView, orderRow, requestRow, reservationRow } from './dashboardViews.ts';
import { logCsv } from './logCsv.ts';

export interface DashboardOptions {
  verifier: TokenVerifier;
  /** Set only when the development sign-in is enabled (DEV_SIGN_IN=on, local development). */
  devSignIn?: DevSignIn;
}

/**
 * Teams shows a tab in a frame of its own pages, and nothing else may frame it. The page loads nothing from elsewhere
 * but teams-js's list of valid Teams origins (it falls back to a built-in list when that fails).
 */
const pageHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; connect-src 'self' https://res.cdn.office.net; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com https://*.microsoft365.com",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

const staticFiles: Record<string, string> = {
  '': 'index.html',
  'dashboard.css': 'dashboard.css',
  'privacy.html': 'privacy.html',
  'terms.html': 'terms.html',
};

const contentTypes: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

const logQuerySchema = z.strictObject({
  customer: z.string().min(1).optional(),
  operation: z.enum(operationNames, 'one of the operations in the list').optional(),
  person: z.string().min(1).optional(),
  from: z.iso.date('a date such as 2026-11-24').optional(),
  to: z.iso.date('a date such as 2026-11-24').optional(),
  before: z.coerce.number().int().positive().optional(),
  size: z.coerce.number().int().min(1).max(100).default(25),
});

const permissionBodySchema = z.strictObject({ enabled: z.boolean('true or false') });
const decisionBodySchema = z.strictObject({ decision: z.enum(['approve', 'reject'], 'approve or reject'), reason: z.string().max(500).optional() });
/** The most log entries one CSV export holds (the newest), so that an export never holds the whole of a large log in memory. */
const maxCsvRows = 100_000;

const devSignInSchema = z.strictObject({ tenantId: z.string().min(1), userId: z.string().min(1) });

/**
 * The dashboard tab (served at /dashboard) and the JSON it reads, for the person its bearer token names: the Teams
 * single sign-on token, or the development sign-in's. Changes go through the same services as chat, with the same
 * rules and log entries.
 */
export function mountDashboard(server: Server, services: Services, { verifier, devSignIn }: DashboardOptions): void {
  const { directory } = services;

  const personOf = (req: Request) => bearerPerson(req, verifier, services);

  async function agentOf(req: Request): Promise<Person> {
    const person = await personOf(req);
    if (person.kind !== 'agent') throw new HttpError(403, 'AGENTS_ONLY', `Only ${possessive(await directory.partnerName())} agents can see this.`);
    return person;
  }

  const customerOf = (person: Person, customerId: string | undefined): string => {
    if (person.kind === 'customerUser') return person.customerId;
    if (!customerId) throw new CodedError(ErrorCode.InvalidRequest, 'customer: give the customer id.');
    return customerId;
  };

  function logFilter(query: Omit<z.infer<typeof logQuerySchema>, 'size'>): LogFilter {
    return {
      customerIds: query.customer === undefined ? undefined : [query.customer],
      operations: query.operation === undefined ? undefined : [query.operation],
      actorId: query.person,
      from: query.from && `${query.from}T00:00:00.000Z`,
      to: query.to && `${nextDay(query.to)}T00:00:00.000Z`,
      beforeSeq: query.before,
    };
  }

  server.get('/dashboard', guardedRoute((_req, res) => sendPage(res, '')));
  server.get(
    '/dashboard/:file',
    guardedRoute(async (req, res) => {
      const file = String(req.params.file);
      if (file === 'dashboard.js') return send(res, 200, 'js', await dashboardScript());
      if (!Object.hasOwn(staticFiles, file) || file === '') return send(res, 404, 'html', '<p>Not found.</p>');
      return sendPage(res, file);
    }),
  );

  server.get(
    '/dashboard/api/me',
    jsonRoute(async (req) => {
      const person = await personOf(req);
      return { body: meView(await directory.partner(), await directory.own(person), person) };
    }),
  );

  server.get(
    '/dashboard/api/customers',
    jsonRoute(async (req) => {
      await agentOf(req);
      const partner = await directory.partner();
      return { body: (await directory.customers()).map((c) => customerRow(partner, c, services.cloud.listsCustomerUsers)) };
    }),
  );

  server.put(
    '/dashboard/api/customers/:id/permission',
    jsonRoute(async (req) => {
      const caller = await bearerCaller(req, verifier);
      const { enabled } = parseOrBadRequest(permissionBodySchema, await jsonBody(req), 'body');
      const operation = enabled ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
      const person = await knownPerson(caller, services, { operation, target: `customer ${String(req.params.id)}` });
      const change = await services.permissions.set(person, String(req.params.id), enabled, { userToken: caller.token });
      const answer: PermissionAnswer = { customer: customerRow(await directory.partner(), change.customer, services.cloud.listsCustomerUsers), notice: permissionNotice(change) };
      return { body: answer };
    }),
  );

  server.get(
    '/dashboard/api/requests',
    jsonRoute(async (req) => {
      const person = await personOf(req);
      const requests = await services.requests.list(person);
      const customers = new Map((await directory.customersOf(requests.map((r) => r.customerId))).map((c) => [c.id, c]));
      return { body: requests.map((r) => requestRow(customers.get(r.customerId), person, r)) };
    }),
  );

  server.post(
    '/dashboard/api/requests/:id/decision',
    jsonRoute(async (req) => {
      const caller = await bearerCaller(req, verifier);
      const { decision, reason } = parseOrBadRequest(decisionBodySchema, await jsonBody(req), 'body');
      const operation = decision === 'approve' ? Operation.ApproveRequest : Operation.RejectRequest;
      const person = await knownPerson(caller, services, { operation, target: String(req.params.id) });
      const { view } = await services.requests.decide(person, String(req.params.id), decision === 'approve' ? 'Approved' : 'Rejected', reason);
      return { body: requestRow(view.customer, person, view.request) };
    }),
  );

  server.get(
    '/dashboard/api/reservations',
    jsonRoute(async (req) => {
      const person = await personOf(req);
      const customer = await directory.customer(customerOf(person, queryOf(req).customer));
      return { body: customer ? (await services.purchases.reservations(person, customer.id)).map((r) => reservationRow(customer, r)) : [] };
    }),
  );

  server.get(
    '/dashboard/api/orders',
    jsonRoute(async (req) => {
      const person = await personOf(req);
      return { body: (await services.purchases.orders(person, customerOf(person, queryOf(req).customer))).map(orderRow) };
    }),
  );

  server.get(
    '/dashboard/api/log',
    jsonRoute(async (req) => {
      const person = await agentOf(req);
      const query = parseOrBadRequest(logQuerySchema, queryOf(req), 'query');
      const page = await services.activity.page(person, logFilter(query), query.size);
      return { body: { entries: page.entries.map(logRow), next: page.next } };
    }),
  );

  server.get(
    '/dashboard/api/log.csv',
    guardedRoute(async (req, res) => {
      const person = await agentOf(req);
      const query = parseOrBadRequest(logQuerySchema.omit({ before: true, size: true }), queryOf(req), 'query');
      const entries = await services.activity.read(person, logFilter(query), maxCsvRows);
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="activity-log-${services.clock().toISOString().slice(0, 10)}.csv"`, 'cache-control': 'no-store' });
      res.end(logCsv(entries));
    }),
  );

  server.get(
    '/dashboard/api/log-filters',
    jsonRoute(async (req) => {
      await agentOf(req);
      const options: LogFilterOptions = {
        customers: (await directory.customerNames()).map((c) => ({ id: c.id, name: c.name })),
        operations: [...operationNames],
        people: [...(await directoryPeople(services)).map((p) => ({ id: p.userId, name: p.role === 'CustomerUser' ? `${p.name} (${p.organisation})` : p.name })), { id: 'system', name: 'System' }],
      };
      return { body: options };
    }),
  );

  // Whether the page outside Teams offers the development sign-in: asked without a token, answered either way.
  server.get('/dashboard/api/sign-in', jsonRoute(async () => ({ body: { development: devSignIn !== undefined } })));
  if (devSignIn) mountDevSignIn(server, services, devSignIn);
}

/** Everyone in the directory: the partner's agents, then every customer's users. */
async function directoryPeople({ directory }: Services): Promise<DevPerson[]> {
  const partner = await directory.partner();
  return [
    ...partner.agents.map((a) => ({ tenantId: partner.tenantId, userId: a.userId, name: a.name, role: a.role, organisation: partner.name })),
    ...(await directory.customers()).flatMap((c) => c.users.map((u) => ({ tenantId: c.id, userId: u.userId, name: u.name, role: 'CustomerUser', organisation: c.name }))),
  ];
}

function mountDevSignIn(server: Server, services: Services, devSignIn: DevSignIn): void {
  const { directory } = services;
  server.get('/dashboard/dev/people', jsonRoute(async () => ({ body: await directoryPeople(services) })));
  server.post(
    '/dashboard/dev/sign-in',
    jsonRoute(async (req) => {
      const caller = parseOrBadRequest(devSignInSchema, await jsonBody(req), 'body');
      if (!(await directory.identify(caller.tenantId, caller.userId))) throw new CodedError(ErrorCode.InvalidRequest, 'Nobody in the directory has that tenant id and user id.');
      return { body: { token: await devSignIn.issue(caller) } };
    }),
  );
}

async function sendPage(res: Response, file: string): Promise<void> {
  const name = staticFiles[file]!;
  send(res, 200, name.split('.').pop()!, await readFile(new URL(`./page/${name}`, import.meta.url), 'utf8'));
}

function send(res: Response, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': contentTypes[type] ?? 'text/plain; charset=utf-8', ...pageHeaders });
  res.end(body);
}
