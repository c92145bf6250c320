import { z } from 'zod';
import { customersPageVerb } from '../../cards/customerListCard.ts';
import { agentRoles } from '../commands/command.ts';
import { customerListPage } from '../commands/customers.ts';
import { defineCardAction } from './cardAction.ts';

/** Previous/Next on the customer list: the card is replaced by the page asked for. */
export const customersPageAction = defineCardAction({
  verb: customersPageVerb,
  roles: agentRoles,
  readsOnly: true,
  data: z.object({ page: z.number().int().positive() }),
  async run({ services }, { page }) {
    return await customerListPage(services, page);
  },
});
