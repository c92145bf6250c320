import type { LogEntry } from '../../data/schemas.ts';

const columns: [string, (e: LogEntry) => unknown][] = [
  ['seq', (e) => e.seq],
  ['at', (e) => e.at],
  ['tenantId', (e) => e.actor.tenantId],
  ['userId', (e) => e.actor.userId],
  ['person', (e) => e.actor.name],
  ['role', (e) => e.actor.role],
  ['operation', (e) => e.operation],
  ['customerId', (e) => e.customerId],
  ['customer', (e) => e.customerName],
  ['target', (e) => e.target],
  ['outcome', (e) => e.outcome],
  ['reasonCode', (e) => e.reason?.code],
  ['reason', (e) => e.reason?.message],
  ['before', (e) => (e.before === undefined ? undefined : JSON.stringify(e.before))],
  ['after', (e) => (e.after === undefined ? undefined : JSON.stringify(e.after))],
];

/** Excel reads a CSV without a byte-order mark in the system's legacy code page, and garbles "×" and "→". */
const utf8ByteOrderMark = '\uFEFF';

/** R19's export: one row per entry (RFC 4180), with a header row, after a UTF-8 byte-order mark. */
export function logCsv(entries: readonly LogEntry[]): string {
  const rows = [columns.map(([name]) => name), ...entries.map((e) => columns.map(([, value]) => field(value(e))))];
  return utf8ByteOrderMark + rows.map((row) => row.join(',')).join('\r\n') + '\r\n';
}

/** Quotes what needs it, and defuses text a spreadsheet would run as a formula (a name such as "=HYPERLINK(...)"). */
function field(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
