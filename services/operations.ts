/** Activity-log operation names. The permission ones are Partner Center's own (R6). */
export const Operation = {
  CreateCustomerPurchasePermissions: 'Create Customer Purchase Permissions',
  DeleteCustomerPurchasePermissions: 'Delete Customer Purchase Permissions',
  LoadPartnerDirectory: 'Load Partner Directory',
  /** A customer added or changed by a sync with Partner Center, and the sync itself when asked for (and refused). */
  SyncCustomer: 'Sync Customer',
  SyncPartnerCenter: 'Sync With Partner Center',
  PurchaseReservation: 'Purchase Azure Reservation',
  SetPartnerPrice: 'Set Partner Price',
  ChangePartnerSettings: 'Change Partner Settings',
  /** R15–R16: a change request's life. */
  RequestChange: 'Request Reservation Change',
  WithdrawRequest: 'Withdraw Change Request',
  ApproveRequest: 'Approve Change Request',
  RejectRequest: 'Reject Change Request',
  ExpireRequest: 'Expire Change Request',
  /** An Admin Agent tries again an approved change that Azure refused or never answered (Partner Center mode). */
  RetryChange: 'Retry Reservation Change',
  /** R17: the changes an approval carries out, and a renewal at expiry. */
  CancelReservation: 'Cancel Azure Reservation',
  ExchangeReservation: 'Exchange Azure Reservation',
  ChangeAutoRenew: 'Change Reservation Auto-Renew',
  ChangeScope: 'Change Reservation Scope',
  RenewReservation: 'Renew Azure Reservation',
  /** R17: 30 days before expiry, the price an auto-renewing reservation renews at (at most) is locked. */
  LockRenewalPrice: 'Lock Reservation Renewal Price',
  /** A card click refused before it reached any other operation (unknown button, wrong role, forged data). */
  CardAction: 'Card Action',
  /** A message the bot sends first (a request card, a notice) that could not be delivered after every retry. */
  DeliverMessage: 'Deliver Message',
} as const;

export type OperationName = (typeof Operation)[keyof typeof Operation];

/** R17: the operation each kind of approved change is logged as when it is carried out. */
export const changeOperations = {
  Cancel: Operation.CancelReservation,
  Exchange: Operation.ExchangeReservation,
  Renew: Operation.ChangeAutoRenew,
  Scope: Operation.ChangeScope,
} as const;

export const operationNames: readonly OperationName[] = Object.values(Operation);
