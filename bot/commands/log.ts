import { listPage } from '../../cards/listPage.ts';
import { logCard, logPageSize } from '../../cards/logCard.ts';
import { operationNames } from '../../services/operations.ts';
import type { Customer } from '../../data/schemas.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { askWhichCustomer } from '../customerArgument.ts';
import { refusals } from '../../services/refusals.ts';
import { wordsAndPage } from '../pageArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone, type CommandContext, type Reply } from './command.ts';

/** R19: the newest entries, by customer and/or operation; a customer user reads only their own customer's. */
export const logCommand = defineCommand({
  name: 'log',
  summary: 'The activity log, newest first, 15 a page, optionally for one operation',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'log [<customer>] [<operation>] [page <n>]',
  examples: ['log', 'log create', 'log page 2'],
  byReader: {
    agent: {
      summary: "The activity log, newest first, 15 a page: all of it, or one customer's and/or one operation's",
      examples: ['log', 'log fabrikam', 'log create', 'log tailspin delete customer purchase permissions', 'log fabrikam page 2'],
    },
    customerUser: { summary: 'The activity log of your organisation, newest first, 15 a page, optionally for one operation', usage: 'log [<operation>] [page <n>]', examples: ['log', 'log purchase', 'log page 2'] },
  },
  roles: everyone,
  shows: 'partner',
  args: wordsAndPage,
  async run(ctx, { words, page }) {
    const filter = await parseFilter(ctx, words);
    if ('reply' in filter) return [filter.reply];
    return [cardReply(await logPage(ctx.services, ctx.person, filter, page))];
  },
});

type Filter = { customer?: Customer; operations?: string[] };

/** One page of the entries this person may read (R19), newest first, by customer and/or operation. */
export async function logPage(services: Services, person: Person, { customer, operations }: Filter, page: number) {
  // Read as far as this page and one entry more: enough to know whether there is a next page.
  const entries = await services.activity.read(person, { customerIds: customer && [customer.id], operations }, page * logPageSize + 1);
  const words = [customer?.name, operations?.join(' or ')].filter(Boolean).join(', ');
  return logCard({ filter: { customerId: customer?.id, operations, words }, page: listPage(entries, page, logPageSize) });
}

/**
 * Splits the words into a customer (leading words) and an operation (trailing words, matching
 * any operation whose name contains them), trying the longest operation first.
 */
async function parseFilter(ctx: CommandContext, words: string[]): Promise<Filter | { reply: Reply }> {
  for (let split = 0; split <= words.length; split++) {
    const opText = words.slice(split).join(' ').toLowerCase();
    const operations = opText ? operationNames.filter((o) => o.toLowerCase().includes(opText)) : undefined;
    if (operations?.length === 0) continue;
    const query = words.slice(0, split).join(' ');
    if (!query) return { operations };
    const lookup = await ctx.services.directory.find(ctx.person, query);
    if (lookup.kind === 'found') return { customer: lookup.customer, operations };
    if (lookup.kind === 'ambiguous') return { reply: askWhichCustomer(query, lookup.candidates, (domain) => ['log', domain, ...words.slice(split)].join(' ')) };
  }
  throw refusals.logFilterNotUnderstood(words.join(' '), ctx.person, (await ctx.services.directory.own(ctx.person))?.name);
}
