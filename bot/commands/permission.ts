import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import type { Notice } from '../../cards/adaptiveCard.ts';
import type { PermissionChange } from '../../services/purchasePermission.ts';
import { customerArgument } from '../customerArgument.ts';
import { cardReply } from '../replies.ts';
import { customerCardFor } from './customer.ts';
import { defineCommand, onOffWord } from './command.ts';
import { possessive } from '../../services/possessive.ts';

const customerWord = z.string({ error: 'name the customer' });

/** R1–R7 from chat: the same service as the card switch and the HTTP API. */
export const permissionCommand = defineCommand({
  name: 'permission',
  aliases: { enable: ['on'], disable: ['off'] },
  summary: 'Turn a customer\'s "Azure reservations: allow customer to purchase" permission on or off',
  menu: ['personal'],
  usage: 'permission on|off <customer>',
  examples: ['permission on fabrikam', 'permission off contoso.onmicrosoft.com', 'enable tailspin'],
  roles: ['AdminAgent'],
  shows: 'account',
  writes: ([state]) => (state?.toLowerCase() === 'off' ? Operation.DeleteCustomerPurchasePermissions : Operation.CreateCustomerPurchasePermissions),
  attemptsLoggedFor: ['SalesAgent', 'HelpDeskAgent', 'CustomerUser'],
  args: z.tuple([onOffWord, customerWord], customerWord).transform(([state, ...words]) => ({ enabled: state === 'on', query: words.join(' ') })),
  async run(ctx, { enabled, query }) {
    if (ctx.person.role !== 'AdminAgent') {
      // No choice of customers for an action this person may not take: set() refuses, logs and throws (R2, R18).
      const lookup = await ctx.services.directory.find(ctx.person, query);
      await ctx.services.permissions.set(ctx.person, lookup.kind === 'found' ? lookup.customer.id : query, enabled);
    }
    const found = await customerArgument(ctx, query, (domain) => `permission ${enabled ? 'on' : 'off'} ${domain}`);
    if ('reply' in found) return [found.reply];
    const change = await ctx.services.permissions.set(ctx.person, found.customer.id, enabled, { userToken: ctx.userToken });
    return [cardReply(await customerCardFor(ctx.services, ctx.person, change.customer, permissionNotice(change)))];
  },
});

/** What the agent is told after a change, on the card itself. */
export function permissionNotice({ customer, enabled, changed, warning }: PermissionChange): Notice {
  if (!changed) return { tone: warning ? 'warning' : 'good', text: `The permission was already ${enabled ? 'on' : 'off'}; nothing changed.${warning ? ` ${warning}` : ''}` };
  if (warning) return { tone: 'warning', text: `Turned on. ${warning}` };
  return enabled
    ? { tone: 'good', text: `Turned on: ${possessive(customer.name)} users with Owner on an Azure Plan subscription can now buy reservations, billed to you.` }
    : { tone: 'good', text: `Turned off: ${customer.name} can no longer buy reservations. Reservations already bought stay as they are.` };
}
