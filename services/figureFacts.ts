import type { ChangeRequest, ValueFigures } from '../data/schemas.ts';
import { units } from './changeWords.ts';
import { formatMoney } from './money.ts';
import { refundCap } from './reservationValue.ts';

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
  // An exchange of several lists each reservation returned with its days; one returned has its days and price here.
  const returned: [string, string | undefined][] = figures.returned
    ? [['Returned', figures.returned.map((r) => `${r.reservationId}: ${money(r.unusedValue)} (${r.remainingDays} of ${r.totalDays} days unused${r.unitPrice === undefined ? '' : `, ${countedAt(r, figures.currency)}`})`).join('; ')]]
    : [
        ['Days unused', `${figures.remainingDays} of ${figures.totalDays}`],
        ['Counted at', figures.unitPrice === undefined ? undefined : countedAt(figures, figures.currency)],
      ];
  if (request.change.kind === 'Cancel') {
    return [
      [`Refund (${asOf})`, money(figures.unusedValue)],
      ...returned,
      ['Refund in USD', figures.usdValue === undefined ? undefined : `${formatMoney(figures.usdValue, refundCap.currency)} (at ${figures.usdRate} USD per ${figures.currency}), as it counts against the cap`],
      ['Refund allowance before it', figures.allowance === undefined ? undefined : `${formatMoney(figures.allowance, refundCap.currency)} left in the rolling 12 months`],
    ];
  }
  return [[`Credit (${asOf})`, money(figures.unusedValue)], ...returned, ['New total commitment', money(figures.newTotal)], ['Due beyond the credit', money(figures.due)]];
}

/** "2 units at USD 600.00, the price paid", or at today's price where that is lower (R17). */
export function countedAt(share: Pick<ValueFigures, 'quantity' | 'unitPrice' | 'priceBasis'>, currency: string): string {
  const basis = share.priceBasis === 'Today' ? "today's price, lower than the price paid" : 'the price paid';
  return `${units(share.quantity!)} at ${formatMoney(share.unitPrice!, currency)}, ${basis}`;
}
