import type { Reservation } from '../data/schemas.ts';

/** Whether a reservation can still be changed on `today` (R17): active and not yet expired. */
export const isChangeable = (reservation: Reservation, today: string) => reservation.status === 'Active' && reservation.expiresOn > today;
