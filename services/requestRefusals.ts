import type { ChangeRequest, Product, Reservation } from '../data/schemas.ts';
import { formatTime } from './clock.ts';
import { quoted } from './excerpt.ts';
import { CodedError, ErrorCode } from './codedError.ts';
import { formatMoney } from './money.ts';
import type { Person } from './people.ts';
import { possessive } from './possessive.ts';
import { changeNames } from './changeWords.ts';
import { refundCap } from './reservationValue.ts';

/** What an Admin Agent approving a request that R17 no longer allows is told to do. */
const notChanged = 'Nothing was changed and the request is still pending: reject it, saying why.';

/** The refusals of change requests (R15–R17), each with the message a user sees. */
export const requestRefusals = {
  /** R15: customers ask; the partner's Admin Agents decide. */
  customersAsk(partnerName: string): CodedError {
    return new CodedError(
      ErrorCode.RoleNotAllowed,
      `Changes to a reservation are asked for by the customer's own users and decided by ${possessive(partnerName)} Admin Agents. Type \`requests\` to see the requests waiting for a decision.`,
    );
  },
  reservationNotFound(id: string, viewer: Person): CodedError {
    const where = viewer.kind === 'customerUser' ? 'You have no reservation' : 'There is no reservation';
    return new CodedError(ErrorCode.ReservationNotFound, `${where} ${quoted(id)}. Type \`reservations\` to see ${viewer.kind === 'customerUser' ? 'yours' : "a customer's"} and their ids (such as R-1001).`);
  },
  reservationNotActive(reservation: Reservation): CodedError {
    const state =
      reservation.status === 'Cancelled'
        ? `was cancelled on ${reservation.endedOn}`
        : reservation.status === 'Exchanged'
          ? `was exchanged on ${reservation.endedOn} for ${reservation.exchangedFor}`
          : `expired on ${reservation.expiresOn}`;
    const next = reservation.status === 'Exchanged' ? ` Ask for changes to ${reservation.exchangedFor} instead.` : '';
    return new CodedError(ErrorCode.ReservationNotActive, `${reservation.id} ${state}, so it can no longer be changed.${next}`);
  },
  /** R15: one pending request per reservation, whether it is about `reservationId` or an exchange returns it too (R17). */
  alreadyPending(request: ChangeRequest, reservationId = request.reservationId): CodedError {
    const what = reservationId === request.reservationId ? changeNames[request.change.kind] : `${changeNames[request.change.kind]} of ${request.reservationId}, which returns it too`;
    return new CodedError(
      ErrorCode.RequestAlreadyPending,
      `${reservationId} already has a request waiting for a decision: ${request.id} (${what}), asked on ${formatTime(request.requestedAt)}. Wait for the decision, or withdraw it with \`withdraw ${request.id}\` and ask again.`,
    );
  },
  /** R17: the USD 50,000 rolling 12-month cap, counted in USD; told to the customer asking, or to the Admin Agent approving. */
  refundCapExceeded(refund: string, allowance: number, since: string, viewer: Person): CodedError {
    const left = allowance > 0 ? `only ${formatMoney(allowance, refundCap.currency)} more can be refunded` : 'nothing more can be refunded';
    const next =
      viewer.kind === 'customerUser'
        ? "Nothing was asked. An exchange does not count against the cap: type `exchange` with the reservation's id to ask for one."
        : 'Nothing was changed and the request is still pending: reject it, saying why (the customer may ask for an exchange instead, which does not count against the cap).';
    return new CodedError(
      ErrorCode.RefundCapExceeded,
      `A refund of ${refund} would pass the refund cap of ${formatMoney(refundCap.amount, refundCap.currency)} per customer in any 12 months: counting the refunds since ${since}, ${left}. ${next}`,
    );
  },
  /** R17: a refund in a currency the price list gives no USD rate for cannot be counted against the cap. */
  noUsdRate(reservation: Reservation, viewer: Person, partnerName: string): CodedError {
    const what = `${reservation.id} was paid in ${reservation.currency}, and ${possessive(partnerName)} price list gives no USD rate for ${reservation.currency} on its row (${reservation.sku} ${reservation.region} ${reservation.term})`;
    const next =
      viewer.kind === 'customerUser'
        ? `Nothing was asked. Ask ${partnerName} to add the rate, or ask for an exchange, which does not count against the cap.`
        : `Add the rate (usdRate, USD per ${reservation.currency}) to that row in the world file and load it again, then approve. ${notChanged}`;
    return new CodedError(ErrorCode.NoUsdRate, `${what}, so its refund cannot be counted against the ${formatMoney(refundCap.amount, refundCap.currency)} refund cap. ${next}`);
  },
  /** R17: Azure does not refund some products at all. */
  notRefundable(reservation: Reservation, product: Product, viewer: Person): CodedError {
    const instead =
      product.exchangeable === false
        ? `It can be neither cancelled nor exchanged: it runs until ${reservation.expiresOn}${reservation.autoRenew ? ' (turn auto-renew off to let it end then)' : ''}.`
        : 'It can be exchanged for another reservation of the same type instead.';
    const next = viewer.kind === 'customerUser' ? `${product.exchangeable === false ? '' : `Type \`exchange ${reservation.id}\` to ask for one. `}Nothing was asked.` : notChanged;
    return new CodedError(ErrorCode.NotRefundable, `Azure does not refund ${product.name} reservations such as ${reservation.id}. ${instead} ${next}`);
  },
  /** R17: a return of more units than the reservation has. */
  tooManyReturned(reservation: Reservation, quantity: number): CodedError {
    return new CodedError(ErrorCode.InvalidQuantity, `${reservation.id} has ${reservation.quantity} unit${reservation.quantity === 1 ? '' : 's'}, so ${quantity} cannot be returned: return from 1 to ${reservation.quantity}.`, 'quantity');
  },
  /** `why` the exchange breaks R17, and, for the customer asking, `fix` (what to choose instead). */
  exchangeNotAllowed(why: string, viewer: Person, fix = ''): CodedError {
    return new CodedError(ErrorCode.ExchangeNotAllowed, `${why} ${viewer.kind === 'customerUser' ? `${fix}${fix ? ' ' : ''}Nothing was asked.` : notChanged}`);
  },
  nothingToChange(what: string, viewer: Person): CodedError {
    return new CodedError(ErrorCode.NothingToChange, viewer.kind === 'customerUser' ? `${what}, so there is nothing to ask.` : `${what}. ${notChanged}`);
  },
  requestNotFound(id: string, viewer: Person): CodedError {
    return new CodedError(ErrorCode.RequestNotFound, `There is no request ${quoted(id)}${viewer.kind === 'customerUser' ? ' for your account' : ''}. Type \`requests\` to see them and their ids (such as REQ-1001).`);
  },
  /** R16: exactly one decision counts. */
  alreadyDecided(request: ChangeRequest): CodedError {
    return new CodedError(
      ErrorCode.RequestAlreadyDecided,
      `${request.closedBy?.name} already ${request.state.toLowerCase()} this request on ${formatTime(request.closedAt!)}, so your click changed nothing.`,
    );
  },
  /** R17: only an approved change that Azure did not carry out can be retried. */
  nothingToRetry(request: ChangeRequest): CodedError {
    const where = request.execution?.state === 'InProgress' ? 'it is being carried out in Azure now' : request.execution?.state === 'Done' ? 'Azure carried it out already' : request.state === 'Pending' ? 'it is waiting for a decision' : `it is ${request.state.toLowerCase()}, not a change Azure refused`;
    return new CodedError(ErrorCode.NothingToRetry, `There is nothing to retry on ${request.id}: ${where}. Type \`request ${request.id}\` to see it.`);
  },
  closed(request: ChangeRequest): CodedError {
    const what =
      request.state === 'Withdrawn'
        ? `${request.closedBy?.name} withdrew this request on ${formatTime(request.closedAt!)}`
        : request.state === 'Expired'
          ? `This request expired on ${formatTime(request.closedAt!)} without a decision`
          : `This request was already ${request.state.toLowerCase()} by ${request.closedBy?.name} on ${formatTime(request.closedAt!)}`;
    return new CodedError(ErrorCode.RequestClosed, `${what}, so nothing was changed. The customer can ask again if the change is still wanted.`);
  },
  tooLong(what: string, max: number): CodedError {
    return new CodedError(ErrorCode.InvalidCardData, `${what} can be at most ${max} characters long. Nothing was changed.`);
  },
  reasonRequired(): CodedError {
    return new CodedError(ErrorCode.ReasonRequired, 'Say why you reject the request (up to 500 characters): the customer sees the reason. Nothing was changed.');
  },
  withdrawOwnOnly(partnerName: string): CodedError {
    return new CodedError(ErrorCode.RoleNotAllowed, `Only the customer's users can withdraw their request. ${possessive(partnerName)} Admin Agents reject a request instead, saying why.`);
  },
  /** R17: a renewal's price is locked 30 days before expiry and bought at expiry; without a partner price either cannot be. */
  renewalNotPriced(reservation: Reservation, partnerName: string, locking: boolean): CodedError {
    const what = locking ? `the renewal price of ${reservation.id} could not be locked 30 days before its expiry` : `${reservation.id} could not be renewed at its expiry`;
    return new CodedError(
      ErrorCode.NoPartnerPrice,
      `${partnerName} has no price for ${reservation.sku} in ${reservation.region} for this term any more, so ${what} and its auto-renew was turned off. Set a price and buy it again if it is still wanted.`,
    );
  },
  /** R17: a reservation of a customer a world import left out of the directory is not renewed at the partner's cost. */
  renewalCustomerGone(reservation: Reservation, partnerName: string): CodedError {
    return new CodedError(
      ErrorCode.CustomerNotFound,
      `${reservation.customerId} is no longer one of ${possessive(partnerName)} customers, so ${reservation.id} is not renewed and its auto-renew was turned off.`,
    );
  },
  invalidLifetime(text: string): CodedError {
    return new CodedError(ErrorCode.InvalidSetting, `Requests expire after a whole number of days from 1 to 90, such as \`settings request-expiry 7\`; ${quoted(text)} is not.`);
  },
  notInChannel(): CodedError {
    return new CodedError(ErrorCode.InvalidSetting, 'Type `settings approvals-channel` in the Teams channel that should get the approval cards (mention the bot there). To stop sending them to a channel: `settings approvals-channel off`.');
  },
};
