import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import type { Notice } from '../../cards/adaptiveCard.ts';
import { capitalize } from '../../cards/format.ts';
import type { PolicyResource } from '../../services/microsoftCloud.ts';
import { permissionKinds, shortName } from '../../services/permissionKinds.ts';
import type { PermissionChange } from '../../services/purchasePermission.ts';
import { customerArgument } from '../customerArgument.ts';
import { cardReply } from '../replies.ts';
import { customerCardFor } from './customer.ts';
import { defineCommand, onOffWord } from './command.ts';
import { possessive } from '../../services/possessive.ts';

const customerWord = z.string({ error: 'name the customer' });

/** The words that may come between on|off and the customer to say which permission, longest first; none means reservations. */
const resourceWords: [string[], PolicyResource][] = [
  [['savings', 'plan'], 'AzureSavingsPlan'],
  [['savings-plan'], 'AzureSavingsPlan'],
  [['savingsplan'], 'AzureSavingsPlan'],
  [['savings'], 'AzureSavingsPlan'],
  [['reservations'], 'AzureReservedInstances'],
];

/** Which permission the words after on|off name, and the customer words after that; a lone word is always the customer. */
function permissionWords(words: string[]): { resource: PolicyResource; query: string } {
  const lower = words.map((w) => w.toLowerCase());
  const named = resourceWords.find(([said]) => lower.length > said.length && said.every((w, i) => lower[i] === w));
  return { resource: named?.[1] ?? 'AzureReservedInstances', query: words.slice(named?.[0].length ?? 0).join(' ') };
}

/** The word that names the permission when a choice card's button sends the command again. */
const typedWord: Record<PolicyResource, string | undefined> = { AzureReservedInstances: undefined, AzureSavingsPlan: 'savings-plan' };

/** R1–R7 from chat: the same service as the card switch and the HTTP API. */
export const permissionCommand = defineCommand({
  name: 'permission',
  aliases: { enable: ['on'], disable: ['off'] },
  summary: 'Turn a customer\'s "Azure reservations: allow customer to purchase" permission, or its savings plan one, on or off',
  menu: ['personal'],
  usage: 'permission on|off [savings-plan] <customer>',
  examples: ['permission on fabrikam', 'permission off contoso.onmicrosoft.com', 'permission on savings-plan fabrikam', 'enable tailspin'],
  roles: ['AdminAgent'],
  shows: 'account',
  writes: ([state]) => (state?.toLowerCase() === 'off' ? Operation.DeleteCustomerPurchasePermissions : Operation.CreateCustomerPurchasePermissions),
  attemptsLoggedFor: ['SalesAgent', 'HelpDeskAgent', 'CustomerUser'],
  args: z.tuple([onOffWord, customerWord], customerWord).transform(([state, ...words]) => ({ enabled: state === 'on', ...permissionWords(words) })),
  async run(ctx, { enabled, resource, query }) {
    if (ctx.person.role !== 'AdminAgent') {
      // No choice of customers for an action this person may not take: set() refuses, logs and throws (R2, R18).
      const lookup = await ctx.services.directory.find(ctx.person, query);
      await ctx.services.permissions.set(ctx.person, lookup.kind === 'found' ? lookup.customer.id : query, enabled, { resource });
    }
    const found = await customerArgument(ctx, query, (domain) => ['permission', enabled ? 'on' : 'off', typedWord[resource], domain].filter(Boolean).join(' '));
    if ('reply' in found) return [found.reply];
    const change = await ctx.services.permissions.set(ctx.person, found.customer.id, enabled, { userToken: ctx.userToken, resource });
    return [cardReply(await customerCardFor(ctx.services, ctx.person, change.customer, permissionNotice(change)))];
  },
});

/** What the agent is told after a change, on the card itself. */
export function permissionNotice({ customer, resource, enabled, changed, warning }: PermissionChange): Notice {
  const { things } = permissionKinds[resource];
  if (!changed) return { tone: warning ? 'warning' : 'good', text: `The ${shortName(resource)} was already ${enabled ? 'on' : 'off'}; nothing changed.${warning ? ` ${warning}` : ''}` };
  if (warning) return { tone: 'warning', text: `Turned on. ${warning}` };
  return enabled
    ? { tone: 'good', text: `Turned on: ${possessive(customer.name)} users with Owner on an Azure Plan subscription can now buy ${things}, billed to you.` }
    : { tone: 'good', text: `Turned off: ${customer.name} can no longer buy ${things}. ${capitalize(things)} already bought stay as they are.` };
}
