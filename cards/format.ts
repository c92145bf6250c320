/** "2026-11-24 14:03 UTC": times are stored in UTC and shown in UTC so that every reader sees the same. */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const offerNames: Record<string, string> = { azureplan: 'Azure Plan', azureglobal: 'Azure Global' };

export function offerName(offer: string): string {
  const key = offer.toLowerCase();
  return Object.hasOwn(offerNames, key) ? offerNames[key]! : offer;
}

export const onOff = (on: boolean) => (on ? 'On' : 'Off');
export const yesNo = (yes: boolean) => (yes ? 'Yes' : 'No');
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

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
