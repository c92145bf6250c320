import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import { requestFormCard, type RequestFormValues } from '../../cards/requestFormCard.ts';
import { maxReturned, type ChangeKind } from '../../data/schemas.ts';
import type { FormAsk } from '../../services/changeForm.ts';
import { cardReply } from '../replies.ts';
import { agentRoles, defineCommand, onOffWord, type Command } from './command.ts';

const reservationWord = z.string({ error: 'name the reservation, such as R-1001 (type `reservations` to see yours)' }).min(1);
const nothingMore = (example: string) => z.never({ error: `say only the reservation, such as \`${example}\`` });

interface ChangeCommandSpec {
  kind: ChangeKind;
  name: string;
  summary: string;
  usage: string;
  examples: string[];
  /** The words after the command: the reservation, what the form shows filled in, and what R17 checks at once of it. */
  args: z.ZodType<Typed, string[]>;
}

interface Typed {
  reservationId: string;
  values: RequestFormValues;
  asked?: FormAsk;
}

/**
 * R15: a customer user asks the partner for one kind of change to a reservation; the command opens the
 * request card with what that change needs. Agents' attempts reach the service, which refuses and logs them.
 */
function changeCommand({ kind, ...spec }: ChangeCommandSpec): Command {
  return defineCommand({
    ...spec,
    roles: ['CustomerUser'],
    shows: 'account',
    writes: () => Operation.RequestChange,
    attemptsLoggedFor: agentRoles,
    async run({ person, services }, { reservationId, values, asked }) {
      return [cardReply(requestFormCard(await services.requests.form(person, reservationId, kind, asked), values))];
    },
  });
}

const reservationOnly = (example: string) => z.tuple([reservationWord], nothingMore(example)).transform(([reservationId]) => ({ reservationId, values: {} }));

export const cancelCommand = changeCommand({
  kind: 'Cancel',
  name: 'cancel',
  summary: 'Ask the partner to cancel a reservation, or return some of its units, with the refund estimate',
  usage: 'cancel <reservation> [units]',
  examples: ['cancel R-1001', 'cancel R-1001 2'],
  args: z
    .tuple([reservationWord], z.string())
    .refine((words) => words.length <= 2, { error: 'say the reservation and, to return only some of its units, how many, such as `cancel R-1001 2`', abort: true })
    .refine(([, units]) => units === undefined || /^\d+$/.test(units), { error: 'say how many units to return as a number, such as `cancel R-1001 2`' })
    .transform(([reservationId, units]) => ({ reservationId, values: units ? { quantity: units } : {}, asked: { quantity: units } })),
});

export const exchangeCommand = changeCommand({
  kind: 'Exchange',
  name: 'exchange',
  summary: 'Ask the partner to exchange a reservation, or several of the same type, for another of that type',
  usage: 'exchange <reservation> [<more reservations>]',
  examples: ['exchange R-1001', 'exchange R-1001 R-1002'],
  args: z
    .tuple([reservationWord], reservationWord)
    .refine((words) => words.length <= maxReturned, { error: `name at most ${maxReturned} reservations, such as \`exchange R-1001 R-1002\`` })
    .transform(([reservationId, ...others]) => ({ reservationId, values: {}, asked: { alsoReturned: others } })),
});

export const renewCommand = changeCommand({
  kind: 'Renew',
  name: 'renew',
  summary: 'Ask the partner to turn auto-renew of a reservation on or off',
  usage: 'renew <reservation> [on|off]',
  examples: ['renew R-1001', 'renew R-1001 off'],
  args: z
    .tuple([reservationWord], onOffWord)
    .refine((words) => words.length <= 2, { error: 'say the reservation and on or off, such as `renew R-1001 on`' })
    .transform(([reservationId, state]) => ({ reservationId, values: state ? { autoRenew: state } : {} })),
});

export const scopeCommand = changeCommand({
  kind: 'Scope',
  name: 'scope',
  summary: 'Ask the partner to change the applied scope of a reservation',
  usage: 'scope <reservation>',
  examples: ['scope R-1001'],
  args: reservationOnly('scope R-1001'),
});
