import type { Customer, Subscription } from '../data/schemas.ts';
import { possessive } from './possessive.ts';

const eligibleOffers = new Set(['azureplan', 'azureglobal']);

/** R4: an active, usage-based Azure Plan or Azure Global subscription. */
export function isEligible(subscription: Subscription): boolean {
  return isAzurePlan(subscription) && subscription.usageBased && subscription.status === 'active';
}

/** An Azure Plan or Azure Global subscription, whatever its state: where reservations are billed. */
export const isAzurePlan = (subscription: Pick<Subscription, 'offer'>) => eligibleOffers.has(subscription.offer.toLowerCase());

export function eligibleSubscriptions(customer: Customer): Subscription[] {
  return customer.subscriptions.filter(isEligible);
}

/** R5: whether some user of the customer holds Owner on an eligible subscription. */
export function hasOwnerOnEligible(customer: Customer): boolean {
  return eligibleSubscriptions(customer).some((s) => s.owners.length > 0);
}

/**
 * Why R4 keeps the permission off: a few words for a list ("Azure Plan suspended"), the fact and what to do about it
 * (for messages about something else, such as a purchase), and the whole story for turning the permission on.
 */
export interface Ineligibility {
  short: string;
  why: string;
  fix: string;
  text: string;
}

/** R4 in words: why the permission letting the customer buy `things` cannot be turned on now, or nothing when it can. */
export function ineligibility(customer: Pick<Customer, 'name' | 'subscriptions'>, things = 'reservations'): Ineligibility | undefined {
  if (customer.subscriptions.some(isEligible)) return undefined;
  const name = customer.name;
  const plans = customer.subscriptions.filter(isAzurePlan);
  const label = (subscriptions: Subscription[]) => subscriptions.map((s) => (s.name ? `"${s.name}" (${s.id})` : s.id)).join(', ');
  const story = (short: string, why: string, fix: string): Ineligibility => ({ short, why, fix, text: `${why}, so ${name} cannot be allowed to buy ${things}. ${fix}, then turn the permission on.` });
  const suspended = plans.filter((s) => s.status === 'suspended');
  if (suspended.length) {
    return story(
      'Azure Plan suspended',
      `${possessive(name)} Azure Plan subscription ${label(suspended)} is suspended`,
      'Reactivate it in Partner Center (a subscription is usually suspended over billing or a policy issue: settle that first)',
    );
  }
  const active = plans.filter((s) => s.status === 'active');
  if (active.length) return story('Azure Plan not usage-based', `${possessive(name)} Azure subscription ${label(active)} is not usage-based`, `Buy a usage-based Azure Plan for ${name} in Partner Center`);
  if (plans.length) return story('Azure Plan deleted', `${possessive(name)} Azure Plan subscription ${label(plans)} was deleted`, `Buy a new Azure Plan for ${name} in Partner Center`);
  return story('no Azure Plan', `${name} has no active, usage-based Azure Plan or Azure Global subscription`, `Buy an Azure Plan for ${name} first`);
}
