import type { MeView } from '../dashboardTypes.ts';
import { apiClient, ApiError, type Api } from './api.ts';
import { ordersView, reservationsView } from './customerViews.ts';
import { customersView } from './customersView.ts';
import { h, messageBar, show } from './dom.ts';
import { logView } from './logView.ts';
import { requestsView } from './requestsView.ts';
import { startSession } from './session.ts';

type View = (api: Api, me: MeView, host: HTMLElement) => Promise<void>;

const agentViews: [string, View][] = [
  ['Customers', customersView],
  ['Requests', requestsView],
  ['Activity log', (api, _me, host) => logView(api, host)],
];

const customerViews: [string, View][] = [
  ['Reservations', (api, _me, host) => reservationsView(api, host)],
  ['Orders', (api, _me, host) => ordersView(api, host)],
  ['Requests', requestsView],
];

async function main(root: HTMLElement): Promise<void> {
  const session = await startSession(root);
  if (!session) return;
  const api = apiClient(session.token);
  let me: MeView;
  try {
    me = await api.get<MeView>('/dashboard/api/me');
  } catch (err) {
    show(root, h('section', { class: 'card' }, h('h1', {}, 'Reservations dashboard'), messageBar('attention', err instanceof ApiError ? err.message : 'The dashboard could not reach the bot. Try again later.')));
    return;
  }
  const views = me.kind === 'agent' ? agentViews : customerViews;
  const content = h('main', { id: 'content' });
  const tabs = views.map(([title, view]) => {
    const tab = h('button', { role: 'tab', 'aria-selected': 'false' }, title);
    tab.addEventListener('click', () => open(tab, view));
    return tab;
  });
  async function open(tab: HTMLElement, view: View) {
    for (const t of tabs) t.setAttribute('aria-selected', String(t === tab));
    show(content, h('p', { class: 'loading' }, 'Loading…'));
    try {
      await view(api, me, content);
    } catch (err) {
      show(content, messageBar('attention', err instanceof ApiError ? err.message : 'This could not be loaded. Try again.'));
    }
  }
  show(
    root,
    session.development && h('div', { class: 'dev-banner', role: 'note' }, 'Development sign-in: for local development only.', h('button', { onclick: session.development.signOut }, 'Sign out')),
    h(
      'header',
      {},
      h('h1', {}, me.kind === 'agent' ? `${me.partnerName}: reservations` : `${me.customerName ?? 'Your'} reservations`),
      h('p', { class: 'who' }, `${me.name}, ${me.roleLabel}${me.kind === 'customerUser' ? ` at ${me.customerName}` : ''}`),
    ),
    h('nav', { role: 'tablist', 'aria-label': 'Sections' }, ...tabs),
    content,
  );
  await open(tabs[0]!, views[0]![1]);
}

void main(document.getElementById('app')!);
