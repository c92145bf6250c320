import { formatMoney, fromCents, toCents } from '../services/money.ts';
import type { QuoteView } from '../services/purchases.ts';
import { describeScope } from '../services/scope.ts';
import { termLabel, termYears } from '../services/terms.ts';
import { adaptiveCard, executeAction, heading, noticeBlock, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { factSet, note, subscriptionTitle } from './format.ts';

export const purchaseConfirmVerb = 'purchase.confirm';
export const purchaseEditVerb = 'purchase.edit';

export interface PurchaseReviewModel {
  view: QuoteView;
  partnerName: string;
  /** Agents see the Web Direct price beside the partner's (R10). */
  forAgent: boolean;
  notice?: Notice;
}

/** The confirm step: everything that will be bought, the total, and the one button that buys it. */
export function purchaseReviewCard({ view, partnerName, forAgent, notice }: PurchaseReviewModel): AdaptiveCard {
  const { quote, customer, offer, subscription } = view;
  const { request, currency } = quote;
  const money = (amount: number) => formatMoney(amount, currency);
  const months = termYears[request.term] * 12;
  const body = [
    ...heading('Review your purchase', `${customer.name} · billed to ${partnerName}`),
    ...(notice ? [noticeBlock(notice)] : []),
    factSet([
      ['Product', `${offer.product.name} (${offer.product.sku})`],
      ['Region', offer.price.region],
      ['Term', termLabel(request.term)],
      ['Quantity', String(request.quantity)],
      ['Price per unit', money(quote.unitPrice)],
      ['Web Direct price per unit', forAgent ? money(offer.price.webDirectPrice) : undefined],
      ['Billing plan', request.billingPlan === 'Upfront' ? 'Upfront' : `Monthly (about ${money(fromCents(Math.round(toCents(quote.total) / months)))} a month for ${months} months)`],
      ['Billing subscription', subscriptionTitle(subscription)],
      ['Scope', describeScope(customer, request.scope)],
      ['Billed to', partnerName],
    ]),
    { type: 'TextBlock', text: `Total: ${money(quote.total)}`, size: 'Large', weight: 'Bolder', wrap: true, spacing: 'Medium' },
    note('A reservation cannot be exchanged, cancelled, renewed or re-scoped by the customer alone; those changes are asked of the partner.'),
  ];
  return adaptiveCard(body, [
    executeAction(`Buy for ${money(quote.total)}`, purchaseConfirmVerb, { quoteId: quote.id }, 'positive'),
    executeAction('Change', purchaseEditVerb, { quoteId: quote.id }),
  ]);
}
