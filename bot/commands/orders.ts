import { listPage } from '../../cards/listPage.ts';
import { ordersCard, ordersPageSize } from '../../cards/ordersCard.ts';
import type { Customer } from '../../data/schemas.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { customerOfCommand } from '../customerArgument.ts';
import { wordsAndPage } from '../pageArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R9, R11: a customer's Order history, the customer's own purchases beside the partner's. */
export const ordersCommand = defineCommand({
  name: 'orders',
  summary: 'Order history: what was bought, by whom, and billed to whom, 15 a page',
  menu: ['personal'],
  usage: 'orders [<customer>] [page <n>]',
  examples: ['orders', 'orders page 2'],
  byReader: {
    agent: { summary: "A customer's Order history: what was bought, by whom, and billed to whom, 15 a page", examples: ['orders fabrikam', 'orders fabrikam page 2'] },
    customerUser: { summary: "Your organisation's Order history: what was bought, by whom, and billed to whom, 15 a page", usage: 'orders [page <n>]' },
  },
  roles: everyone,
  shows: 'account',
  args: wordsAndPage.transform(({ words, page }) => ({ query: words.join(' '), page })),
  async run(ctx, { query, page }) {
    const found = await customerOfCommand(ctx, query, 'orders', 'orders fabrikam');
    if ('reply' in found) return [found.reply];
    return [cardReply(await ordersPage(ctx.services, ctx.person, found.customer, page))];
  },
});

/** One page of the customer's Order history, as this person may see it. */
export async function ordersPage(services: Services, person: Person, customer: Customer, page: number) {
  return ordersCard({ customer, partnerName: (await services.directory.partnerName()), page: listPage(await services.purchases.orders(person, customer.id), page, ordersPageSize) });
}
