import type { CloudCustomer } from '../microsoftCloud.ts';
import type { PartnerCenterEntitlement, PartnerCenterSubscription } from './partnerCenterShapes.ts';

type Row = CloudCustomer['subscriptions'][number];
type Status = Row['status'];

/** An Azure plan: usage-based, offer "Azure plan" (its offer id is DZH318Z0BPS6). Its Azure subscriptions are its entitlements. */
export function isAzurePlan(subscription: PartnerCenterSubscription): boolean {
  return subscription.billingType === 'usage' && (/^azure plan$/i.test(subscription.offerName.trim()) || (subscription.offerId ?? '').toUpperCase().startsWith('DZH318Z0BPS6'));
}

/** Partner Center's statuses folded into ours: deleted and expired are gone; anything else not active (suspended, disabled, pending) is suspended. */
function folded(status: string): Status {
  const s = status.toLowerCase();
  if (s === 'active') return 'active';
  return s === 'deleted' || s === 'expired' ? 'deleted' : 'suspended';
}

const worst = (a: Status, b: Status): Status => (a === 'deleted' || b === 'deleted' ? 'deleted' : a === 'suspended' || b === 'suspended' ? 'suspended' : 'active');

/** The rows our model keeps for a Partner Center subscription: one per Azure entitlement for an Azure plan, else the subscription itself. */
export function subscriptionRows(subscription: PartnerCenterSubscription, entitlements: readonly PartnerCenterEntitlement[]): Row[] {
  if (!isAzurePlan(subscription)) {
    return [{ id: subscription.id, name: subscription.friendlyName || undefined, offer: subscription.offerName, usageBased: subscription.billingType === 'usage', status: folded(subscription.status) }];
  }
  const plan = folded(subscription.status);
  return entitlements.map((e) => ({ id: e.id, name: e.friendlyName || undefined, offer: 'AzurePlan', usageBased: true, status: worst(plan, folded(e.status)) }));
}
