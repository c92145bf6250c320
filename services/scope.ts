import { quoted } from './excerpt.ts';
import type { Customer, Scope } from '../data/schemas.ts';
import { eligibleSubscriptions } from './eligibility.ts';
import { possessive } from './possessive.ts';
import { refusals } from './refusals.ts';

/** The customer's subscription with this id by its name, or by the id when it has none or is not the customer's. */
export const subscriptionName = (customer: Customer, id: string) => customer.subscriptions.find((s) => s.id === id)?.name ?? id;

/** The applied scope in words: "Shared", "Single subscription: Contoso Production", ... */
export function describeScope(customer: Customer, scope: Scope): string {
  switch (scope.type) {
    case 'Shared':
      return 'Shared';
    case 'Single':
      return `Single subscription: ${subscriptionName(customer, scope.subscriptionId)}`;
    case 'ResourceGroup':
      return `Resource group ${scope.resourceGroup} in ${subscriptionName(customer, scope.subscriptionId)}`;
    case 'ManagementGroup':
      return `Management group ${customer.managementGroups.find((g) => g.id === scope.managementGroupId)?.name ?? scope.managementGroupId}`;
  }
}

/**
 * R14, in words: a shared scope covers the Azure subscriptions the partner bought for this customer
 * (the eligible ones), and never another customer's.
 */
export function sharedScopeCoverage(customer: Customer, partnerName: string): string {
  const names = eligibleSubscriptions(customer).map((s) => s.name ?? s.id);
  const list = names.length ? names.join(', ') : 'none at the moment';
  return `A shared-scope reservation's discount applies to matching usage in every Azure subscription ${partnerName} bought for ${customer.name}: ${list}. It never applies to another customer's usage.`;
}

/** Azure's rule for resource group names: 1–90 letters, digits, underscores, hyphens, periods and parentheses, not ending in a period. */
export const isResourceGroupName = (name: string) => /^[\p{L}\p{N}_\-.()]{1,90}$/u.test(name) && !name.endsWith('.');

/** R14: the scope's target must be this customer's. */
export function checkScope(customer: Customer, scope: Scope): void {
  if (scope.type === 'Shared') return;
  if (scope.type === 'ManagementGroup') {
    if (!customer.managementGroups.some((g) => g.id === scope.managementGroupId)) throw refusals.invalidScope(`${quoted(scope.managementGroupId)} is not one of ${possessive(customer.name)} management groups.`);
    return;
  }
  if (!eligibleSubscriptions(customer).some((s) => s.id === scope.subscriptionId)) throw refusals.invalidScope(`${quoted(scope.subscriptionId)} is not one of ${possessive(customer.name)} active Azure subscriptions.`);
  if (scope.type === 'ResourceGroup' && !isResourceGroupName(scope.resourceGroup)) throw refusals.invalidResourceGroup(scope.resourceGroup);
}
