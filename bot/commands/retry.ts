import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import { cardReply } from '../replies.ts';
import { requestCardFor } from '../requestCards.ts';
import { defineCommand } from './command.ts';

/** R17 in Partner Center mode: an Admin Agent tries again an approved change that Azure refused or never answered. */
export const retryCommand = defineCommand({
  name: 'retry',
  summary: 'Try again an approved change that Azure did not carry out',
  usage: 'retry <request>',
  examples: ['retry REQ-1001'],
  roles: ['AdminAgent'],
  shows: 'account',
  writes: () => Operation.RetryChange,
  attemptsLoggedFor: ['SalesAgent', 'HelpDeskAgent', 'CustomerUser'],
  args: z.tuple([z.string({ error: 'name the request, such as REQ-1001 (type `requests` to see them)' })], z.never({ error: 'name one request, such as `retry REQ-1001`' })),
  async run({ person, services }, [requestId]) {
    const view = await services.requests.retry(person, requestId);
    return [cardReply(requestCardFor(services, person, view, { tone: 'good', text: `Sent to Azure again: ${view.request.id} will be carried out, and everyone involved told how it went.` }))];
  },
});
