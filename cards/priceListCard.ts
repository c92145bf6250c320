import type { Offer } from '../services/catalog.ts';
import { formatMoney } from '../services/money.ts';
import { termLabel } from '../services/terms.ts';
import { usageMarkdown } from '../services/usageMarkdown.ts';
import { adaptiveCard, heading, noticeBlock, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { note, plural } from './format.ts';

export interface PriceListCardModel {
  partnerName: string;
  offers: Offer[];
  /** Agents see the Web Direct price beside the partner's; customer users only what they pay (R10). */
  forAgent: boolean;
  notice?: Notice;
}

const column = (text: string, width: string, extra: object = {}) => ({ type: 'Column', width, items: [{ type: 'TextBlock', text, wrap: true, ...extra }] });

/** The price list: per unit, for the whole term. */
export function priceListCard({ partnerName, offers, forAgent, notice }: PriceListCardModel): AdaptiveCard {
  const header = {
    type: 'ColumnSet',
    columns: [column('Product · region · term', 'stretch', { weight: 'Bolder' }), column(forAgent ? 'Partner price' : 'Price', 'auto', { weight: 'Bolder' }), ...(forAgent ? [column('Web Direct', 'auto', { weight: 'Bolder' })] : [])],
  };
  const rows = offers.map(({ product, price }) => ({
    type: 'ColumnSet',
    separator: true,
    columns: [
      { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: `${product.name} · ${price.region} · ${termLabel(price.term)}`, wrap: true }, { type: 'TextBlock', text: `${price.sku} ${price.region} ${price.term}`, isSubtle: true, size: 'Small', spacing: 'None', wrap: true }] },
      column(price.partnerPrice === undefined ? 'Not set' : formatMoney(price.partnerPrice, price.currency), 'auto', price.partnerPrice === undefined ? { color: 'Attention' } : {}),
      ...(forAgent ? [column(formatMoney(price.webDirectPrice, price.currency), 'auto', { isSubtle: true })] : []),
    ],
  }));
  const explain = forAgent
    ? `Prices are per unit for the whole term. Customers pay the partner price and never see the Web Direct price; a row with no partner price cannot be bought. Admin Agents set one with ${usageMarkdown('price <sku> <region> <term> <amount>')}.`
    : `Prices are per unit for the whole term, set by ${partnerName}. Type \`buy\` to buy one.`;
  return adaptiveCard([
    ...heading(`${forAgent ? 'Price list' : 'Reservation prices'} of ${partnerName}`, offers.length ? plural(offers.length, 'price') : 'Nothing can be bought at the moment.'),
    ...(notice ? [noticeBlock(notice)] : []),
    ...(offers.length ? [header, ...rows] : []),
    note(explain),
  ]);
}
