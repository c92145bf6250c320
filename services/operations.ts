/** Activity-log operation names. The permission ones are Partner Center's own (R6). */
export const Operation = {
  CreateCustomerPurchasePermissions: 'Create Customer Purchase Permissions',
  DeleteCustomerPurchasePermissions: 'Delete Customer Purchase Permissions',
  LoadPartnerDirectory: 'Load Partner Directory',
  PurchaseReservation: 'Purchase Azure Reservation',
  SetPartnerPrice: 'Set Partner Price',
  ChangePartnerSettings: 'Change Partner Settings',
  /** A card click refused before it reached any other operation (unknown button, wrong role, forged data). */
  CardAction: 'Card Action',
} as const;

export type OperationName = (typeof Operation)[keyof typeof Operation];

export const operationNames: readonly OperationName[] = Object.values(Operation);
