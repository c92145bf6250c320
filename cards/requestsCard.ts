import type { ChangeRequest, Customer } from '../data/schemas.ts';
import { describeChange, requestStateLabel } from '../services/changeWords.ts';
import { adaptiveCard, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime, plural } from './format.ts';
import { pageButtons, pageHeading, type ListPage } from './listPage.ts';
import { kindTitles } from './requestCard.ts';

/** A card lists this many requests, so that it stays within Teams' message size. */
export const requestsPageSize = 15;

export const requestsPageVerb = 'requests.page';

export interface RequestsCardModel {
  /** Pending first, then the newest. */
  page: ListPage<ChangeRequest>;
  /** How many of all the requests (not only this page's) wait for a decision. */
  pending: number;
  customerOf: (id: string) => Customer;
  /** Agents see every customer's; a customer user only their own. */
  forAgent: boolean;
}

/** R15–R16: change requests and their state, each with a button that opens its card. */
export function requestsCard({ page, pending, customerOf, forAgent }: RequestsCardModel): AdaptiveCard {
  const { total, number, count } = page;
  const subtitle = total
    ? `${pending} waiting for a decision · ${plural(total, 'request')} in all${count > 1 ? ` · page ${number} of ${count}` : ''}`
    : forAgent
      ? 'No requests yet. Customers ask for changes with `cancel`, `exchange`, `renew` or `scope`.'
      : 'No requests yet. To ask for a change, type `reservations` and use the buttons under a reservation.';
  const body = [
    ...pageHeading('Change requests', subtitle, page),
    ...page.items.map((r) => {
      const customer = customerOf(r.customerId);
      const closed = r.state === 'Pending' ? `expires ${formatTime(r.expiresAt)}` : `${r.state.toLowerCase()}${r.state === 'Expired' ? '' : ` by ${r.closedBy?.name}`} on ${formatTime(r.closedAt!)}`;
      return {
        type: 'Container',
        separator: true,
        spacing: 'Small',
        items: [
          { type: 'TextBlock', text: `**${r.id}** · ${kindTitles[r.change.kind]} · ${requestStateLabel(r)}${forAgent ? ` · ${customer.name}` : ''}`, wrap: true },
          { type: 'TextBlock', text: `${describeChange(r.change, r.reservationId, customer)} · asked by ${r.requestedBy.name} on ${formatTime(r.requestedAt)} · ${closed}`, wrap: true, isSubtle: true, size: 'Small', spacing: 'None' },
          { type: 'ActionSet', actions: [typedCommandAction(`Open ${r.id}`, `request ${r.id}`)] },
        ],
      };
    }),
  ];
  return adaptiveCard(body, pageButtons(page, requestsPageVerb, {}));
}
