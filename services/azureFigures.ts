import type { ChangeRequest, Reservation } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';
import { catalogOf, findOffer } from './catalog.ts';
import type { ChangePlan } from './changeRules.ts';
import type { AzureReservationIds, CloudMoney } from './microsoftCloud.ts';
import { inUsd, rowOf, unusedValue } from './reservationValue.ts';

/** What Azure did, for the store to record: a cancel's refund; an exchange's figures and (when its answer came) the new reservation's ids. */
export interface DoneInAzure {
  refund?: CloudMoney;
  exchange?: { credit: number; newTotal: number; due: number; currency: string; ids?: AzureReservationIds };
}

/**
 * R17 as Azure carried it out: the approved change with Azure's own figures (its refund, and that refund in USD at the
 * price list's rate; an exchange's credit, new total and amount due), which the Refund or Exchange order records and
 * the customer is told. The days, and the reservations an exchange returned, are the bot's.
 */
export async function azureFigures(reads: StoreReads, request: ChangeRequest, reservation: Reservation, done: DoneInAzure, today: string): Promise<ChangePlan> {
  const { change } = request;
  const { totalDays, remainingDays } = unusedValue(reservation, today);
  switch (change.kind) {
    case 'Cancel': {
      const { amount, currency } = done.refund!;
      const usdRate = rowOf(reservation, (await catalogOf(reads)).prices)?.usdRate;
      const usdValue = inUsd(amount, currency, usdRate);
      return { change, figures: { asOf: today, totalDays, remainingDays, unusedValue: amount, currency, quantity: change.quantity ?? reservation.quantity, ...(usdValue === undefined ? {} : { usdValue }) } };
    }
    case 'Exchange': {
      const { credit, newTotal, due, currency } = done.exchange!;
      const alsoReturned = await Promise.all((change.alsoReturned ?? []).map(async (id) => (await reads.reservation(id))!));
      const offer = findOffer(await catalogOf(reads), change.sku, change.region, change.term);
      return { change, offer, alsoReturned, figures: { asOf: today, totalDays, remainingDays, unusedValue: credit, newTotal, due, currency } };
    }
    default:
      return { change };
  }
}
