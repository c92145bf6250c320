import type { Change, ChangeKind, ChangeRequest, Customer } from '../data/schemas.ts';
import { formatTime } from './clock.ts';
import { formatMoney } from './money.ts';
import { describeScope } from './scope.ts';
import { termLabel } from './terms.ts';

/** "1 unit", "3 units". */
export const units = (quantity: number) => `${quantity} unit${quantity === 1 ? '' : 's'}`;

/** What each kind of change is called in messages: "cancel", "exchange", "renewal", "scope change". */
export const changeNames: Record<ChangeKind, string> = { Cancel: 'cancel', Exchange: 'exchange', Renew: 'renewal', Scope: 'scope change' };

/** The change in words, for the log and the cards: "cancel R-1001", "turn auto-renew on for R-1001", ... */
export function describeChange(change: Change, reservationId: string, customer: Customer): string {
  switch (change.kind) {
    case 'Cancel':
      return change.quantity ? `cancel ${units(change.quantity)} of ${reservationId}` : `cancel ${reservationId}`;
    case 'Exchange':
      return `exchange ${[reservationId, ...(change.alsoReturned ?? [])].join(', ')} for ${change.quantity} × ${change.sku} in ${change.region} for ${termLabel(change.term)}`;
    case 'Renew':
      return `turn auto-renew ${change.autoRenew ? 'on' : 'off'} for ${reservationId}`;
    case 'Scope':
      return `change the scope of ${reservationId} to ${describeScope(customer, change.scope)}`;
  }
}

/** Where a request stands, for its card's banner and the message that tells the asker: "Approved by Ada Admin on … R-1001 is cancelled; …". */
export function requestStanding(request: ChangeRequest): string {
  const by = request.closedBy?.name;
  const at = request.closedAt && formatTime(request.closedAt);
  switch (request.state) {
    case 'Pending':
      return 'Waiting for a decision by an Admin Agent.';
    case 'Approved':
      return `Approved by ${by} on ${at}. ${request.execution?.state === 'InProgress' ? 'It is being carried out in Azure; you will be told when it is done.' : request.execution?.state === 'Failed' ? `Azure did not carry it out: ${request.execution.reason} An Admin Agent can retry it.` : carriedOut(request)}`;
    case 'Rejected':
      return `Rejected by ${by} on ${at}.`;
    case 'Withdrawn':
      return `Withdrawn by ${by} on ${at}. Nothing was changed.`;
    case 'Expired':
      return `Expired on ${at} without a decision. Nothing was changed; ask again if it is still needed.`;
  }
}

/**
 * R16: what the person who asked is told when their request is closed, in one message: their copy of the card
 * is updated in place and has the rest. "REQ-1001 (cancel R-1001): Approved by Ada Admin on …; refund USD 328.77 in order O-1003."
 */
export function requestOutcome(request: ChangeRequest, customer: Customer): string {
  const reason = request.state === 'Rejected' && request.reason ? ` Reason: ${request.reason}` : '';
  return `${request.id} (${describeChange(request.change, request.reservationId, customer)}): ${requestStanding(request)}${reason}`;
}

/** What an approval did, in one sentence with its figures. */
function carriedOut(request: ChangeRequest): string {
  const { change, outcome, reservationId } = request;
  const figures = outcome?.figures;
  const money = (amount: number) => formatMoney(amount, figures!.currency);
  switch (change.kind) {
    case 'Cancel':
      return `${change.quantity ? `${units(change.quantity)} of ${reservationId} ${change.quantity === 1 ? 'is' : 'are'} returned` : `${reservationId} is cancelled`}; refund ${money(figures!.unusedValue)} in order ${outcome?.orderId}.`;
    case 'Exchange':
      return `${change.alsoReturned ? `${[reservationId, ...change.alsoReturned].join(', ')} are` : `${reservationId} is`} exchanged for ${outcome?.newReservationId} (order ${outcome?.orderId}); credit ${money(figures!.unusedValue)}, new total ${money(figures!.newTotal!)}.`;
    case 'Renew':
      return `Auto-renew of ${reservationId} is now ${change.autoRenew ? 'on' : 'off'}.`;
    case 'Scope':
      return `The scope of ${reservationId} is changed.`;
  }
}

/** A request's state in one or two words, with where an approved change stands in Azure (Partner Center mode). */
export function requestStateLabel(request: ChangeRequest): string {
  const inAzure = { InProgress: ' · in progress in Azure', Failed: ' · failed in Azure', Done: '' } as const;
  return `${request.state}${request.execution ? inAzure[request.execution.state] : ''}`;
}
