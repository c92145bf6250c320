import type { Term } from '../data/schemas.ts';
import { formatTime } from './clock.ts';
import { formatMoney } from './money.ts';
import { termLabel, termYears } from './terms.ts';

/** Field labels where the key split into words would not say it ("enabled" is the purchase permission). */
const labels: Record<string, string> = {
  enabled: 'Permission',
  sku: 'Product',
  webDirectPrice: 'Web Direct price',
  state: 'Request state',
  remainingDays: 'Days unused',
  totalDays: 'Days in the term',
  allowance: 'Refund allowance left',
  allowanceLeftBefore: 'Refund allowance left before',
  due: 'Due beyond the credit',
  from: 'Starts',
  requestLifetimeDays: 'Request expiry',
  refundInUsd: 'Refund in USD',
  returned: 'Units returned',
  renewalPrice: 'Renewal price locked',
  lockedPrice: 'Price locked',
};

/** Fields that are an on/off switch. */
const switches = new Set(['enabled', 'autoRenew', 'purchaseNotifications']);

/** Fields that are an amount of money, in the currency beside them. */
const amounts = new Set(['partnerPrice', 'webDirectPrice', 'unitPrice', 'total', 'amount', 'refund', 'credit', 'due', 'unusedValue', 'newTotal', 'allowance', 'allowanceLeftBefore', 'renewalPrice', 'lockedPrice']);

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * What a log entry's values before and after a change say, in words a partner's admin reads: one line for each
 * field that changed or was set, such as "Permission: Off → On" or "Partner price: USD 600.00 → USD 612.50".
 */
export function changeInWords(before: unknown, after: unknown): string[] {
  const was = fieldsOf(before);
  const now = fieldsOf(after);
  const currency = String(now.currency ?? was.currency ?? '');
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((key) => key !== 'currency');
  return keys.flatMap((key) => {
    const [old, current] = [was, now].map((fields) => (key in fields ? inWords(key, fields[key], currency) : undefined));
    if (old === current) return [];
    return [`${label(key)}: ${old === undefined ? current : `${old} → ${current ?? 'none'}`}`];
  });
}

const fieldsOf = (value: unknown): Record<string, unknown> =>
  value === undefined ? {} : value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };

/** "allowanceLeftBefore" → "Allowance left before", unless it has a label of its own. */
function label(key: string): string {
  const words = Object.hasOwn(labels, key) ? labels[key]! : key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function inWords(key: string, value: unknown, currency: string): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return switches.has(key) ? (value ? 'On' : 'Off') : value ? 'Yes' : 'No';
  if (typeof value === 'number') return amounts.has(key) ? formatMoney(value, currency) : key === 'requestLifetimeDays' ? `${value} days` : String(value);
  if (typeof value === 'string') return key === 'term' && Object.hasOwn(termYears, value) ? termLabel(value as Term) : isoTime.test(value) ? formatTime(value) : value;
  if (Array.isArray(value)) return value.map((v) => inWords(key, v, currency)).join(', ');
  // A record inside the entry (the change asked for, its estimate): its fields in words, in its own currency if it has one.
  const fields = fieldsOf(value);
  const own = String(fields.currency ?? currency);
  return Object.entries(fields)
    .filter(([k]) => k !== 'currency')
    .map(([k, v]) => `${label(k).toLowerCase()} ${inWords(k, v, own)}`)
    .join(', ');
}
