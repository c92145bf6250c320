import { z } from 'zod';
import { reservationsCard } from '../../cards/reservationsCard.ts';
import { utcDay } from '../../services/clock.ts';
import { sharedScopeCoverage } from '../../services/scope.ts';
import { customerOfCommand } from '../customerArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R11, R13, R14: a customer's reservations, bought by the customer or by the partner, each marked with who bought it. */
export const reservationsCommand = defineCommand({
  name: 'reservations',
  summary: 'Azure reservations, each with who bought it',
  menu: ['personal'],
  usage: 'reservations [<customer>]',
  examples: ['reservations'],
  byReader: {
    agent: { summary: "A customer's Azure reservations, each with who bought it", examples: ['reservations fabrikam'] },
    customerUser: { summary: "Your organisation's Azure reservations, with buttons to ask the partner for a change", usage: 'reservations' },
  },
  roles: everyone,
  shows: 'account',
  args: z.array(z.string()).transform((words) => ({ query: words.join(' ') })),
  async run(ctx, { query }) {
    const found = customerOfCommand(ctx, query, 'reservations', 'reservations fabrikam');
    if ('reply' in found) return [found.reply];
    const { customer } = found;
    const { services, person } = ctx;
    const partnerName = services.directory.partner().name;
    return [
      cardReply(
        reservationsCard({
          customer,
          partnerName,
          reservations: services.purchases.reservations(person, customer.id),
          sharedCoverage: sharedScopeCoverage(customer, partnerName),
          today: utcDay(services.clock()),
          canAsk: person.kind === 'customerUser',
        }),
      ),
    ];
  },
});
