import type { Change, ChangeKind, Customer } from '../data/schemas.ts';
import { describeScope } from './scope.ts';
import { termLabel } from './terms.ts';

/** What each kind of change is called in messages: "cancel", "exchange", "renewal", "scope change". */
export const changeNames: Record<ChangeKind, string> = { Cancel: 'cancel', Exchange: 'exchange', Renew: 'renewal', Scope: 'scope change' };

/** The change in words, for the log and the cards: "cancel R-1001", "turn auto-renew on for R-1001", ... */
export function describeChange(change: Change, reservationId: string, customer: Customer): string {
  switch (change.kind) {
    case 'Cancel':
      return `cancel ${reservationId}`;
    case 'Exchange':
      return `exchange ${reservationId} for ${change.quantity} × ${change.sku} in ${change.region} for ${termLabel(change.term)}`;
    case 'Renew':
      return `turn auto-renew ${change.autoRenew ? 'on' : 'off'} for ${reservationId}`;
    case 'Scope':
      return `change the scope of ${reservationId} to ${describeScope(customer, change.scope)}`;
  }
}
