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
  fingerprint ??= digest(`snapshot check 2 (ASCII)\n${JSON.stringify(z.toJSONSchema(storeSchema, { io: 'input', unrepresentable: 'any' }))}`);
  return fingerprint;
}

/**
 * SHA-1, measured the fastest of node's digests here (120 MB in about 70 ms, SHA-256 three times that). It tells a
 * file the store wrote from one changed since, by accident or by hand; it is no defence against someone who can
 * write the folder, who could write the check too.
 */
const digest = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

/** Beside store.json: the SHA-1 of the bytes the store last wrote there, and the schemas their records were checked by. */
export const checkFile = (file: string) => `${file}.check`;

interface SnapshotCheck {
  sha1: string;
  bytes: number;
  schema: string;
}

/**
 * Reads `store.json`, or undefined if there is none, and says whether it is to be written again. A file that is not
 * JSON or not a valid store is refused with a StoreError and left as it is.
 *
 * Checking 10,000 customers and 200,000 records with zod takes over a second, so they are checked only when the
 * file is not byte for byte the one the store wrote: the store checks every record with its schema (and a
 * customer or price with the directory's rules) when it is written (save*, replaceDirectory, journal replay), and
 * keeps beside the file the SHA-1 of the bytes it wrote and a fingerprint of the schemas. If both match, the
 * rest (partner, settings, products, prices, the price rows' products) is still checked with the schemas and the
 * long lists are taken as they are; any other file (hand-edited, damaged, older, written by another version of
 * the schemas) is checked whole, as before.
 */
export async function readSnapshot(file: string): Promise<{ data: StoreData; rewrite: boolean } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const check = await readCheck(file);
  if (check?.bytes === bytes.length && check.schema === schemaFingerprint()) {
    // What the store writes is ASCII (see asciiJson), which decodes and parses faster than UTF-8 text.
    const raw = parseJson(file, bytes.toString('ascii'));
    if (check.sha1 === digest(bytes) && isObject(raw) && longLists.every((name) => Array.isArray(raw[name]))) {
      const parsed = storeSchema.safeParse({ ...raw, ...Object.fromEntries(longLists.map((name) => [name, []])) });
      if (parsed.success) return { data: { ...parsed.data, ...Object.fromEntries(longLists.map((name) => [name, raw[name]])) } as StoreData, rewrite: false };
    }
  }
  const raw = parseJson(file, bytes.toString('utf8'));
  const parsed = storeSchema.safeParse(raw);
  if (!parsed.success) throw new StoreError(file, `not a valid store. ${LEFT}\n${describeIssues(parsed.error)}`);
  // One of this version the store did not write as it is (by hand, by a tool) is written again at close, with its check,
  // so that the next start need not check it whole; an older version's is written back only once something changes.
  return { data: parsed.data, rewrite: isObject(raw) && raw.schemaVersion === 3 };
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StoreError(file, `not valid JSON (${(err as Error).message}). ${LEFT}`);
  }
}

/** JSON with every character past ASCII written as a \u escape: the same data, in a text that is one byte a character. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
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
      const text = asciiJson(value);
      check = { sha1: digest(text), bytes: Buffer.byteLength(text), schema: schemaFingerprint() };
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
  await writeFile(checkFile(file), JSON.stringify(check));
}

async function readCheck(file: string): Promise<Partial<SnapshotCheck> | undefined> {
  try {
    return JSON.parse(await readFile(checkFile(file), 'utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
