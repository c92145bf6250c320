/** Where services get the time from; tests pass a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
