import { z } from 'zod';
import { requestsCard } from '../../cards/requestsCard.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R15–R16: change requests, those waiting for a decision first (customer users: their own customer's). */
export const requestsCommand = defineCommand({
  name: 'requests',
  summary: 'Change requests and their state, those waiting for a decision first',
  byReader: { customerUser: { summary: "Your organisation's change requests and their state, those waiting for a decision first" } },
  menu: ['personal', 'team', 'groupChat'],
  usage: 'requests',
  examples: ['requests'],
  roles: everyone,
  shows: 'account',
  args: z.array(z.string()).max(0, 'say just `requests`; open one with `request REQ-1001`'),
  async run({ person, services }) {
    const customers = services.directory;
    return [cardReply(requestsCard({ requests: services.requests.list(person), customerOf: (id) => customers.customer(id)!, forAgent: person.kind === 'agent' }))];
  },
});
