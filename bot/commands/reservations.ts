import { listPage } from '../../cards/listPage.ts';
import { reservationsCard, reservationsPageSize } from '../../cards/reservationsCard.ts';
import type { Customer } from '../../data/schemas.ts';
import { utcDay } from '../../services/clock.ts';
import { chatUserId } from '../../services/conversations.ts';
import type { Person } from '../../services/people.ts';
import { sharedScopeCoverage } from '../../services/scope.ts';
import type { Services } from '../../services/services.ts';
import type { ChatPlace } from '../chatPlace.ts';
import { customerOfCommand } from '../customerArgument.ts';
import { wordsAndPage } from '../pageArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R11, R13, R14: a customer's reservations, bought by the customer or by the partner, each marked with who bought it. */
export const reservationsCommand = defineCommand({
  name: 'reservations',
  summary: 'Azure reservations, each with who bought it, 10 a page',
  menu: ['personal'],
  usage: 'reservations [<customer>] [page <n>]',
  examples: ['reservations', 'reservations page 2'],
  byReader: {
    agent: { summary: "A customer's Azure reservations, each with who bought it, 10 a page", examples: ['reservations fabrikam', 'reservations fabrikam page 2'] },
    customerUser: { summary: "Your organisation's Azure reservations, with buttons to ask the partner for a change, 10 a page", usage: 'reservations [page <n>]' },
  },
  roles: everyone,
  shows: 'account',
  args: wordsAndPage.transform(({ words, page }) => ({ query: words.join(' '), page })),
  async run(ctx, { query, page }) {
    const found = await customerOfCommand(ctx, query, 'reservations', 'reservations fabrikam');
    if ('reply' in found) return [found.reply];
    return [cardReply(await reservationsPage(ctx.services, ctx.person, found.customer, page, ctx.place))];
  },
});

/** One page of the customer's reservations as this person may see them, refreshed for them whenever they view it (`place`: where they asked). */
export async function reservationsPage(services: Services, person: Person, customer: Customer, page: number, place: ChatPlace) {
  const partnerName = (await services.directory.partnerName());
  return reservationsCard({
    customer,
    partnerName,
    page: listPage(await services.purchases.reservations(person, customer.id), page, reservationsPageSize),
    sharedCoverage: sharedScopeCoverage(customer, partnerName),
    today: utcDay(services.clock()),
    canAsk: person.kind === 'customerUser',
    viewerId: chatUserId(place),
  });
}
