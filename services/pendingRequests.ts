import type { ChangeRequest } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';

/** The reservations a request names: the one it is about, and the others an exchange returns with it (R17). */
export const reservationsNamed = (request: ChangeRequest): string[] => [request.reservationId, ...(request.change.kind === 'Exchange' ? (request.change.alsoReturned ?? []) : [])];

/**
 * R15: the customer's pending requests by each reservation they name, leaving out those about `except` (the request
 * being decided is about its own reservation). A reservation is named by at most one pending request.
 */
export async function pendingByReservation(reads: StoreReads, customerId: string, except?: string): Promise<Map<string, ChangeRequest>> {
  const pending = (await reads.requests(customerId)).filter((r) => r.state === 'Pending' && r.reservationId !== except);
  return new Map(pending.flatMap((r) => reservationsNamed(r).map((id) => [id, r] as const)));
}
