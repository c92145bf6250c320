import { listPage } from '../../cards/listPage.ts';
import { requestsCard, requestsPageSize } from '../../cards/requestsCard.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { wordsAndPage } from '../pageArgument.ts';
import { cardReply } from '../replies.ts';
import { defineCommand, everyone } from './command.ts';

/** R15–R16: change requests, those waiting for a decision first (customer users: their own customer's). */
export const requestsCommand = defineCommand({
  name: 'requests',
  summary: 'Change requests and their state, those waiting for a decision first, 15 a page',
  byReader: { customerUser: { summary: "Your organisation's change requests and their state, those waiting for a decision first, 15 a page" } },
  menu: ['personal', 'team', 'groupChat'],
  usage: 'requests [page <n>]',
  examples: ['requests', 'requests page 2'],
  roles: everyone,
  shows: 'account',
  args: wordsAndPage.refine(({ words }) => words.length === 0, 'say just `requests`, or which page, such as `requests page 2`; open one with `request REQ-1001`'),
  async run({ person, services }, { page }) {
    return [cardReply(await requestsPage(services, person, page))];
  },
});

/** One page of the change requests this person may see. */
export async function requestsPage(services: Services, person: Person, page: number) {
  const requests = await services.requests.list(person);
  const pending = requests.filter((r) => r.state === 'Pending').length;
  const shown = listPage(requests, page, requestsPageSize);
  const customers = new Map((await services.directory.customersOf(shown.items.map((r) => r.customerId))).map((c) => [c.id, c]));
  return requestsCard({ page: shown, pending, customerOf: (id) => customers.get(id)!, forAgent: person.kind === 'agent' });
}
