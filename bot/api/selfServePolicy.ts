import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Customer, Partner } from '../../data/schemas.ts';
import { policyResources, type PolicyResource } from '../../services/microsoftCloud.ts';
import { permissionOf } from '../../services/permissionKinds.ts';

const caseless = (expected: string) => z.string().refine((v) => v.toLowerCase() === expected.toLowerCase(), `must be "${expected}"`);

/** The body of POST /v1/SelfServePolicy, as Partner Center takes it: the customer is the self-serve entity, the partner the grantor who is billed (R9). */
export const newPolicySchema = z.strictObject({
  selfServeEntity: z.strictObject({ selfServeEntityType: caseless('customer'), tenantID: z.string().trim().min(1, 'the customer tenant id is required') }),
  grantor: z.strictObject({ grantorType: caseless('billToPartner'), tenantID: z.string().trim().min(1, 'your partner tenant id is required') }),
  permissions: z
    .array(z.strictObject({ resource: z.enum(policyResources, `must be "${policyResources.join('" or "')}"`), action: z.literal('Purchase', 'must be "Purchase"') }))
    .min(1, `give at least one permission, such as {"resource": "AzureReservedInstances", "action": "Purchase"}`)
    .refine((permissions) => new Set(permissions.map((p) => p.resource)).size === permissions.length, 'name each resource once'),
});

export const policyId = (partner: Partner, customerId: string) => `${partner.tenantId}_${customerId}`;

/** The customer id a policy id names, if it is one of this partner's policy ids. */
export function customerIdOf(partner: Partner, id: string): string | undefined {
  const prefix = `${partner.tenantId}_`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : undefined;
}

/** The resources the customer's policy grants: those of its permissions that are on. A policy exists while one is. */
export const grantedResources = (customer: Customer): PolicyResource[] => policyResources.filter((resource) => permissionOf(customer, resource).enabled);

/** The customer's policy in Partner Center's shape, listing the permissions that are on (R1). */
export function selfServePolicy(partner: Partner, customer: Customer) {
  const id = policyId(partner, customer.id);
  const granted = grantedResources(customer);
  return {
    id,
    selfServeEntity: { selfServeEntityType: 'customer', tenantID: customer.id },
    grantor: { grantorType: 'billToPartner', tenantID: partner.tenantId },
    permissions: granted.map((resource) => ({ resource, action: 'Purchase' })),
    attributes: { etag: etagOf(id, granted.map((resource) => permissionOf(customer, resource).changedAt ?? '')), objectType: 'SelfServePolicy' },
  };
}

/** Changes whenever one of its permissions is turned on again, or another is added or taken away. */
function etagOf(id: string, changedAt: readonly string[]): string {
  return createHash('sha256').update([id, ...changedAt].join('|')).digest('base64url').slice(0, 22);
}
