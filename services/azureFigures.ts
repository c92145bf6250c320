import type { ChangeRequest, Reservation } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';
import { catalogOf, findOffer } from './catalog.ts';
import type { ChangePlan } from './changeRules.ts';
import type { AzureReservationIds, CloudMoney } from './microsoftCloud.ts';
import { unusedValue } from './reservationValue.ts';

/** What Azure did, for the store to record: a cancel's refund; an exchange's figures and (when its answer came) the new reservation's ids. */
export interface DoneInAzure {
  refund?: CloudMoney;
  exchange?: { credit: number; newTotal: number; due: number; currency: string; ids?: AzureReservationIds };
}

/**
 * R17 as Azure carried it out: the approved change with Azure's own figures (its refund; an exchange's credit, new
 * total and amount due), which the Refund or Exchange order records and the customer is told. The days are the bot's.
 */
export async function azureFigures(reads: StoreReads, request: ChangeRequest, reservation: Reservation, done: DoneInAzure, today: string): Promise<ChangePlan> {
  const { change } = request;
  const days = unusedValue(reservation, today);
  switch (change.kind) {
    case 'Cancel':
      return { change, figures: { ...days, unusedValue: done.refund!.amount, currency: done.refund!.currency } };
    case 'Exchange': {
      const { credit, newTotal, due, currency } = done.exchange!;
      return { change, offer: findOffer(await catalogOf(reads), change.sku, change.region, change.term), figures: { ...days, unusedValue: credit, newTotal, due, currency } };
    }
    default:
      return { change };
  }
}
