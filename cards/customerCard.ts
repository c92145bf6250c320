import type { CustomerAccount } from '../services/customerAccount.ts';
import type { Order } from '../data/schemas.ts';
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

/** The customer's account card: subscriptions, and the Customer permissions section with the Azure reservations switch. */
export function customerCard({ account, partnerName, purchases, canChange, readOnlyNote, notice }: CustomerCardModel): AdaptiveCard {
  const { permission } = account;
  const since = permission.changedAt ? ` since ${formatTime(permission.changedAt)}${permission.changedBy ? ` (${permission.changedBy})` : ''}` : '';
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
      facts: [{ title: 'Azure reservations: allow customer to purchase', value: `${onOff(permission.enabled)}${since}` }],
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
    ...(canChange && (permission.enabled || !account.ineligible)
      ? [executeAction(permission.enabled ? 'Turn off' : 'Turn on', permissionSetVerb, { customerId: account.id, enabled: !permission.enabled }, permission.enabled ? 'destructive' : 'positive')]
      : []),
    typedCommandAction('Reservations', `reservations ${account.domain}`),
    typedCommandAction('Order history', `orders ${account.domain}`),
  ];
  return adaptiveCard(body, actions);
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
