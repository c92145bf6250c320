import type { ChangeRequest } from '../data/schemas.ts';
import { formatMoney } from './money.ts';

/**
 * R17's figures of a cancel or an exchange request, as [title, value] pairs in the words the request card and the
 * dashboard share: the figures of the approval once there is one, else the estimate the customer was shown. A
 * value is undefined where the figures lack it (left out when shown); a renewal or a scope change has none.
 */
export function figureFacts(request: ChangeRequest): [string, string | undefined][] {
  const figures = request.outcome?.figures ?? request.estimate;
  if (!figures) return [];
  const money = (amount: number | undefined, words = '') => (amount === undefined ? undefined : `${formatMoney(amount, figures.currency)}${words}`);
  const asOf = request.outcome?.figures ? `on ${figures.asOf}` : `estimate as of ${figures.asOf}`;
  const days: [string, string] = ['Days unused', `${figures.remainingDays} of ${figures.totalDays}`];
  if (request.change.kind === 'Cancel') {
    return [[`Refund (${asOf})`, money(figures.unusedValue)], days, ['Refund allowance before it', money(figures.allowance, ' left in the rolling 12 months')]];
  }
  return [[`Credit (${asOf})`, money(figures.unusedValue)], days, ['New total commitment', money(figures.newTotal)], ['Due beyond the credit', money(figures.due)]];
}
