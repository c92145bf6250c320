import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import { cardReply } from '../replies.ts';
import { requestCardFor } from '../requestCards.ts';
import { agentRoles, defineCommand } from './command.ts';

/** A customer user takes back a pending change request of their customer. */
export const withdrawCommand = defineCommand({
  name: 'withdraw',
  summary: 'Withdraw a change request that is still waiting for a decision',
  usage: 'withdraw <request>',
  examples: ['withdraw REQ-1001'],
  roles: ['CustomerUser'],
  shows: 'account',
  writes: () => Operation.WithdrawRequest,
  attemptsLoggedFor: agentRoles,
  args: z.tuple([z.string({ error: 'name the request, such as REQ-1001 (type `requests` to see yours)' })], z.never({ error: 'name one request, such as `withdraw REQ-1001`' })),
  async run({ person, services }, [requestId]) {
    const view = await services.requests.withdraw(person, requestId);
    return [cardReply(requestCardFor(services, person, view, { tone: 'good', text: `Withdrawn: ${view.request.id} will not be decided.` }))];
  },
});
