/** A domain refusal: a stable code, and a message that is safe to show the user and says what to do next. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

export const ErrorCode = {
  RoleNotAllowed: 'ROLE_NOT_ALLOWED',
  NoEligibleSubscription: 'NO_ELIGIBLE_SUBSCRIPTION',
  CustomerNotFound: 'CUSTOMER_NOT_FOUND',
  UnknownCardAction: 'UNKNOWN_CARD_ACTION',
  InvalidCardData: 'INVALID_CARD_DATA',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
