import { customerListCard } from '../../cards/customerListCard.ts';
import { listPage } from '../../cards/listPage.ts';
import { ineligibility } from '../../services/eligibility.ts';
import type { Services } from '../../services/services.ts';
import { wordsAndPage } from '../pageArgument.ts';
import { cardReply } from '../replies.ts';
import { agentRoles, defineCommand } from './command.ts';

export const customersPageSize = 20;

/** Every customer with its permission state, paged. */
export const customersCommand = defineCommand({
  name: 'customers',
  summary: 'Every customer with its Azure reservations permission, 20 a page',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'customers [page <n>]',
  examples: ['customers', 'customers page 2'],
  roles: agentRoles,
  shows: 'partner',
  args: wordsAndPage.refine(({ words }) => words.length === 0, 'say just `customers`, or which page, such as `customers page 2`'),
  async run({ services }, { page }) {
    return [cardReply(await customerListPage(services, page))];
  },
});

/** The card for one page of the customer list; a page past the end shows the last one, and says so. */
export async function customerListPage(services: Services, asked: number) {
  const page = listPage(await services.directory.customers(), asked, customersPageSize);
  const rows = page.items.map((c) => ({
    id: c.id,
    name: c.name,
    domain: c.domain,
    permissionOn: c.purchasePermission.enabled,
    ineligible: ineligibility(c)?.short,
  }));
  return customerListCard({ partnerName: (await services.directory.partnerName()), rows, page: page.number, pageCount: page.count, total: page.total, notice: page.notice });
}
