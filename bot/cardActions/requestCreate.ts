import { z } from 'zod';
import { messageCard } from '../../cards/messageCard.ts';
import { scopeOf } from '../../cards/purchaseFormCard.ts';
import { requestCreateVerb, requestFormCard } from '../../cards/requestFormCard.ts';
import type { ChangeInput } from '../../services/changeRules.ts';
import { CodedError } from '../../services/codedError.ts';
import type { RequestView } from '../../services/messenger.ts';
import { possessive } from '../../services/possessive.ts';
import { everyone } from '../commands/command.ts';
import { requestCardFor } from '../requestCards.ts';
import { defineCardAction } from './cardAction.ts';

/** What the customer is told once the request is kept: its cards are on their way to the Admin Agents who can be reached, or none can be. */
function sentText(view: RequestView): string {
  const admins = `${possessive(view.partnerName)} Admin Agents`;
  return view.approverIds.length
    ? `Sent to ${admins} as ${view.request.id}. You will be told here when it is decided.`
    : `Kept as ${view.request.id}, but none of ${admins} has a chat with this bot yet, so nobody could be told: it waits in their list of requests. Let your contact at ${view.partnerName} know. You will be told here when it is decided.`;
}

const common = { reservationId: z.string().min(1).max(40), comment: z.string().max(500).optional() };
const quantity = z.union([z.string(), z.number()]).transform(String);

/** Teams sends the form's inputs merged into the button's data: what each kind of change needs, checked again by the service. */
const formData = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('Cancel'), quantity: quantity.optional() }),
  z.object({ ...common, kind: z.literal('Exchange'), offer: z.string().regex(/^[^|]+\|[^|]+\|[^|]+$/), quantity, alsoReturned: z.string().max(500).optional() }),
  z.object({ ...common, kind: z.literal('Renew'), autoRenew: z.enum(['on', 'off']) }),
  z.object({ ...common, kind: z.literal('Scope'), scope: z.string().refine((value) => scopeOf(value, '') !== undefined), resourceGroup: z.string().optional() }),
]);

function changeOf(data: z.infer<typeof formData>): ChangeInput {
  switch (data.kind) {
    case 'Cancel':
      return { kind: 'Cancel', quantity: data.quantity };
    case 'Exchange': {
      const [sku, region, term] = data.offer.split('|') as [string, string, string];
      // A multi-select choice set sends the values chosen joined by commas, or nothing (an empty string) when none is.
      const alsoReturned = (data.alsoReturned ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      return { kind: 'Exchange', sku, region, term, quantity: data.quantity, ...(alsoReturned.length ? { alsoReturned } : {}) };
    }
    case 'Renew':
      return { kind: 'Renew', autoRenew: data.autoRenew === 'on' };
    case 'Scope':
      return { kind: 'Scope', scope: scopeOf(data.scope, data.resourceGroup)! };
  }
}

/**
 * "Send request" on a request form (R15): the answer replaces the form with the request's card, which is
 * kept as the customer's copy and updated when the request is decided.
 */
export const requestCreateAction = defineCardAction({
  verb: requestCreateVerb,
  roles: everyone,
  data: formData,
  async run({ person, services, clicked }, data) {
    try {
      const copy = clicked.cardActivityId ? { reference: clicked.reference, activityId: clicked.cardActivityId } : undefined;
      const view = await services.requests.create(person, data.reservationId, changeOf(data), data.comment, copy);
      return requestCardFor(services, person, view, { tone: 'good', text: sentText(view) });
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      // The form again, as filled in, with what to fix; if it can no longer be asked at all, only the reason.
      const form = await services.requests.formAgain(person, data.reservationId, data.kind);
      const { reservationId: _, kind: __, ...values } = data;
      return form ? requestFormCard(form, values, { tone: 'attention', text: err.message, field: err.field }) : messageCard('Not asked', err.message, 'attention');
    }
  },
});
