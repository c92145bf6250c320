import { z } from 'zod';
import { ordersCard } from '../../cards/ordersCard.ts';
import { customerOfCommand } from '../customerArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R9, R11: a customer's Order history, the customer's own purchases beside the partner's. */
export const ordersCommand = defineCommand({
  name: 'orders',
  summary: 'Order history: what was bought, by whom, and billed to whom',
  menu: ['personal'],
  usage: 'orders [<customer>]',
  examples: ['orders'],
  byReader: {
    agent: { summary: "A customer's Order history: what was bought, by whom, and billed to whom", examples: ['orders fabrikam'] },
    customerUser: { summary: "Your organisation's Order history: what was bought, by whom, and billed to whom", usage: 'orders' },
  },
  roles: everyone,
  shows: 'account',
  args: z.array(z.string()).transform((words) => ({ query: words.join(' ') })),
  async run(ctx, { query }) {
    const found = customerOfCommand(ctx, query, 'orders', 'orders fabrikam');
    if ('reply' in found) return [found.reply];
    const { services, person } = ctx;
    const { customer } = found;
    return [cardReply(ordersCard({ customerName: customer.name, partnerName: services.directory.partner().name, orders: services.purchases.orders(person, customer.id) }))];
  },
});
