import { maxQuantity, refusals } from './refusals.ts';

/** A quantity as typed or sent by a card: a whole number from 1 to maxQuantity, or the refusal that says so. */
export function parseQuantity(input: string | number): number {
  const text = String(input).trim();
  const quantity = Number(text);
  if (!/^\d+$/.test(text) || quantity < 1 || quantity > maxQuantity) throw refusals.invalidQuantity(text);
  return quantity;
}
