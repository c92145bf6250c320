import type { Customer, PurchasePermission } from '../data/schemas.ts';
import type { PolicyResource } from './microsoftCloud.ts';

/** What tells the two self-serve permissions apart; everything else about them (R1–R6) is the same. */
export interface PermissionKind {
  /** Where the customer record keeps it. */
  field: 'purchasePermission' | 'savingsPlanPermission';
  /** Its name as the log entry's target (R6) and the customer card show it. */
  target: string;
  /** As a refusal names it: "the Azure reservations purchase permission". */
  name: string;
  /** The word short messages put before "permission": none for the reservations one, "the permission" since before there were two. */
  qualifier?: string;
  /** What it lets the customer buy, as many and as one. */
  things: string;
  thing: string;
}

export const permissionKinds: Record<PolicyResource, PermissionKind> = {
  AzureReservedInstances: {
    field: 'purchasePermission',
    target: 'Azure reservations: allow customer to purchase',
    name: 'Azure reservations purchase permission',
    things: 'reservations',
    thing: 'a reservation',
  },
  // The bot only sells reservations: customers buy savings plans in the Azure portal, so R7/R8 never read this one.
  AzureSavingsPlan: {
    field: 'savingsPlanPermission',
    target: 'Azure savings plan: allow customer to purchase',
    name: 'Azure savings plan purchase permission',
    qualifier: 'savings plan',
    things: 'savings plans',
    thing: 'a savings plan',
  },
};

/** "permission" or "savings plan permission" ("purchase permission", "savings plan purchase permission"). */
export const shortName = (resource: PolicyResource, noun = 'permission') => [permissionKinds[resource].qualifier, noun].filter(Boolean).join(' ');

/** The customer's permission for this resource, as stored. */
export const permissionOf = (customer: Customer, resource: PolicyResource): PurchasePermission => customer[permissionKinds[resource].field];
