import { createHash } from 'node:crypto';

/**
 * A GUID made from names (SHA-1, laid out as an RFC 9562 version 5 UUID): the same names always give the same id, so a
 * request repeated after a timeout or a restart carries the same MS-RequestId as the first one.
 */
export function nameBasedId(...names: readonly string[]): string {
  const bytes = createHash('sha1').update(JSON.stringify(names)).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
