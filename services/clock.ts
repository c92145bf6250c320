/** Where services get the time from; tests pass a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** "2026-11-24": the UTC day of a time (R17 counts time in whole UTC days). */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** "2026-11-24 14:03 UTC": times are stored in UTC and shown in UTC so that every reader sees the same. */
export const formatTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
