import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Customer, Partner } from '../../data/schemas.ts';

/** Partner Center's names: the customer is the self-serve entity, the partner the grantor who is billed (R9). */
export const policyResource = 'AzureReservedInstances';

const caseless = (expected: string) => z.string().refine((v) => v.toLowerCase() === expected.toLowerCase(), `must be "${expected}"`);

/** The body of POST /v1/SelfServePolicy, as Partner Center takes it. */
export const newPolicySchema = z.strictObject({
  selfServeEntity: z.strictObject({ selfServeEntityType: caseless('customer'), tenantID: z.string().trim().min(1, 'the customer tenant id is required') }),
  grantor: z.strictObject({ grantorType: caseless('billToPartner'), tenantID: z.string().trim().min(1, 'your partner tenant id is required') }),
  permissions: z
    .array(z.strictObject({ resource: z.literal(policyResource, `must be "${policyResource}" (the only resource this bot grants)`), action: z.literal('Purchase', 'must be "Purchase"') }))
    .length(1, `give exactly one permission: {"resource": "${policyResource}", "action": "Purchase"}`),
});

export const policyId = (partner: Partner, customerId: string) => `${partner.tenantId}_${customerId}`;

/** The customer id a policy id names, if it is one of this partner's policy ids. */
export function customerIdOf(partner: Partner, id: string): string | undefined {
  const prefix = `${partner.tenantId}_`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : undefined;
}

/** The policy that exists while the customer's purchase permission is on (R1), in Partner Center's shape. */
export function selfServePolicy(partner: Partner, customer: Customer) {
  const id = policyId(partner, customer.id);
  return {
    id,
    selfServeEntity: { selfServeEntityType: 'customer', tenantID: customer.id },
    grantor: { grantorType: 'billToPartner', tenantID: partner.tenantId },
    permissions: [{ resource: policyResource, action: 'Purchase' }],
    attributes: { etag: etagOf(id, customer.purchasePermission.changedAt), objectType: 'SelfServePolicy' },
  };
}

/** Changes whenever the permission is turned on again. */
function etagOf(id: string, changedAt: string | undefined): string {
  return createHash('sha256').update(`${id}|${changedAt ?? ''}`).digest('base64url').slice(0, 22);
}
