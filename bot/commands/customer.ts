import { z } from 'zod';
import { customerCard } from '../../cards/customerCard.ts';
import type { Notice } from '../../cards/adaptiveCard.ts';
import type { Customer } from '../../data/schemas.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { customerOfCommand } from '../customerArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** The customer's account card; a customer user gets their own whatever they name. */
export const customerCommand = defineCommand({
  name: 'customer',
  summary: "A customer's account: its Azure subscriptions, and whether it may buy reservations",
  menu: ['team', 'groupChat'],
  usage: 'customer [<customer>]',
  examples: ['customer', 'customer fabrikam'],
  byReader: {
    agent: { summary: "A customer's subscriptions, their Owners, and its Azure reservations permission", usage: 'customer <id, domain or name>', examples: ['customer fabrikam', 'customer contoso.onmicrosoft.com'] },
    customerUser: { summary: "Your organisation's account: its Azure subscriptions, and whether you can buy reservations", usage: 'customer', examples: ['customer'] },
  },
  roles: everyone,
  shows: 'account',
  args: z.array(z.string()).transform((words) => ({ query: words.join(' ') })),
  async run(ctx, { query }) {
    const found = await customerOfCommand(ctx, query, 'customer', 'customer fabrikam');
    if ('reply' in found) return [found.reply];
    return [cardReply(await customerCardFor(ctx.services, ctx.person, found.customer))];
  },
});

/** The account card as this person may see it: the switch only for Admin Agents (R2). */
export async function customerCardFor(services: Services, person: Person, customer: Customer, notice?: Notice) {
  const partner = (await services.directory.partnerName());
  const readOnlyNote = person.kind === 'agent' ? 'Only Admin Agents can change this permission.' : `Only ${partner} can change this permission; ask them if you need it.`;
  const purchases = { reservations: (await services.purchases.reservations(person, customer.id)).length, lastOrder: (await services.purchases.orders(person, customer.id))[0] };
  return customerCard({ account: await services.directory.account(customer), partnerName: partner, purchases, canChange: person.role === 'AdminAgent', readOnlyNote, notice });
}
