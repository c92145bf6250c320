import { z } from 'zod';
import { logCard } from '../../cards/logCard.ts';
import { findCustomer, ownCustomer } from '../../services/customerLookup.ts';
import { operationNames } from '../../services/operations.ts';
import type { Customer } from '../../data/schemas.ts';
import { askWhichCustomer } from '../customerArgument.ts';
import { refusals } from '../../services/refusals.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone, type CommandContext, type Reply } from './command.ts';

export const logLimit = 15;

/** R19: the newest entries, by customer and/or operation; a customer user reads only their own customer's. */
export const logCommand = defineCommand({
  name: 'log',
  summary: 'The activity log, newest first, optionally for one operation',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'log [<customer>] [<operation>]',
  examples: ['log', 'log create'],
  byReader: {
    agent: { summary: 'The activity log, newest first: all of it, or one customer\'s and/or one operation\'s', examples: ['log', 'log fabrikam', 'log create', 'log tailspin delete customer purchase permissions'] },
    customerUser: { summary: 'The activity log of your organisation, newest first, optionally for one operation', usage: 'log [<operation>]', examples: ['log', 'log purchase'] },
  },
  roles: everyone,
  shows: 'partner',
  args: z.array(z.string()),
  async run(ctx, words) {
    const filter = parseFilter(ctx, words);
    if ('reply' in filter) return [filter.reply];
    const { customer, operations } = filter;
    const entries = await ctx.services.activity.read(ctx.person, { customerIds: customer && [customer.id], operations }, logLimit);
    const described = [customer?.name, operations && operations.join(' or ')].filter(Boolean).join(', ');
    return [cardReply(logCard({ filter: described, entries, limit: logLimit }))];
  },
});

type Filter = { customer?: Customer; operations?: string[] };

/**
 * Splits the words into a customer (leading words) and an operation (trailing words, matching
 * any operation whose name contains them), trying the longest operation first.
 */
function parseFilter(ctx: CommandContext, words: string[]): Filter | { reply: Reply } {
  for (let split = 0; split <= words.length; split++) {
    const opText = words.slice(split).join(' ').toLowerCase();
    const operations = opText ? operationNames.filter((o) => o.toLowerCase().includes(opText)) : undefined;
    if (operations?.length === 0) continue;
    const query = words.slice(0, split).join(' ');
    if (!query) return { operations };
    const lookup = findCustomer(ctx.services.directory, ctx.person, query);
    if (lookup.kind === 'found') return { customer: lookup.customer, operations };
    if (lookup.kind === 'ambiguous') return { reply: askWhichCustomer(query, lookup.candidates, (domain) => ['log', domain, ...words.slice(split)].join(' ')) };
  }
  throw refusals.logFilterNotUnderstood(words.join(' '), ctx.person, ownCustomer(ctx.services.directory, ctx.person)?.name);
}
