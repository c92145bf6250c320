import { possessive } from '../../../services/possessive.ts';
import type { CustomerRow, MeView, PermissionAnswer } from '../dashboardTypes.ts';
import { ApiError, type Api } from './api.ts';
import { h, messageBar, show, table } from './dom.ts';

/**
 * Every customer with its "allow customer to purchase" permission; Admin Agents get the switch (R2), except where
 * turning it on can only be refused (R4): there the switch is disabled and the row says why and what to do.
 */
export async function customersView(api: Api, me: MeView, host: HTMLElement): Promise<void> {
  const notice = h('div', { class: 'notices' });
  const reasonId = (c: CustomerRow) => `ineligible-${c.id}`;
  const render = (rows: CustomerRow[]) =>
    show(
      host,
      h('p', { class: 'intro' }, me.canChange ? 'Turn on "Azure reservations: allow customer to purchase" to let a customer buy reservations itself, billed to you.' : `Read-only: only ${possessive(me.partnerName)} Admin Agents can turn the permission on or off.`),
      notice,
      table<CustomerRow>(
        'Customers',
        [
          { title: 'Customer', cell: (c) => h('span', {}, h('strong', {}, c.name), h('br'), h('small', {}, c.domain)) },
          { title: 'Allow customer to purchase', cell: (c) => (me.canChange ? permissionCell(c) : h('span', { class: `state ${c.enabled ? 'on' : 'off'}` }, c.enabled ? 'On' : 'Off')) },
          { title: 'Last changed', cell: (c) => c.changed ?? '' },
          { title: 'Notes', cell: (c) => notes(c) },
        ],
        rows,
        'There are no customers yet.',
      ),
    );

  let rows = await api.get<CustomerRow[]>('/dashboard/api/customers');

  function notes(customer: CustomerRow): HTMLElement | undefined {
    const text = customer.warning ?? customer.ineligible?.text;
    return text === undefined ? undefined : h('span', { class: 'detail', id: reasonId(customer) }, text);
  }

  function permissionCell(customer: CustomerRow): HTMLElement {
    const blocked = !customer.enabled && customer.ineligible;
    const button = h(
      'button',
      {
        class: 'switch',
        role: 'switch',
        'aria-checked': String(customer.enabled),
        'aria-label': `Allow ${customer.name} to purchase`,
        'data-customer': customer.id,
        disabled: Boolean(blocked),
        'aria-describedby': blocked ? reasonId(customer) : undefined,
      },
      h('span', { class: 'track' }, h('span', { class: 'thumb' })),
      h('span', { class: 'label' }, customer.enabled ? 'On' : 'Off'),
    );
    if (blocked) return h('span', { class: 'switch-blocked' }, button, h('small', {}, `Can't be turned on: ${blocked.short}`));
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
