import { choiceCard } from '../cards/choiceCard.ts';
import { refusals } from '../services/refusals.ts';
import type { Customer } from '../data/schemas.ts';
import type { CommandContext, Reply } from './commands/command.ts';
import { cardReply, textReply } from './replies.ts';

/**
 * Resolves a customer named in a command. Several matches get a choice card whose buttons
 * re-send the command with the exact domain (`retype`); none gets a not-found refusal.
 */
export async function customerArgument(ctx: CommandContext, query: string, retype: (domain: string) => string): Promise<{ customer: Customer } | { reply: Reply }> {
  const lookup = await ctx.services.directory.find(ctx.person, query);
  if (lookup.kind === 'found') return { customer: lookup.customer };
  if (lookup.kind === 'ambiguous') return { reply: askWhichCustomer(query, lookup.candidates, retype) };
  throw refusals.customerNotFound(query, ctx.person, (await ctx.services.directory.own(ctx.person))?.name);
}

/**
 * The customer a command is about: a customer user's own when they name none; an agent must name
 * one, and is shown how (`example`) if they did not.
 */
export async function customerOfCommand(ctx: CommandContext, query: string, command: string, example: string): Promise<{ customer: Customer } | { reply: Reply }> {
  if (!query) {
    const own = (await ctx.services.directory.own(ctx.person));
    if (own) return { customer: own };
    return { reply: textReply(`Which customer? For example: \`${example}\`. Type \`customers\` to see them all.`) };
  }
  return await customerArgument(ctx, query, (domain) => `${command} ${domain}`);
}

export function askWhichCustomer(query: string, candidates: readonly Customer[], retype: (domain: string) => string): Reply {
  return cardReply(
    choiceCard({
      question: `Several customers match "${query}". Which one?`,
      choices: candidates.map((c) => ({ title: c.name, subtitle: c.domain, command: retype(c.domain) })),
    }),
  );
}
