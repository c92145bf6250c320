import type { CustomerAccount } from '../services/customerAccount.ts';
import type { Order, PurchasePermission } from '../data/schemas.ts';
import type { PolicyResource } from '../services/microsoftCloud.ts';
import { permissionKinds } from '../services/permissionKinds.ts';
import { formatMoney } from '../services/money.ts';
import { adaptiveCard, executeAction, heading, noticeBlock, typedCommandAction, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { capitalize, factSet, formatTime, note, offerName, onOff, sectionHeading, yesNo } from './format.ts';
import { boughtBy } from './reservationFacts.ts';

export const permissionSetVerb = 'permission.set';

export interface CustomerCardModel {
  account: CustomerAccount;
  partnerName: string;
  /** R11: how many reservations the customer has, and its newest order. */
  purchases: { reservations: number; lastOrder?: Order };
  /** Admin Agents get the switch; everyone else sees the state read-only, with this note saying who can change it (R2). */
  canChange: boolean;
  readOnlyNote?: string;
  notice?: Notice;
}

/** Each switch's titles: the reservations one keeps the plain ones it had before there were two. */
const switchTitles: Record<PolicyResource, { on: string; off: string }> = {
  AzureReservedInstances: { on: 'Turn on', off: 'Turn off' },
  AzureSavingsPlan: { on: 'Turn on savings plan', off: 'Turn off savings plan' },
};

/** The customer's account card: subscriptions, and the Customer permissions section with a switch for each permission. */
export function customerCard({ account, partnerName, purchases, canChange, readOnlyNote, notice }: CustomerCardModel): AdaptiveCard {
  const permissions: [PolicyResource, PurchasePermission][] = [
    ['AzureReservedInstances', account.permission],
    ['AzureSavingsPlan', account.savingsPlanPermission],
  ];
  const body = [
    ...heading(account.name, `${account.domain} · tenant ${account.id}`),
    ...(notice ? [noticeBlock(notice)] : []),
    { type: 'TextBlock', text: 'Subscriptions', size: 'Medium', weight: 'Bolder', separator: true, spacing: 'Medium' },
    ...(account.subscriptions.length
      ? account.subscriptions.map((s) => ({
          type: 'Container',
          spacing: 'Small',
          items: [
            { type: 'TextBlock', text: s.name ?? s.id, weight: 'Bolder', wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Offer', value: offerName(s.offer) },
                { title: 'Status', value: capitalize(s.status) },
                { title: 'Usage-based', value: yesNo(s.usageBased) },
                { title: 'Owners', value: !s.owners ? 'In Azure (checked when someone buys)' : s.owners.length ? s.owners.join(', ') : 'None' },
                { title: 'Subscription id', value: s.id },
              ],
            },
          ],
        }))
      : [{ type: 'TextBlock', text: 'No subscriptions.', isSubtle: true }]),
    { type: 'TextBlock', text: 'Customer permissions', size: 'Medium', weight: 'Bolder', separator: true, spacing: 'Medium' },
    {
      type: 'FactSet',
      facts: permissions.map(([resource, permission]) => ({ title: permissionKinds[resource].target, value: `${onOff(permission.enabled)}${since(permission)}` })),
    },
    ...permissionHints(account, canChange ? undefined : readOnlyNote),
    sectionHeading('Reservations'),
    factSet([
      ['Reservations', String(purchases.reservations)],
      ['Last purchase', purchases.lastOrder ? lastPurchase(purchases.lastOrder, account.name, partnerName) : 'None yet'],
    ]),
  ];
  const actions = [
    // R4: Turn on is not offered where it could only be refused; the card says why instead (permissionHints).
    ...permissions
      .filter(([, permission]) => canChange && (permission.enabled || !account.ineligible))
      .map(([resource, { enabled }]) =>
        executeAction(enabled ? switchTitles[resource].off : switchTitles[resource].on, permissionSetVerb, { customerId: account.id, resource, enabled: !enabled }, enabled ? 'destructive' : 'positive'),
      ),
    typedCommandAction('Reservations', `reservations ${account.domain}`),
    typedCommandAction('Order history', `orders ${account.domain}`),
  ];
  return adaptiveCard(body, actions);
}

function since(permission: PurchasePermission): string {
  return permission.changedAt ? ` since ${formatTime(permission.changedAt)}${permission.changedBy ? ` (${permission.changedBy})` : ''}` : '';
}

function lastPurchase(order: Order, customerName: string, partnerName: string): string {
  return `${formatTime(order.at)} · ${boughtBy(order.by, customerName, partnerName)} · ${formatMoney(order.amount, order.currency)}`;
}

function permissionHints(account: CustomerAccount, readOnlyNote: string | undefined): object[] {
  const hints: string[] = [];
  if (account.canBeEnabled && account.hasEligibleOwner === false) hints.push('No user of this customer holds Owner on an eligible subscription, so nobody there can buy yet.');
  if (readOnlyNote) hints.push(readOnlyNote);
  const why = !account.permission.enabled && account.ineligible ? [{ type: 'TextBlock', text: account.ineligible.text, wrap: true, color: 'Warning' }] : [];
  return [...why, ...hints.map(note)];
}
