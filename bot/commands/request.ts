import { z } from 'zod';
import { cardReply } from '../replies.ts';
import { requestCardFor } from '../requestCards.ts';
import { defineCommand, everyone } from './command.ts';

/** One change request's card: Approve and Reject for Admin Agents, Withdraw for the customer's users, while it is pending. */
export const requestCommand = defineCommand({
  name: 'request',
  summary: 'One change request, to decide it (Admin Agents) or withdraw it (customer users)',
  menu: ['team', 'groupChat'],
  usage: 'request <id>',
  examples: ['request REQ-1001'],
  roles: everyone,
  shows: 'account',
  args: z.tuple([z.string({ error: 'name the request, such as REQ-1001 (type `requests` to see them)' })], z.never({ error: 'name one request, such as `request REQ-1001`' })),
  async run({ person, services }, [requestId]) {
    return [cardReply(requestCardFor(services, person, services.requests.view(person, requestId)))];
  },
});
