import type { LogFilterOptions, LogPageView, LogRow } from '../dashboardTypes.ts';
import { ApiError, type Api } from './api.ts';
import { h, messageBar, show, table } from './dom.ts';

const pageSize = 25;

/** R19: the activity log, newest first, filtered by customer, operation, person and days; paged; exported as CSV. */
export async function logView(api: Api, host: HTMLElement): Promise<void> {
  const options = await api.get<LogFilterOptions>('/dashboard/api/log-filters');
  const select = (name: string, label: string, all: string, choices: { value: string; text: string }[]) =>
    h('label', {}, label, h('select', { name }, h('option', { value: '' }, all), ...choices.map((c) => h('option', { value: c.value }, c.text))));
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter the log' },
    select('customer', 'Customer', 'All customers', options.customers.map((c) => ({ value: c.id, text: c.name }))),
    select('operation', 'Operation', 'All operations', options.operations.map((o) => ({ value: o, text: o }))),
    select('person', 'Person', 'Everyone', options.people.map((p) => ({ value: p.id, text: p.name }))),
    h('label', {}, 'From', h('input', { type: 'date', name: 'from' })),
    h('label', {}, 'To', h('input', { type: 'date', name: 'to' })),
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    h('button', { type: 'button', onclick: () => void exportCsv() }, 'Export CSV'),
  );
  const results = h('div', { class: 'log-results' });
  /** The `before` of each page shown so far, to go back to newer pages. */
  let pages: (number | undefined)[] = [undefined];

  const filters = () => {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value) query.set(name, value);
    return query;
  };

  async function exportCsv() {
    try {
      await api.download(`/dashboard/api/log.csv?${filters()}`);
    } catch (err) {
      results.prepend(messageBar('attention', err instanceof ApiError ? err.message : 'The export failed. Try again.'));
    }
  }

  async function load() {
    const query = filters();
    const before = pages[pages.length - 1];
    if (before !== undefined) query.set('before', String(before));
    query.set('size', String(pageSize));
    try {
      const page = await api.get<LogPageView>(`/dashboard/api/log?${query}`);
      show(
        results,
        table<LogRow>(
          'Activity log',
          [
            { title: 'When', cell: (e) => e.at, nowrap: true },
            { title: 'Who', cell: (e) => h('span', {}, e.person, h('br'), h('small', {}, e.role)) },
            { title: 'Operation', cell: (e) => e.operation },
            { title: 'Customer', cell: (e) => e.customer },
            { title: 'Outcome', cell: (e) => h('span', { class: `state ${e.outcome.toLowerCase()}` }, e.outcome) },
            { title: 'Details', cell: (e) => h('span', { class: 'detail' }, [e.target, e.detail].filter(Boolean).join(': ')) },
          ],
          page.entries,
          'No entries match these filters.',
        ),
        h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages' },
          h('button', { disabled: pages.length === 1, onclick: () => (pages.pop(), void load()) }, '← Newer'),
          h('span', {}, `Page ${pages.length}`),
          h('button', { disabled: page.next === undefined, onclick: () => (pages.push(page.next), void load()) }, 'Older →'),
        ),
      );
    } catch (err) {
      show(results, messageBar('attention', err instanceof ApiError ? err.message : 'The log could not be loaded. Try again.'));
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pages = [undefined];
    void load();
  });
  show(host, form, results);
  await load();
}
