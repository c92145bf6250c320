import { maxReturned } from '../data/schemas.ts';
import type { ChangeForm } from '../services/changeForm.ts';
import { countedAt } from '../services/figureFacts.ts';
import { formatMoney } from '../services/money.ts';
import { possessive } from '../services/possessive.ts';
import { maxQuantity } from '../services/refusals.ts';
import { refundCap } from '../services/reservationValue.ts';
import { describeScope } from '../services/scope.ts';
import { termLabel } from '../services/terms.ts';
import { adaptiveCard, executeAction, heading, inputNotice, topNotice, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { factSet, note, onOff } from './format.ts';
import { choiceSet, offerTitle, offerValue, scopeInputs } from './purchaseFormCard.ts';

export const requestCreateVerb = 'request.create';

/** What the form's inputs hold, as Teams sends them back merged into the button's data. */
export interface RequestFormValues {
  offer?: string;
  /** Cancel: the units to return; exchange: the new quantity. */
  quantity?: string;
  /** Exchange: the other reservations returned with it, comma-separated as a multi-select choice sends them. */
  alsoReturned?: string;
  autoRenew?: string;
  scope?: string;
  resourceGroup?: string;
  comment?: string;
}

const titles = { Cancel: 'Ask to cancel', Exchange: 'Ask to exchange', Renew: 'Ask to change auto-renew of', Scope: 'Ask to change the scope of' };

/** R15, R17: the card on which a customer user asks the partner for one kind of change, with today's figures. */
export function requestFormCard(form: ChangeForm, values: RequestFormValues = {}, notice?: Notice): AdaptiveCard {
  const { kind, customer, reservation, figures, partnerName } = form;
  const money = (amount: number) => formatMoney(amount, reservation.currency);
  const body: object[] = [
    ...heading(`${titles[kind]} ${reservation.id}`, `${customer.name} · decided by ${partnerName}`),
    ...topNotice(notice),
    factSet([
      ['Reservation', `${reservation.quantity} × ${reservation.productName} (${reservation.sku}) · ${reservation.region} · ${termLabel(reservation.term)}`],
      ['Paid', money(reservation.total)],
      ['Expires', reservation.expiresOn],
      ['Scope', describeScope(customer, reservation.scope)],
      ['Auto-renew', onOff(reservation.autoRenew)],
    ]),
  ];
  if (kind === 'Cancel' && figures) {
    const returned = figures.quantity ?? reservation.quantity;
    body.push(
      factSet([
        ['Refund estimate', `${money(figures.unusedValue)} (${figures.remainingDays} of ${figures.totalDays} days unused, as of ${figures.asOf})`],
        ['Counted at', figures.unitPrice === undefined ? undefined : countedAt(figures, reservation.currency)],
        ['Refund in USD', figures.usdValue === undefined ? undefined : `${formatMoney(figures.usdValue, refundCap.currency)} at ${figures.usdRate} USD per ${reservation.currency}`],
        ['Refund allowance left', `${formatMoney(figures.allowance!, refundCap.currency)} of ${formatMoney(refundCap.amount, refundCap.currency)} in any 12 months`],
      ]),
      // A reservation of one unit has no box: a refusal about the units is shown where it would be.
      ...(reservation.quantity > 1
        ? [
            {
              type: 'Input.Number',
              id: 'quantity',
              label: `Units to return (of ${reservation.quantity})`,
              isRequired: true,
              min: 1,
              max: reservation.quantity,
              value: Number(values.quantity ?? returned) || returned,
              errorMessage: `A whole number from 1 to ${reservation.quantity}.`,
            },
          ]
        : []),
      ...inputNotice(notice, 'quantity'),
      note(
        `The reservation ends on the day ${partnerName} approves (returning only some units, it goes on with the rest), and the refund is counted for that day, at the lower of the price paid and ${possessive(partnerName)} price that day, with no early-termination fee.`,
      ),
    );
  }
  if (kind === 'Exchange' && figures) {
    const companions = form.companions.map(({ reservation: r, figures: f }) => ({ title: `${r.id}: ${r.quantity} × ${r.productName} · ${r.region} · credit ${money(f.unusedValue)}`, value: r.id }));
    body.push(
      factSet([
        ['Credit', `${money(figures.unusedValue)} (${figures.remainingDays} of ${figures.totalDays} days unused, as of ${figures.asOf})`],
        ['Counted at', figures.unitPrice === undefined ? undefined : countedAt(figures, reservation.currency)],
      ]),
      // No choice at first: the current one would only be refused as nothing to ask.
      choiceSet('offer', 'New product, region and term', form.offers.map((o) => ({ title: offerTitle(o, false), value: offerValue(o.price) })), values.offer),
      { type: 'Input.Number', id: 'quantity', label: 'New quantity', isRequired: true, min: 1, max: maxQuantity, value: Number(values.quantity ?? reservation.quantity) || 1, errorMessage: `A whole number from 1 to ${maxQuantity}.` },
      ...(companions.length
        ? [
            {
              type: 'Input.ChoiceSet',
              id: 'alsoReturned',
              label: `Also return, into the same new reservation (optional, up to ${maxReturned - 1})`,
              isMultiSelect: true,
              style: 'expanded',
              wrap: true,
              choices: companions,
              ...(values.alsoReturned || form.alsoReturned.length ? { value: values.alsoReturned ?? form.alsoReturned.join(',') } : {}),
            },
          ]
        : []),
      note(
        `Minimum value: the new reservation's total commitment must be at least the credit, ${money(figures.unusedValue)}, plus the credit of any reservation also returned. It starts on the day ${partnerName} approves, with the same scope, billing subscription and billing plan. Exchanges do not count against the refund cap.`,
      ),
    );
  }
  if (kind === 'Renew') {
    body.push(
      choiceSet('autoRenew', 'Auto-renew', [{ title: 'On: renew at expiry', value: 'on' }, { title: 'Off: let it expire', value: 'off' }], values.autoRenew ?? (reservation.autoRenew ? 'off' : 'on')),
      note(
        `At expiry, a renewed reservation is a new one with the same product, region, scope, billing subscription, term and quantity, at the lower of ${possessive(partnerName)} price 30 days before expiry (locked then) and its price that day.`,
      ),
    );
  }
  if (kind === 'Scope') {
    // No choice at first, as for an exchange: the current scope is in the facts above.
    body.push(...scopeInputs(customer.name, form.scopeTargets.subscriptions, form.scopeTargets.managementGroups, values, notice));
  }
  body.push(
    { type: 'Input.Text', id: 'comment', label: `Note for ${partnerName} (optional)`, isMultiline: true, maxLength: 500, ...(values.comment ? { value: values.comment } : {}) },
    note(`${possessive(partnerName)} Admin Agents decide. If nobody does within ${form.lifetimeDays} days, the request expires and you are told.`),
  );
  return adaptiveCard(body, [executeAction('Send request', requestCreateVerb, { reservationId: reservation.id, kind }, 'positive')]);
}
