import type { Customer, Partner, PurchasePermission } from '../data/schemas.ts';
import { changedOutside } from './purchasePermission.ts';
import { hasOwnerOnEligible, ineligibility, isEligible, type Ineligibility } from './eligibility.ts';

export interface CustomerAccount {
  id: string;
  name: string;
  domain: string;
  /** `owners`: none where Azure, not the directory, holds who is Owner (Partner Center mode: asked when someone buys). */
  subscriptions: { id: string; name?: string; offer: string; status: string; usageBased: boolean; eligible: boolean; owners?: string[] }[];
  /** "Azure reservations: allow customer to purchase", and the savings plan one, each with who changed it last. */
  permission: PurchasePermission;
  savingsPlanPermission: PurchasePermission;
  /** R4: whether the permission may be turned on. */
  canBeEnabled: boolean;
  /** R4: why it may not, with what to do (a suspended Azure Plan is not a missing one). */
  ineligible?: Ineligibility;
  /** R5: whether some user holds Owner on an eligible subscription; unknown where Azure holds the Owners. */
  hasEligibleOwner?: boolean;
}

/** The customer's account as agents see it: subscriptions with their Owners, and the two purchase permissions. */
export function customerAccount(partner: Partner, customer: Customer, ownersListed = true): CustomerAccount {
  const userName = new Map(customer.users.map((u) => [u.userId, u.name]));
  return {
    id: customer.id,
    name: customer.name,
    domain: customer.domain,
    subscriptions: customer.subscriptions.map((s) => ({
      id: s.id,
      name: s.name,
      offer: s.offer,
      status: s.status,
      usageBased: s.usageBased,
      eligible: isEligible(s),
      owners: ownersListed ? s.owners.map((o) => userName.get(o) ?? o) : undefined,
    })),
    permission: named(partner, customer.purchasePermission),
    savingsPlanPermission: named(partner, customer.savingsPlanPermission),
    canBeEnabled: customer.subscriptions.some(isEligible),
    ineligible: ineligibility(customer),
    hasEligibleOwner: ownersListed ? hasOwnerOnEligible(customer) : undefined,
  };
}

function named(partner: Partner, { enabled, changedAt, changedBy }: PurchasePermission): PurchasePermission {
  return { enabled, changedAt, changedBy: changedBy && changerName(partner, changedBy) };
}

function changerName(partner: Partner, userId: string): string {
  if (userId === 'system') return 'world import';
  if (userId === changedOutside) return 'outside the bot';
  return partner.agents.find((a) => a.userId === userId)?.name ?? userId;
}
