import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import { offerValue } from '../../cards/purchaseFormCard.ts';
import type { Customer } from '../../data/schemas.ts';
import { findOffer } from '../../services/catalog.ts';
import { customerArgument } from '../customerArgument.ts';
import { purchaseForm, purchaseReview } from '../purchaseCards.ts';
import { parsePurchaseLine, purchaseLineUsage, type PurchaseLine } from '../purchaseLine.ts';
import { cardReply, textReply } from '../replies.ts';
import { usageMarkdown } from '../../services/usageMarkdown.ts';
import { commandText, defineCommand, type CommandContext, type Reply } from './command.ts';

const lineExample = 'buy Standard_D2s_v5 eastus 1y 2';
const agentExample = 'buy for fabrikam Standard_D2s_v5 eastus 3y 1 single monthly';

const text = {
  summary: 'Buy an Azure reservation, billed to the partner',
  usage: `buy [${purchaseLineUsage}]`,
  examples: ['buy', lineExample],
  byReader: {
    agent: { summary: 'Buy an Azure reservation for a customer, billed to the partner', usage: `buy for <customer> [${purchaseLineUsage}]`, examples: ['buy for fabrikam', agentExample] },
    customerUser: { summary: "Buy an Azure reservation for your organisation, at the partner's price" },
  },
};

/**
 * R8: customer users buy for their own customer; Admin and Sales Agents for any customer (`buy for`).
 * Without the purchase on the line, the purchase card; with it, straight to the confirm step.
 */
export const buyCommand = defineCommand({
  name: 'buy',
  ...text,
  menu: ['personal'],
  roles: ['AdminAgent', 'SalesAgent', 'CustomerUser'],
  shows: 'account',
  writes: () => Operation.PurchaseReservation,
  attemptsLoggedFor: ['HelpDeskAgent'],
  args: z.array(z.string()),
  async run(ctx, words): Promise<Reply[]> {
    // A Help Desk Agent may not buy: the service refuses, logs and throws (R18) before any customer is asked for.
    if (ctx.person.role === 'HelpDeskAgent') await ctx.services.purchases.choices(ctx.person, '');
    const whom = await buyer(ctx, words);
    if ('reply' in whom) return [whom.reply];
    const { customer, rest } = whom;
    const { person, services } = ctx;
    // Refused and logged here when this person may not buy for this customer at all (R4, R5, R7).
    const choices = await services.purchases.choices(person, customer.id);
    if (!rest.length) return [cardReply(await purchaseForm(services, person, choices))];
    const line = parsePurchaseLine(rest);
    if ('problem' in line) {
      const { usage, examples } = commandText(text, person);
      return [textReply(`I didn't understand that: ${line.problem}.\n\nUsage: ${usageMarkdown(usage)}\n\nFor example: \`${examples.at(-1)}\``)];
    }
    const [billing, ...others] = choices.billTo;
    if (others.length) {
      const values = { offer: await knownOffer(ctx, line), quantity: line.quantity, billingPlan: line.billingPlan };
      return [cardReply(await purchaseForm(services, person, choices, values, { tone: 'warning', text: 'Choose the subscription to bill, check the rest, then review.' }))];
    }
    const view = await services.purchases.quote(person, customer.id, { ...line, billingSubscriptionId: billing!.id, scope: line.scope(billing!.id) });
    return [cardReply(await purchaseReview(services, person, view))];
  },
});

/** Whom the purchase is for, and the words after: a customer user's own customer; the customer an agent names after `for`. */
async function buyer(ctx: CommandContext, words: string[]): Promise<{ customer: Customer; rest: string[] } | { reply: Reply }> {
  const { person, services } = ctx;
  const own = (await services.directory.own(person));
  if (words[0]?.toLowerCase() !== 'for') {
    if (own) return { customer: own, rest: words };
    return { reply: textReply(`Which customer is it for? For example: \`buy for fabrikam\`, or \`${agentExample}\`.`) };
  }
  // The customer is named by the words up to the product: the first word that is a SKU of the catalogue.
  const skus = new Set((await services.directory.products()).map((p) => p.sku.toLowerCase()));
  const at = words.findIndex((w, i) => i > 0 && skus.has(w.toLowerCase()));
  const query = words.slice(1, at < 0 ? undefined : at).join(' ');
  const rest = at < 0 ? [] : words.slice(at);
  if (!query) return { reply: textReply(`Which customer is it for? For example: \`${own ? lineExample : agentExample}\`.`) };
  if (own) {
    // Naming their own organisation is buying for it; naming another is refused and logged (R18) by the service.
    if ((await services.directory.find(person, query)).kind !== 'found') await services.purchases.choices(person, query);
    return { customer: own, rest };
  }
  const found = await customerArgument(ctx, query, (domain) => ['buy for', domain, ...rest].join(' '));
  return 'reply' in found ? found : { customer: found.customer, rest };
}

/** The form's choice for the product typed, when the catalogue has it (the form then says what is wrong on review). */
async function knownOffer(ctx: CommandContext, line: PurchaseLine): Promise<string | undefined> {
  try {
    return offerValue(findOffer(await ctx.services.prices.catalog(), line.sku, line.region, line.term).price);
  } catch {
    return undefined;
  }
}
