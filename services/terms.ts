import type { Term } from '../data/schemas.ts';

export const termYears: Record<Term, number> = { P1Y: 1, P3Y: 3, P5Y: 5 };

/** "1 year", "3 years". */
export const termLabel = (term: Term) => `${termYears[term]} year${termYears[term] === 1 ? '' : 's'}`;

/** Reads a term as people type it: 1y, 1yr, 1year, 1, P1Y (any case). */
export function parseTerm(word: string): Term | undefined {
  const match = /^p?([135])\s*(y|yr|yrs|year|years)?$/i.exec(word.trim());
  return match ? (`P${match[1]}Y` as Term) : undefined;
}

/** The expiry date of a term starting on `date` (YYYY-MM-DD, UTC): the same day `years` later, 28 February for a 29 February start. */
export const expiryDate = (date: string, term: Term) => addYears(date, termYears[term]);

/** The same day `years` later (or earlier, for a negative number), 28 February when that year has no 29 February. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return new Date(Date.UTC(year, m - 1, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** The day after `date` (YYYY-MM-DD). */
export const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + dayMs).toISOString().slice(0, 10);

/** One UTC day in milliseconds. */
export const dayMs = 86_400_000;

/** Whole UTC days from `from` to `to` (YYYY-MM-DD); negative when `to` is earlier. */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / dayMs);
