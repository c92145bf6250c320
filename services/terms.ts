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
export function expiryDate(date: string, term: Term): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + termYears[term];
  const lastDay = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return new Date(Date.UTC(year, m - 1, Math.min(d, lastDay))).toISOString().slice(0, 10);
}
