import type { MeView, RequestRow } from '../dashboardTypes.ts';
import { ApiError, type Api } from './api.ts';
import { h, messageBar, show, table } from './dom.ts';

/** Change requests, those waiting first; Admin Agents approve or reject pending ones (R16), with a reason for a rejection. */
export async function requestsView(api: Api, me: MeView, host: HTMLElement): Promise<void> {
  const notice = h('div', { class: 'notices' });
  const rows = await api.get<RequestRow[]>('/dashboard/api/requests');

  async function decide(row: RequestRow, decision: 'approve' | 'reject', reason?: string) {
    try {
      const decided = await api.send<RequestRow>('POST', `/dashboard/api/requests/${encodeURIComponent(row.id)}/decision`, { decision, reason });
      await requestsView(api, me, host);
      host.prepend(messageBar('good', `${decided.id} is ${decided.state.charAt(0).toLowerCase()}${decided.state.slice(1)}.`));
    } catch (err) {
      show(notice, messageBar('attention', err instanceof ApiError ? err.message : 'The decision could not be sent. Check your connection and try again.'));
    }
  }

  function decisionButtons(row: RequestRow): HTMLElement | string {
    if (!row.canDecide) return row.closed ? `${row.closed}${row.reason ? `: ${row.reason}` : ''}` : '';
    const reason = h('input', { type: 'text', maxlength: '500', placeholder: 'Why (the customer sees this)', 'aria-label': `Reason for rejecting ${row.id}` });
    const rejectForm = h(
      'form',
      { class: 'reject', hidden: true, onsubmit: (e) => (e.preventDefault(), reason.value.trim() ? void decide(row, 'reject', reason.value.trim()) : show(notice, messageBar('attention', 'Say why you reject it: the customer sees the reason.'))) },
      reason,
      h('button', { type: 'submit' }, 'Reject'),
    );
    return h(
      'div',
      { class: 'actions' },
      h('button', { class: 'primary', onclick: () => void decide(row, 'approve') }, 'Approve'),
      h('button', { onclick: () => ((rejectForm.hidden = false), reason.focus()) }, 'Reject…'),
      rejectForm,
    );
  }

  show(
    host,
    notice,
    table<RequestRow>(
      'Change requests',
      [
        { title: 'Request', cell: (r) => h('strong', {}, r.id), nowrap: true },
        ...(me.kind === 'agent' ? [{ title: 'Customer', cell: (r: RequestRow) => r.customerName }] : []),
        { title: 'Change', cell: (r) => r.change },
        { title: 'Figures', cell: (r) => r.figures.length > 0 && h('dl', { class: 'figures' }, ...r.figures.flatMap((f) => [h('dt', {}, f.title), h('dd', {}, f.value)])) },
        { title: 'Asked by', cell: (r) => `${r.requestedBy}, ${r.requestedAt}` },
        { title: 'State', cell: (r) => h('span', { class: `state ${r.state.split(' ')[0]!.toLowerCase()}` }, r.state === 'Pending' ? `Pending until ${r.expiresAt}` : r.state) },
        { title: me.canChange ? 'Decision' : 'Closed', cell: decisionButtons },
      ],
      rows,
      me.kind === 'agent' ? 'No change requests yet.' : 'You have not asked for any change. Ask in chat: type cancel, exchange, renew or scope and the reservation.',
    ),
  );
}
