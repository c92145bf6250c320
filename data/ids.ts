import type { StoreData } from './schemas.ts';

/** Ids are numbered in the order records are added: O-1001, R-1001, REQ-1001, ... Records are never removed. */
export const nextOrderId = (data: StoreData) => `O-${1001 + data.orders.length}`;
export const nextReservationId = (data: StoreData) => `R-${1001 + data.reservations.length}`;
export const nextRequestId = (data: StoreData) => `REQ-${1001 + data.requests.length}`;
