import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import type { PriceChange } from '../../services/priceList.ts';
import { formatMoney } from '../../services/money.ts';
import { termLabel } from '../../services/terms.ts';
import { cardReply } from '../replies.ts';
import { defineCommand } from './command.ts';
import { priceListFor } from './prices.ts';

const word = (what: string) => z.string({ error: `name the ${what}` });

/** R10, R18: an Admin Agent sets (or withdraws, with `none`) the price customers pay for a catalogue row. */
export const priceCommand = defineCommand({
  name: 'price',
  summary: 'Set the partner price of a product, region and term (per unit, for the whole term)',
  usage: 'price <sku> <region> <term> <amount>|none',
  examples: ['price Standard_D2s_v5 eastus 1y 612.50', 'price Standard_D2s_v5 westeurope 1y none'],
  roles: ['AdminAgent'],
  shows: 'partner',
  writes: () => Operation.SetPartnerPrice,
  attemptsLoggedFor: ['SalesAgent', 'HelpDeskAgent', 'CustomerUser'],
  // The rest element makes a missing word an issue of its own, named, rather than a bare "too small".
  args: z.tuple([word('product (SKU)'), word('region'), word('term'), word('amount')], z.never({ error: 'give only the SKU, region, term and amount' })).transform(([sku, region, term, amount]) => ({ sku, region, term, amount })),
  async run({ person, services }, { sku, region, term, amount }) {
    const change = await services.prices.set(person, sku, region, term, amount);
    return [cardReply(await priceListFor(services, person, { tone: 'good', text: changeText(change) }))];
  },
});

function changeText({ offer, before, after, changed }: PriceChange): string {
  const { price, product } = offer;
  const what = `${product.name} in ${price.region} for ${termLabel(price.term)}`;
  const amount = (value: number | undefined) => (value === undefined ? 'no price' : formatMoney(value, price.currency));
  if (!changed) return `${what} already had ${amount(after)}; nothing changed.`;
  if (after === undefined) return `${what} no longer has a partner price (it was ${amount(before)}), so customers cannot buy it.`;
  return `${what} now costs customers ${amount(after)} per unit (was ${amount(before)}; Web Direct ${amount(price.webDirectPrice)}).`;
}
