import type { Customer, Subscription } from '../data/schemas.ts';

const eligibleOffers = new Set(['azureplan', 'azureglobal']);

/** R4: an active, usage-based Azure Plan or Azure Global subscription. */
export function isEligible(subscription: Subscription): boolean {
  return eligibleOffers.has(subscription.offer.toLowerCase()) && subscription.usageBased && subscription.status === 'active';
}

export function eligibleSubscriptions(customer: Customer): Subscription[] {
  return customer.subscriptions.filter(isEligible);
}

/** R5: whether some user of the customer holds Owner on an eligible subscription. */
export function hasOwnerOnEligible(customer: Customer): boolean {
  return eligibleSubscriptions(customer).some((s) => s.owners.length > 0);
}
