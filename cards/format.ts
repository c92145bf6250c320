export { formatTime } from '../services/clock.ts';

const offerNames: Record<string, string> = { azureplan: 'Azure Plan', azureglobal: 'Azure Global' };

export function offerName(offer: string): string {
  const key = offer.toLowerCase();
  return Object.hasOwn(offerNames, key) ? offerNames[key]! : offer;
}

export const onOff = (on: boolean) => (on ? 'On' : 'Off');
export const yesNo = (yes: boolean) => (yes ? 'Yes' : 'No');
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "1 order", "3 orders". */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A subscription as a choice or a fact: "Contoso Production (5a1c…)", or its id when it has no name. */
export const subscriptionTitle = (s: { id: string; name?: string }) => (s.name ? `${s.name} (${s.id})` : s.id);

/** "2026-11-24": the day of an ISO time, in UTC. */
export const formatDate = (iso: string) => iso.slice(0, 10);

/** A FactSet from [title, value] pairs, leaving out pairs without a value. */
export function factSet(facts: [string, string | undefined][]): object {
  return { type: 'FactSet', facts: facts.flatMap(([title, value]) => (value === undefined ? [] : [{ title, value }])) };
}

/** A medium, bold section heading with a separator above it. */
export const sectionHeading = (text: string): object => ({ type: 'TextBlock', text, size: 'Medium', weight: 'Bolder', separator: true, spacing: 'Medium', wrap: true });

/** Small, subtle text: hints and explanations under a section. */
export const note = (text: string): object => ({ type: 'TextBlock', text, wrap: true, isSubtle: true, size: 'Small' });
