import type { Request, Server } from 'restify';
import type { Customer } from '../../data/schemas.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { policyResources, type PolicyResource } from '../../services/microsoftCloud.ts';
import { Operation, type OperationName } from '../../services/operations.ts';
import type { Person } from '../../services/people.ts';
import { permissionKinds } from '../../services/permissionKinds.ts';
import { possessive } from '../../services/possessive.ts';
import type { PermissionChange } from '../../services/purchasePermission.ts';
import type { Services } from '../../services/services.ts';
import type { TokenVerifier } from '../auth/tokenVerifier.ts';
import { bearerCaller, knownPerson } from '../http/bearerCaller.ts';
import { HttpError, parseOrBadRequest } from '../http/httpError.ts';
import { jsonBody, jsonRoute, queryOf } from '../http/jsonRoute.ts';
import { auditRecords, logFilterOf, parseAuditQuery } from './auditRecords.ts';
import { customerIdOf, grantedResources, newPolicySchema, policyId, selfServePolicy } from './selfServePolicy.ts';
import { z } from 'zod';

/**
 * The Partner Center–style API under /v1 (R3): the same service calls as chat, read by the partner's agents.
 * Writes and their refusals are logged as chat's are, whoever tries them (R18): refusals the service does not see (a
 * bad body, an unknown customer or policy id, someone the directory does not know) are logged here. Asking for the
 * state there already is changes nothing and logs nothing (R6), answered 409 or 404 as Partner Center answers it.
 * A policy grants one or both permissions (reservations, savings plan); each is turned on or off as chat turns it.
 */
export function mountPartnerApi(server: Server, services: Services, verifier: TokenVerifier): void {
  const { directory } = services;

  /** The partner agent a verified token speaks for, for a read: anyone else is a 403, and nothing is logged. */
  async function readerOf(req: Request): Promise<Person> {
    const person = await knownPerson(await bearerCaller(req, verifier), services);
    if (person.kind !== 'agent') throw new HttpError(403, 'AGENTS_ONLY', `This API is for ${possessive(await directory.partnerName())} agents.`);
    return person;
  }

  /** Logs a refusal raised here (the service logs its own) against the write it refuses, and throws it. */
  const refuser =
    (person: Person, operation: OperationName) =>
    async (error: CodedError, target = 'SelfServePolicy'): Promise<never> => {
      await services.activity.refused(person, operation, { target }, error);
      throw error;
    };

  server.post(
    '/v1/SelfServePolicy',
    jsonRoute(async (req) => {
      const operation = Operation.CreateCustomerPurchasePermissions;
      const caller = await bearerCaller(req, verifier);
      const person = await knownPerson(caller, services, { operation, target: 'SelfServePolicy' });
      const refuse = refuser(person, operation);
      let policy: z.infer<typeof newPolicySchema>;
      try {
        policy = parseOrBadRequest(newPolicySchema, await jsonBody(req), 'SelfServePolicy');
      } catch (err) {
        return refuse(err as CodedError);
      }
      const customerId = policy.selfServeEntity.tenantID;
      const resources = policy.permissions.map((p) => p.resource);
      // R2 first: whoever may not turn it on learns nothing of the customer named; the service refuses and logs it.
      if (person.role !== 'AdminAgent') await services.permissions.set(person, customerId, true, { resource: resources[0] });
      const partner = await directory.partner();
      if (policy.grantor.tenantID !== partner.tenantId) return refuse(new CodedError(ErrorCode.InvalidRequest, `grantor.tenantID: must be your partner tenant id, ${partner.tenantId}.`));
      const customer = await directory.customer(customerId);
      if (!customer) return refuse(noSuchCustomer(customerId), `customer ${customerId}`);
      const changes = await setEach(person, customer.id, resources, true, caller.token);
      const latest = changes.at(-1)!.customer;
      const id = policyId(partner, customer.id);
      // R6: only if every permission asked for was already on does nothing change; Partner Center answers 409.
      if (!changes.some((c) => c.changed)) throw new CodedError(ErrorCode.PolicyExists, `SelfServePolicy ${id} already exists: ${latest.name} may already buy ${resources.map((r) => permissionKinds[r].things).join(' and ')}.`);
      const created = selfServePolicy(partner, latest);
      const warnings = [...new Set(changes.flatMap((c) => (c.warning ? [c.warning] : [])))];
      return {
        status: 201,
        body: warnings.length ? { ...created, warnings } : created,
        headers: { location: `/v1/SelfServePolicy/${encodeURIComponent(id)}`, etag: `"${created.attributes.etag}"` },
      };
    }),
  );

  server.get(
    '/v1/SelfServePolicy',
    jsonRoute(async (req) => {
      await readerOf(req);
      const { entity_id } = parseOrBadRequest(z.strictObject({ entity_id: z.string().min(1, 'give a customer tenant id').optional() }), queryOf(req), 'query');
      const customers = entity_id === undefined ? await directory.customers() : [await knownCustomer(entity_id)];
      const partner = await directory.partner();
      const items = customers.filter((c) => grantedResources(c).length).map((c) => selfServePolicy(partner, c));
      return { body: { totalCount: items.length, items, attributes: { objectType: 'Collection' } } };
    }),
  );

  server.get(
    '/v1/SelfServePolicy/:id',
    jsonRoute(async (req) => {
      await readerOf(req);
      const customer = await policyCustomer(String(req.params.id));
      if (!customer || !grantedResources(customer).length) throw policyNotFound(String(req.params.id));
      const policy = selfServePolicy(await directory.partner(), customer);
      return { body: policy, headers: { etag: `"${policy.attributes.etag}"` } };
    }),
  );

  server.del(
    '/v1/SelfServePolicy/:id',
    jsonRoute(async (req) => {
      const operation = Operation.DeleteCustomerPurchasePermissions;
      const id = String(req.params.id);
      const caller = await bearerCaller(req, verifier);
      const person = await knownPerson(caller, services, { operation, target: `SelfServePolicy ${id}` });
      const customer = await policyCustomer(id);
      if (person.role !== 'AdminAgent') await services.permissions.set(person, customer?.id ?? id, false);
      if (!customer) return refuser(person, operation)(policyNotFound(id), `SelfServePolicy ${id}`);
      const changes = await setEach(person, customer.id, policyResources, false, caller.token);
      // R6: both already off changes nothing and logs nothing new; Partner Center answers 404.
      if (!changes.some((c) => c.changed)) throw policyNotFound(id);
      return { status: 204 };
    }),
  );

  server.get(
    '/v1/auditrecords',
    jsonRoute(async (req) => {
      const person = await readerOf(req);
      const query = parseAuditQuery(queryOf(req));
      const page = await services.activity.page(person, await logFilterOf(directory, query), query.size);
      const items = await auditRecords(directory, page.entries);
      const next = page.next && nextPageUri(req, page.next);
      return {
        body: {
          totalCount: items.length,
          items,
          ...(next ? { continuationToken: String(page.next), links: { next: { uri: next, method: 'GET' } } } : {}),
          attributes: { objectType: 'Collection' },
        },
      };
    }),
  );

  /** Turns each permission on or off in turn, as chat would; one the cloud refuses stops the rest, and those before it stay done. */
  async function setEach(person: Person, customerId: string, resources: readonly PolicyResource[], enabled: boolean, userToken: string | undefined): Promise<PermissionChange[]> {
    const changes: PermissionChange[] = [];
    for (const resource of resources) changes.push(await services.permissions.set(person, customerId, enabled, { userToken, resource }));
    return changes;
  }

  async function knownCustomer(customerId: string): Promise<Customer> {
    const customer = await directory.customer(customerId);
    if (!customer) throw noSuchCustomer(customerId);
    return customer;
  }

  async function policyCustomer(id: string): Promise<Customer | undefined> {
    const customerId = customerIdOf(await directory.partner(), id);
    return customerId === undefined ? undefined : directory.customer(customerId);
  }
}

function noSuchCustomer(customerId: string): CodedError {
  return new CodedError(ErrorCode.CustomerNotFound, `No customer has the tenant id ${customerId}. GET /v1/SelfServePolicy lists the policies there are; customers are in the dashboard and in chat (\`customers\`).`);
}

function policyNotFound(id: string): CodedError {
  return new CodedError(ErrorCode.PolicyNotFound, `There is no SelfServePolicy ${id}: the customer's purchase permissions are off, or no customer has that id. Ids are {partnerTenantId}_{customerTenantId}.`);
}

function nextPageUri(req: Request, beforeSeq: number): string {
  const url = new URL(req.url ?? '/', 'http://localhost');
  url.searchParams.set('continuationToken', String(beforeSeq));
  return `${url.pathname}${url.search}`;
}
