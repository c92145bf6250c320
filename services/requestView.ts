import type { ChangeRequest } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';
import { adminConversations, chatUserId } from './conversations.ts';
import type { RequestView } from './messenger.ts';

/** A change request with what every card about it shows, read from the store as it is now. */
export async function requestView(store: StoreReads, request: ChangeRequest): Promise<RequestView> {
  const [customer, reservation, partner, admins] = await Promise.all([
    store.customer(request.customerId),
    store.reservation(request.reservationId),
    store.partner(),
    adminConversations(store),
  ]);
  return { request, customer: customer!, reservation: reservation!, partnerName: partner.name, approverIds: admins.flatMap((c) => chatUserId(c) ?? []) };
}
