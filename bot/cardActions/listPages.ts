import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/adaptiveCard.ts';
import { logPageVerb } from '../../cards/logCard.ts';
import { messageCard } from '../../cards/messageCard.ts';
import { ordersPageVerb } from '../../cards/ordersCard.ts';
import { requestsPageVerb } from '../../cards/requestsCard.ts';
import { reservationsPageVerb } from '../../cards/reservationsCard.ts';
import type { Customer } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import { refusals } from '../../services/refusals.ts';
import { everyone } from '../commands/command.ts';
import { logPage } from '../commands/log.ts';
import { ordersPage } from '../commands/orders.ts';
import { requestsPage } from '../commands/requests.ts';
import { reservationsPage } from '../commands/reservations.ts';
import { defineCardAction, type CardActionContext } from './cardAction.ts';

const page = z.number().int().positive();
const customerId = z.string().min(1).max(100);

/** The answer when the card names a customer this person may not see (R19): that, and nothing of the customer. */
async function notVisible({ person, services }: CardActionContext, id: string): Promise<AdaptiveCard> {
  return messageCard('Not available', refusals.customerNotFound(id, person, (await services.directory.own(person))?.name).message, 'attention');
}

/** Previous and Next on a card about one customer: the page as this person may see it now. */
function customerPageAction(verb: string, show: (ctx: CardActionContext, customer: Customer, page: number) => Promise<AdaptiveCard>) {
  return defineCardAction({
    verb,
    roles: everyone,
    readsOnly: true,
    data: z.object({ customerId, page }),
    async run(ctx, data) {
      const customer = await ctx.services.directory.visible(ctx.person, data.customerId);
      return customer ? show(ctx, customer, data.page) : notVisible(ctx, data.customerId);
    },
  });
}

/** Also the reservations card's Universal Actions refresh: by then a reservation that has ended has lost its buttons. */
export const reservationsPageAction = customerPageAction(reservationsPageVerb, ({ person, services, clicked }, customer, n) => reservationsPage(services, person, customer, n, clicked));

export const ordersPageAction = customerPageAction(ordersPageVerb, ({ person, services }, customer, n) => ordersPage(services, person, customer, n));

export const requestsPageAction = defineCardAction({
  verb: requestsPageVerb,
  roles: everyone,
  readsOnly: true,
  data: z.object({ page }),
  async run({ person, services }, data) {
    return requestsPage(services, person, data.page);
  },
});

/** The log as filtered when the card was made; a customer user's page holds only their own customer's entries whatever the card says (R19). */
export const logPageAction = defineCardAction({
  verb: logPageVerb,
  roles: everyone,
  readsOnly: true,
  data: z.object({ customerId: customerId.optional(), operations: z.array(z.enum(Operation)).min(1).optional(), page }),
  async run(ctx, data) {
    const customer = data.customerId === undefined ? undefined : await ctx.services.directory.visible(ctx.person, data.customerId);
    if (data.customerId !== undefined && !customer) return notVisible(ctx, data.customerId);
    return logPage(ctx.services, ctx.person, { customer, operations: data.operations }, data.page);
  },
});
