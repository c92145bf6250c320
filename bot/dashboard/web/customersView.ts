import { possessive } from '../../../services/possessive.ts';
import type { CustomerRow, MeView, PermissionAnswer } from '../dashboardTypes.ts';
import { ApiError, type Api } from './api.ts';
import { h, messageBar, show, table } from './dom.ts';

/** Every customer with its "allow customer to purchase" permission; Admin Agents get the switch (R2). */
export async function customersView(api: Api, me: MeView, host: HTMLElement): Promise<void> {
  const notice = h('div', { class: 'notices' });
  const render = (rows: CustomerRow[]) =>
    show(
      host,
      h('p', { class: 'intro' }, me.canChange ? 'Turn on "Azure reservations: allow customer to purchase" to let a customer buy reservations itself, billed to you.' : `Read-only: only ${possessive(me.partnerName)} Admin Agents can turn the permission on or off.`),
      notice,
      table<CustomerRow>(
        'Customers',
        [
          { title: 'Customer', cell: (c) => h('span', {}, h('strong', {}, c.name), h('br'), h('small', {}, c.domain)) },
          { title: 'Allow customer to purchase', cell: (c) => (me.canChange ? permissionSwitch(c) : h('span', { class: `state ${c.enabled ? 'on' : 'off'}` }, c.enabled ? 'On' : 'Off')) },
          { title: 'Last changed', cell: (c) => c.changed ?? '' },
          { title: 'Notes', cell: (c) => c.warning ?? (c.canBeEnabled ? '' : 'No active, usage-based Azure Plan: buy one before turning this on.') },
        ],
        rows,
        'There are no customers yet.',
      ),
    );

  let rows = await api.get<CustomerRow[]>('/dashboard/api/customers');

  function permissionSwitch(customer: CustomerRow): HTMLElement {
    const button = h(
      'button',
      { class: 'switch', role: 'switch', 'aria-checked': String(customer.enabled), 'aria-label': `Allow ${customer.name} to purchase`, 'data-customer': customer.id },
      h('span', { class: 'track' }, h('span', { class: 'thumb' })),
      h('span', { class: 'label' }, customer.enabled ? 'On' : 'Off'),
    );
    button.addEventListener('click', async () => {
      button.setAttribute('disabled', '');
      try {
        const answer = await api.send<PermissionAnswer>('PUT', `/dashboard/api/customers/${encodeURIComponent(customer.id)}/permission`, { enabled: !customer.enabled });
        rows = rows.map((r) => (r.id === answer.customer.id ? answer.customer : r));
        render(rows);
        show(notice, messageBar(answer.notice.tone, answer.notice.text));
      } catch (err) {
        button.removeAttribute('disabled');
        show(notice, messageBar('attention', err instanceof ApiError ? err.message : 'The change could not be sent. Check your connection and try again.'));
      }
    });
    return button;
  }

  render(rows);
}
