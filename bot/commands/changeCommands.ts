import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import { requestFormCard, type RequestFormValues } from '../../cards/requestFormCard.ts';
import type { ChangeKind } from '../../data/schemas.ts';
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
  /** The words after the command: the reservation, and what the form shows filled in. */
  args: z.ZodType<{ reservationId: string; values: RequestFormValues }, string[]>;
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
    async run({ person, services }, { reservationId, values }) {
      return [cardReply(requestFormCard(await services.requests.form(person, reservationId, kind), values))];
    },
  });
}

const reservationOnly = (example: string) => z.tuple([reservationWord], nothingMore(example)).transform(([reservationId]) => ({ reservationId, values: {} }));

export const cancelCommand = changeCommand({
  kind: 'Cancel',
  name: 'cancel',
  summary: 'Ask the partner to cancel a reservation, with the refund estimate',
  usage: 'cancel <reservation>',
  examples: ['cancel R-1001'],
  args: reservationOnly('cancel R-1001'),
});

export const exchangeCommand = changeCommand({
  kind: 'Exchange',
  name: 'exchange',
  summary: 'Ask the partner to exchange a reservation for another of the same type',
  usage: 'exchange <reservation>',
  examples: ['exchange R-1001'],
  args: reservationOnly('exchange R-1001'),
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
