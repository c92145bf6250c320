/**
 * A domain refusal: a stable code, and a message that is safe to show the user and says what to do next;
 * `field` names the form input it is about, when it is about one, so that a form can show it there.
 */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
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
  PurchaseNotAllowed: 'PURCHASE_NOT_ALLOWED',
  OwnerRequired: 'OWNER_REQUIRED',
  SubscriptionNotEligible: 'SUBSCRIPTION_NOT_ELIGIBLE',
  UnknownProduct: 'UNKNOWN_PRODUCT',
  UnknownRegion: 'UNKNOWN_REGION',
  TermNotOffered: 'TERM_NOT_OFFERED',
  NoPartnerPrice: 'NO_PARTNER_PRICE',
  InvalidQuantity: 'INVALID_QUANTITY',
  InvalidScope: 'INVALID_SCOPE',
  InvalidPrice: 'INVALID_PRICE',
  QuoteNotFound: 'QUOTE_NOT_FOUND',
  PriceChanged: 'PRICE_CHANGED',
  ReservationNotFound: 'RESERVATION_NOT_FOUND',
  ReservationNotActive: 'RESERVATION_NOT_ACTIVE',
  RequestAlreadyPending: 'REQUEST_ALREADY_PENDING',
  RefundCapExceeded: 'REFUND_CAP_EXCEEDED',
  /** R17: a product Azure does not refund, or a refund the price list cannot count in USD against the cap. */
  NotRefundable: 'NOT_REFUNDABLE',
  NoUsdRate: 'NO_USD_RATE',
  ExchangeNotAllowed: 'EXCHANGE_NOT_ALLOWED',
  NothingToChange: 'NOTHING_TO_CHANGE',
  RequestNotFound: 'REQUEST_NOT_FOUND',
  RequestAlreadyDecided: 'REQUEST_ALREADY_DECIDED',
  RequestClosed: 'REQUEST_CLOSED',
  ReasonRequired: 'REASON_REQUIRED',
  NothingToRetry: 'NOTHING_TO_RETRY',
  InvalidSetting: 'INVALID_SETTING',
  /** Someone the directory does not know (R18). */
  UnknownPerson: 'UNKNOWN_PERSON',
  /** The HTTP API: a body or query that is not what the endpoint takes; a policy that does or does not exist. */
  InvalidRequest: 'INVALID_REQUEST',
  BodyTooLarge: 'BODY_TOO_LARGE',
  UnsupportedEncoding: 'UNSUPPORTED_ENCODING',
  PolicyExists: 'POLICY_EXISTS',
  PolicyNotFound: 'POLICY_NOT_FOUND',
  /** A message the bot could not deliver after every retry. */
  DeliveryFailed: 'DELIVERY_FAILED',
  /** Too many purchases prepared and not confirmed (R18's bound on what one person keeps in the store). */
  TooManyQuotes: 'TOO_MANY_QUOTES',
  /** Partner Center or Azure: did not answer in time, said no, needs the agent's own sign-in, or may or may not have done a write. */
  CloudUnavailable: 'CLOUD_UNAVAILABLE',
  CloudRefused: 'CLOUD_REFUSED',
  SignInRequired: 'SIGN_IN_REQUIRED',
  CloudOutcomeUnknown: 'CLOUD_OUTCOME_UNKNOWN',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
