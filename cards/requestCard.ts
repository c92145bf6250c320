import type { ChangeRequest } from '../data/schemas.ts';
import { describeChange, requestStanding } from '../services/changeWords.ts';
import type { Audience, RequestNews, RequestView } from '../services/messenger.ts';
import { formatMoney } from '../services/money.ts';
import { termLabel } from '../services/terms.ts';
import { adaptiveCard, executeAction, heading, noticeBlock, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { figureFacts } from '../services/figureFacts.ts';
import { factSet, formatTime, note } from './format.ts';

export const requestApproveVerb = 'request.approve';
export const requestRejectVerb = 'request.reject';
export const requestWithdrawVerb = 'request.withdraw';
export const requestRefreshVerb = 'request.refresh';
export const requestRetryVerb = 'request.retry';

export const kindTitles: Record<ChangeRequest['change']['kind'], string> = { Cancel: 'Cancel', Exchange: 'Exchange', Renew: 'Auto-renew', Scope: 'Scope change' };

export interface RequestCardModel {
  view: RequestView;
  /** Admin Agents get Approve and Reject, the customer's users Withdraw, while the request is pending; anyone else reads. */
  audience: Audience;
  /** Why the card is being sent, when it is sent unasked. */
  news?: RequestNews;
  /** The outcome of the click that produced this card, when it is an answer. */
  notice?: Notice;
}

/**
 * R15–R17: a change request, the same card for everyone who gets a copy. While it is pending, the partner's
 * copies refresh (Universal Actions) to each Admin Agent's view with the buttons; the customer's copy does not,
 * so it never carries the agents' ids. Once decided it shows who decided, when, and what was carried out.
 */
export function requestCard({ view, audience, news, notice }: RequestCardModel): AdaptiveCard {
  const { request, customer, reservation, partnerName } = view;
  const pending = request.state === 'Pending';
  const body = [
    ...heading(`${kindTitles[request.change.kind]} request ${request.id}`, `${customer.name} · ${reservation.id} · decided by ${partnerName}`),
    ...(notice ? [noticeBlock(notice)] : []),
    ...(news === 'reminder' && pending ? [noticeBlock({ tone: 'warning', text: `Reminder: this request is still waiting for a decision. It expires on ${formatTime(request.expiresAt)}.` })] : []),
    noticeBlock(stateNotice(request)),
    factSet([
      ['Asked', describeChange(request.change, reservation.id, customer)],
      ['Asked by', `${request.requestedBy.name} (${customer.name}) on ${formatTime(request.requestedAt)}`],
      ['Reservation', `${reservation.quantity} × ${reservation.productName} (${reservation.sku}) · ${reservation.region} · ${termLabel(reservation.term)} · expires ${reservation.expiresOn}`],
      ['Paid', formatMoney(reservation.total, reservation.currency)],
      ['Comment', request.comment],
      ...figureFacts(request),
      ['Reason', request.reason],
    ]),
    ...(pending ? [note(`If nobody decides, the request expires on ${formatTime(request.expiresAt)} and the customer is told.`)] : []),
  ];
  // The refresh names the Admin Agents' Teams ids: only the partner's copies (its agents', its approvals channel's) carry it.
  const refresh = pending && audience !== 'requester' ? { action: { type: 'Action.Execute', title: 'Refresh', verb: requestRefreshVerb, data: { requestId: request.id } }, userIds: view.approverIds } : undefined;
  const failed = request.execution?.state === 'Failed';
  return adaptiveCard(body, pending ? actionsFor(audience, request.id) : failed && audience === 'approver' ? [executeAction('Retry in Azure', requestRetryVerb, { requestId: request.id }, 'positive')] : [], refresh);
}

function actionsFor(audience: Audience, requestId: string): object[] {
  if (audience === 'requester') return [executeAction('Withdraw request', requestWithdrawVerb, { requestId }, 'destructive')];
  if (audience !== 'approver') return [];
  return [
    executeAction('Approve', requestApproveVerb, { requestId }, 'positive'),
    {
      type: 'Action.ShowCard',
      title: 'Reject…',
      card: {
        type: 'AdaptiveCard',
        body: [{ type: 'Input.Text', id: 'reason', label: 'Why? The customer sees this.', isMultiline: true, isRequired: true, maxLength: 500, errorMessage: 'Say why you reject it.' }],
        actions: [executeAction('Reject', requestRejectVerb, { requestId }, 'destructive')],
      },
    },
  ];
}

const stateTones: Record<ChangeRequest['state'], Notice['tone']> = { Pending: 'warning', Approved: 'good', Rejected: 'attention', Withdrawn: 'attention', Expired: 'attention' };

/** An approval still being carried out in Azure is not good news yet; one Azure refused is bad news. */
const executionTones = { InProgress: 'warning', Done: 'good', Failed: 'attention' } as const;

const stateNotice = (request: ChangeRequest): Notice => ({ tone: request.execution ? executionTones[request.execution.state] : stateTones[request.state], text: requestStanding(request) });
