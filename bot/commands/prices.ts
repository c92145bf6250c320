import { z } from 'zod';
import type { Notice } from '../../cards/adaptiveCard.ts';
import { priceListCard } from '../../cards/priceListCard.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R10: agents see the partner price beside the Web Direct price; customer users only what they would pay. */
export const pricesCommand = defineCommand({
  name: 'prices',
  summary: 'The reservation price list',
  byReader: {
    agent: { summary: 'The reservation price list: the partner price beside the Web Direct price' },
    customerUser: { summary: "The reservations you can buy, at the partner's price" },
  },
  menu: ['personal', 'team', 'groupChat'],
  usage: 'prices',
  examples: ['prices'],
  roles: everyone,
  shows: 'account',
  args: z.array(z.string()).max(0, 'prices takes no arguments'),
  async run({ person, services }) {
    return [cardReply(await priceListFor(services, person))];
  },
});

export async function priceListFor(services: Services, person: Person, notice?: Notice) {
  return priceListCard({ partnerName: (await services.directory.partnerName()), offers: await services.prices.view(person), forAgent: person.kind === 'agent', notice });
}
