import type { Customer } from '../data/schemas.ts';
import { CodedError, ErrorCode } from './codedError.ts';
import { operationNames } from './operations.ts';
import { roleLabels, type Person } from './people.ts';
import { possessive } from './possessive.ts';

/** The catalogue of domain refusals, each with the message a user sees. */
export const refusals = {
  /** R2 */
  adminOnly(person: Person, action: string, partnerName: string): CodedError {
    const message =
      person.kind === 'agent'
        ? `Only Admin Agents of ${partnerName} can ${action}. You are a ${roleLabels[person.role]}, so you can see it but not change it. Ask one of ${possessive(partnerName)} Admin Agents to do it.`
        : `Only ${partnerName} can ${action}. If you need it, ask your contact at ${partnerName}.`;
    return new CodedError(ErrorCode.RoleNotAllowed, message);
  },
  /** R4 */
  noEligibleSubscription(customer: Customer): CodedError {
    return new CodedError(
      ErrorCode.NoEligibleSubscription,
      `${customer.name} has no active, usage-based Azure Plan or Azure Global subscription, so it cannot be allowed to buy reservations. Buy an Azure Plan for ${customer.name} first, then turn the permission on.`,
    );
  },
  customerNotFound(query: string, viewer: Person, ownCustomerName?: string): CodedError {
    const message =
      viewer.kind === 'customerUser'
        ? `You can see only ${possessive(ownCustomerName ?? 'your own customer')} account. Type \`customer\` to open it.`
        : `No customer matches "${query}". Type \`customers\` to see them all, then use an id, a domain or part of a name.`;
    return new CodedError(ErrorCode.CustomerNotFound, message);
  },
  unknownCardAction(): CodedError {
    return new CodedError(ErrorCode.UnknownCardAction, 'This button is no longer supported, so nothing was changed. Type `help` to see what you can do.');
  },
  cardActionNotForRole(person: Person): CodedError {
    return new CodedError(ErrorCode.RoleNotAllowed, `This button is not available to you as a ${roleLabels[person.role]}, so nothing was changed.`);
  },
  invalidCardData(): CodedError {
    return new CodedError(ErrorCode.InvalidCardData, "This card's data is not what I expected, so nothing was changed. Open the card again from the chat (for example with `customer <name>`).");
  },
  logFilterNotUnderstood(words: string, viewer: Person, ownCustomerName?: string): CodedError {
    const how =
      viewer.kind === 'agent'
        ? 'The log can be filtered by a customer (id, domain or part of a name), an operation, or both, such as `log create` or `log fabrikam delete`.'
        : `You see only ${possessive(ownCustomerName ?? 'your own customer')} entries; filter them by operation, such as \`log create\`.`;
    return new CodedError(ErrorCode.CustomerNotFound, `I could not match "${words}" to ${viewer.kind === 'agent' ? 'a customer or ' : ''}an operation. ${how} Operations: ${operationNames.join(', ')}.`);
  },
};
