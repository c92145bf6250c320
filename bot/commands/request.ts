import { z } from 'zod';
import { cardReply } from '../replies.ts';
import { requestCardFor } from '../requestCards.ts';
import { defineCommand, everyone } from './command.ts';

/** One change request's card: Approve and Reject for Admin Agents, Withdraw for the customer's users, while it is pending. */
export const requestCommand = defineCommand({
  name: 'request',
  summary: 'One change request and its state',
  menu: ['team', 'groupChat'],
  usage: 'request <id>',
  examples: ['request REQ-1001'],
  byReader: {
    agent: { summary: 'One change request, to read it, or for Admin Agents to approve or reject it' },
    customerUser: { summary: 'One of your change requests, to read it, or to withdraw it while it waits' },
  },
  roles: everyone,
  shows: 'account',
  args: z.tuple([z.string({ error: 'name the request, such as REQ-1001 (type `requests` to see them)' })], z.never({ error: 'name one request, such as `request REQ-1001`' })),
  async run({ person, services }, [requestId]) {
    return [cardReply(requestCardFor(services, person, await services.requests.view(person, requestId)))];
  },
});
