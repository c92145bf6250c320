import type { BillingPlan, Scope } from '../data/schemas.ts';

/** A purchase typed on one line, before any of it is checked against the catalogue or the customer. */
export interface PurchaseLine {
  sku: string;
  region: string;
  term: string;
  quantity: string;
  billingPlan: BillingPlan;
  /** The scope, once the billing subscription is known (`single` and `rg:` mean one in that subscription). */
  scope: (billingSubscriptionId: string) => Scope;
}

export const purchaseLineUsage = '<sku> <region> <term> <quantity> [shared|single|rg:<group>|mg:<group id>] [upfront|monthly]';

/** Reads `<sku> <region> <term> <quantity> [scope] [billing plan]`; the scope defaults to shared and the plan to upfront. */
export function parsePurchaseLine(words: string[]): PurchaseLine | { problem: string } {
  const [sku, region, term, quantity, ...options] = words;
  if (!sku || !region || !term || !quantity) return { problem: 'a purchase needs the product (SKU), region, term and quantity' };
  let billingPlan: BillingPlan = 'Upfront';
  let scope: PurchaseLine['scope'] = () => ({ type: 'Shared' });
  for (const option of options) {
    const [word = '', target] = option.split(':', 2) as [string, string | undefined];
    const kind = word.toLowerCase();
    if (kind === 'upfront' || kind === 'monthly') billingPlan = kind === 'upfront' ? 'Upfront' : 'Monthly';
    else if (kind === 'shared' && target === undefined) scope = () => ({ type: 'Shared' });
    else if (kind === 'single') scope = (billing) => ({ type: 'Single', subscriptionId: target || billing });
    else if (kind === 'rg' && target) scope = (billing) => ({ type: 'ResourceGroup', subscriptionId: billing, resourceGroup: target });
    else if (kind === 'mg' && target) scope = () => ({ type: 'ManagementGroup', managementGroupId: target });
    else return { problem: `"${option}" is neither a scope (shared, single, rg:*group*, mg:*group id*) nor a billing plan (upfront, monthly)` };
  }
  return { sku, region, term, quantity, billingPlan, scope };
}
