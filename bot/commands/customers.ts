import { z } from 'zod';
import { customerListCard } from '../../cards/customerListCard.ts';
import { ineligibility } from '../../services/eligibility.ts';
import type { Services } from '../../services/services.ts';
import { cardReply } from '../replies.ts';
import { agentRoles, defineCommand } from './command.ts';

export const customersPageSize = 20;

/** Every customer with its permission state, paged. */
export const customersCommand = defineCommand({
  name: 'customers',
  summary: 'Every customer with its Azure reservations permission',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'customers [page <n>]',
  examples: ['customers', 'customers page 2'],
  roles: agentRoles,
  shows: 'partner',
  args: z
    .array(z.string())
    .transform((words) => words.filter((w) => w.toLowerCase() !== 'page'))
    .pipe(z.array(z.string().regex(/^[1-9]\d*$/, 'the page must be a whole number from 1').transform(Number)).max(1, 'expected at most a page number'))
    .transform(([page]) => ({ page: page ?? 1 })),
  async run({ services }, { page }) {
    return [cardReply(customerListPage(services, page))];
  },
});

/** The card for one page of the customer list; a page past the end shows the last one. */
export function customerListPage(services: Services, page: number) {
  const all = services.directory.customers();
  const pageCount = Math.max(1, Math.ceil(all.length / customersPageSize));
  const current = Math.min(Math.max(1, page), pageCount);
  const rows = all.slice((current - 1) * customersPageSize, current * customersPageSize).map((c) => ({
    id: c.id,
    name: c.name,
    domain: c.domain,
    permissionOn: c.purchasePermission.enabled,
    ineligible: ineligibility(c)?.short,
  }));
  return customerListCard({ partnerName: services.directory.partner().name, rows, page: current, pageCount, total: all.length });
}
