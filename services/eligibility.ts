import type { Customer, Subscription } from '../data/schemas.ts';
import { possessive } from './possessive.ts';

const eligibleOffers = new Set(['azureplan', 'azureglobal']);

/** R4: an active, usage-based Azure Plan or Azure Global subscription. */
export function isEligible(subscription: Subscription): boolean {
  return isAzurePlan(subscription) && subscription.usageBased && subscription.status === 'active';
}

const isAzurePlan = (subscription: Subscription) => eligibleOffers.has(subscription.offer.toLowerCase());

export function eligibleSubscriptions(customer: Customer): Subscription[] {
  return customer.subscriptions.filter(isEligible);
}

/** R5: whether some user of the customer holds Owner on an eligible subscription. */
export function hasOwnerOnEligible(customer: Customer): boolean {
  return eligibleSubscriptions(customer).some((s) => s.owners.length > 0);
}

/** Why R4 keeps the permission off: a few words for a list ("Azure Plan suspended"), and the whole story with what to do. */
export interface Ineligibility {
  short: string;
  text: string;
}

/** R4 in words: why the permission cannot be turned on for this customer now, or nothing when it can. */
export function ineligibility(customer: Customer): Ineligibility | undefined {
  if (customer.subscriptions.some(isEligible)) return undefined;
  const name = customer.name;
  const plans = customer.subscriptions.filter(isAzurePlan);
  const label = (subscriptions: Subscription[]) => subscriptions.map((s) => (s.name ? `"${s.name}" (${s.id})` : s.id)).join(', ');
  const suspended = plans.filter((s) => s.status === 'suspended');
  if (suspended.length) {
    return {
      short: 'Azure Plan suspended',
      text: `${possessive(name)} Azure Plan subscription ${label(suspended)} is suspended, so ${name} cannot be allowed to buy reservations. Reactivate it in Partner Center (a subscription is usually suspended over billing or a policy issue: settle that first), then turn the permission on.`,
    };
  }
  const active = plans.filter((s) => s.status === 'active');
  if (active.length) {
    return {
      short: 'Azure Plan not usage-based',
      text: `${possessive(name)} Azure subscription ${label(active)} is not usage-based, so ${name} cannot be allowed to buy reservations. Buy a usage-based Azure Plan for ${name} in Partner Center, then turn the permission on.`,
    };
  }
  if (plans.length) {
    return {
      short: 'Azure Plan deleted',
      text: `${possessive(name)} Azure Plan subscription ${label(plans)} was deleted, so ${name} cannot be allowed to buy reservations. Buy a new Azure Plan for ${name} in Partner Center, then turn the permission on.`,
    };
  }
  return {
    short: 'no Azure Plan',
    text: `${name} has no active, usage-based Azure Plan or Azure Global subscription, so it cannot be allowed to buy reservations. Buy an Azure Plan for ${name} first, then turn the permission on.`,
  };
}
