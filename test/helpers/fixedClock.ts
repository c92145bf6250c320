import type { Clock } from '../../services/clock.ts';

/** A clock that stands still until moved: `clock.set(...)`, `clock.advance(ms)`. */
export function fixedClock(start = '2026-11-24T09:00:00.000Z'): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.set = (iso: string) => {
    now = new Date(iso).getTime();
  };
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}
