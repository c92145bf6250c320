import { productOf } from './catalog.ts';
import type { ChangeInput, ChangePlan, ChangeSubject } from './changeRules.ts';
import { formatMoney } from './money.ts';
import { parseQuantity } from './quantity.ts';
import { requestRefusals } from './requestRefusals.ts';
import { capWindowStart, inUsd, refundAllowance, refundCap, returnedAt, rowOf, unusedValue } from './reservationValue.ts';

/**
 * R17's cancel on `today`: some or all units of a reservation are returned, refunded pro rata at the lower of the price
 * paid and today's; refused for a product Azure does not refund, and when the refund, counted in USD at the price
 * list's rate, would pass what is left of the customer's cap.
 */
export function planCancel({ catalog, partnerName, reservation, orders, viewer }: ChangeSubject, input: Extract<ChangeInput, { kind: 'Cancel' }>, today: string): ChangePlan {
  const product = productOf(catalog, reservation);
  if (product?.refundable === false) throw requestRefusals.notRefundable(reservation, product, viewer);
  const quantity = input.quantity === undefined ? reservation.quantity : parseQuantity(input.quantity);
  if (quantity > reservation.quantity) throw requestRefusals.tooManyReturned(reservation, quantity);
  const row = rowOf(reservation, catalog.prices);
  const figures = unusedValue(reservation, today, returnedAt(reservation, row, quantity));
  const usdRate = row?.currency === reservation.currency ? row.usdRate : undefined;
  const usdValue = inUsd(figures.unusedValue, reservation.currency, usdRate);
  if (usdValue === undefined) throw requestRefusals.noUsdRate(reservation, viewer, partnerName);
  const converted = reservation.currency === refundCap.currency ? {} : { usdValue, usdRate };
  const allowance = refundAllowance(orders, today);
  if (usdValue > allowance) {
    const refund = `${formatMoney(figures.unusedValue, figures.currency)}${converted.usdValue === undefined ? '' : ` (${formatMoney(usdValue, refundCap.currency)})`}`;
    throw requestRefusals.refundCapExceeded(refund, allowance, capWindowStart(today), viewer);
  }
  return { change: { kind: 'Cancel', ...(quantity < reservation.quantity ? { quantity } : {}) }, figures: { ...figures, allowance, ...converted } };
}
