import type { ChangeRequest, Customer } from '../data/schemas.ts';
import { describeChange } from '../services/changeWords.ts';
import { adaptiveCard, heading, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime, plural } from './format.ts';
import { kindTitles } from './requestCard.ts';

/** A card lists this many requests, so that it stays within Teams' message size. */
export const requestsShown = 15;

export interface RequestsCardModel {
  /** Pending first, then the newest. */
  requests: ChangeRequest[];
  customerOf: (id: string) => Customer;
  /** Agents see every customer's; a customer user only their own. */
  forAgent: boolean;
}

/** R15–R16: change requests and their state, each with a button that opens its card. */
export function requestsCard({ requests, customerOf, forAgent }: RequestsCardModel): AdaptiveCard {
  const pending = requests.filter((r) => r.state === 'Pending').length;
  const subtitle = requests.length
    ? `${pending} waiting for a decision · ${plural(requests.length, 'request')} in all${requests.length > requestsShown ? ` · the first ${requestsShown} shown` : ''}`
    : forAgent
      ? 'No requests yet. Customers ask for changes with `cancel`, `exchange`, `renew` or `scope`.'
      : 'No requests yet. To ask for a change, type `reservations` and use the buttons under a reservation.';
  return adaptiveCard([
    ...heading('Change requests', subtitle),
    ...requests.slice(0, requestsShown).map((r) => {
      const customer = customerOf(r.customerId);
      const closed = r.state === 'Pending' ? `expires ${formatTime(r.expiresAt)}` : `${r.state.toLowerCase()}${r.state === 'Expired' ? '' : ` by ${r.closedBy?.name}`} on ${formatTime(r.closedAt!)}`;
      return {
        type: 'Container',
        separator: true,
        spacing: 'Small',
        items: [
          { type: 'TextBlock', text: `**${r.id}** · ${kindTitles[r.change.kind]} · ${r.state}${forAgent ? ` · ${customer.name}` : ''}`, wrap: true },
          { type: 'TextBlock', text: `${describeChange(r.change, r.reservationId, customer)} · asked by ${r.requestedBy.name} on ${formatTime(r.requestedAt)} · ${closed}`, wrap: true, isSubtle: true, size: 'Small', spacing: 'None' },
          { type: 'ActionSet', actions: [typedCommandAction(`Open ${r.id}`, `request ${r.id}`)] },
        ],
      };
    }),
  ]);
}
