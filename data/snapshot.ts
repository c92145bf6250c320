import { createHash } from 'node:crypto';
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { describeIssues } from './describeIssues.ts';
import { syncFolder } from './journal.ts';
import { storeSchema, type StoreData } from './schemas.ts';
import { StoreError } from './storeError.ts';

const LEFT = 'The file was left as it is: fix it, or move it away to start from the demo world.';

/** The long lists of a snapshot: the part a snapshot found byte for byte as the store wrote it is not checked again. */
const longLists = ['customers', 'reservations', 'orders', 'quotes', 'conversations', 'requests', 'deliveries'] as const;

/**
 * What the store's schemas accept, as a fingerprint: a snapshot the store wrote is trusted without checking
 * its records again only while the schemas are the ones it was checked by.
 */
let fingerprint: string | undefined;
function schemaFingerprint(): string {
  fingerprint ??= digest(`snapshot check 1\n${JSON.stringify(z.toJSONSchema(storeSchema, { io: 'input', unrepresentable: 'any' }))}`);
  return fingerprint;
}

/** SHA-256: the fastest of node's digests where the CPU has SHA instructions (150 MB in about 0.1 s). */
const digest = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Beside store.json: the SHA-256 of the bytes the store last wrote there, and the schemas their records were checked by. */
export const checkFile = (file: string) => `${file}.check`;

interface SnapshotCheck {
  sha256: string;
  bytes: number;
  schema: string;
}

/**
 * Reads `store.json`, or undefined if there is none. A file that is not JSON or not a valid store is refused
 * with a StoreError and left as it is.
 *
 * Checking 10,000 customers and 200,000 records with zod takes over a second, so they are checked only when the
 * file is not byte for byte the one the store wrote: the store checks every record with its schema (and a
 * customer or price with the directory's rules) when it is written (save*, replaceDirectory, journal replay), and
 * keeps beside the file the SHA-256 of the bytes it wrote (or, for a file of this version it found and checked
 * whole, of the bytes it checked) and a fingerprint of the schemas. If both match, the
 * rest (partner, settings, products, prices, the price rows' products) is still checked with the schemas and the
 * long lists are taken as they are; any other file (hand-edited, damaged, older, written by another version of
 * the schemas) is checked whole, as before.
 */
export async function readSnapshot(file: string): Promise<StoreData | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const trusted = await matchesCheck(file, bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new StoreError(file, `not valid JSON (${(err as Error).message}). ${LEFT}`);
  }
  if (trusted && isObject(raw) && longLists.every((name) => Array.isArray(raw[name]))) {
    const parsed = storeSchema.safeParse({ ...raw, ...Object.fromEntries(longLists.map((name) => [name, []])) });
    if (parsed.success) return { ...parsed.data, ...Object.fromEntries(longLists.map((name) => [name, raw[name]])) } as StoreData;
  }
  const parsed = storeSchema.safeParse(raw);
  if (!parsed.success) throw new StoreError(file, `not a valid store. ${LEFT}\n${describeIssues(parsed.error)}`);
  // Checked whole and already of this version (no upgrade to apply to its records): the next start need not check it again.
  if (isObject(raw) && raw.schemaVersion === 3) await writeCheck(file, { sha256: digest(bytes), bytes: bytes.length, schema: schemaFingerprint() });
  return parsed.data;
}

/**
 * Writes the snapshot through lowdb (its DataFile adapter: the text is written to a temporary file and renamed),
 * as compact JSON: at 10,000 customers the indented text lowdb's JSONFile writes costs half a second more to read.
 * lowdb does not flush, so it writes `store.json.next`, which is flushed and only then renamed over `store.json`, and the folder flushed: a crash at any moment leaves the old
 * snapshot or the new one, each whole. Then the check beside it is written.
 */
export async function writeSnapshot(file: string, data: StoreData): Promise<void> {
  const staging = `${file}.next`;
  let check: SnapshotCheck | undefined;
  const adapter = new DataFile<StoreData>(staging, {
    parse: JSON.parse,
    stringify: (value) => {
      const text = JSON.stringify(value);
      check = { sha256: digest(text), bytes: Buffer.byteLength(text), schema: schemaFingerprint() };
      return text;
    },
  });
  await adapter.write(data);
  const handle = await open(staging, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(staging, file);
  await syncFolder(dirname(file));
  await writeCheck(file, check!);
}

const writeCheck = (file: string, check: SnapshotCheck) => writeFile(checkFile(file), JSON.stringify(check));

async function matchesCheck(file: string, bytes: Buffer): Promise<boolean> {
  let check: Partial<SnapshotCheck>;
  try {
    check = JSON.parse(await readFile(checkFile(file), 'utf8'));
  } catch {
    return false;
  }
  return check?.bytes === bytes.length && check.schema === schemaFingerprint() && check.sha256 === digest(bytes);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
