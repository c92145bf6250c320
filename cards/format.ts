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
