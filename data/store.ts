import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { JsonDirectory } from './jsonDirectory.ts';
import { JsonlActivityLog } from './jsonlActivityLog.ts';
import type { StoreData } from './schemas.ts';

/** The embedded store: the directory in `store.json` and the activity log in `activity.jsonl`, both under one folder. */
export interface Store {
  directory: JsonDirectory;
  log: JsonlActivityLog;
  /** Waits for writes under way, then releases the files. */
  close(): Promise<void>;
}

export const directoryFile = (dataDir: string) => join(dataDir, 'store.json');
export const logFile = (dataDir: string) => join(dataDir, 'activity.jsonl');

/** Whether the folder already holds a directory (a partner and its customers). */
export function hasDirectory(dataDir: string): boolean {
  return existsSync(directoryFile(dataDir));
}

/**
 * Opens the store in `dataDir`; with `initial`, writes that directory first, replacing any there.
 * Both files are checked before either is changed, so a refused store is left exactly as it was.
 */
export async function openStore(dataDir: string, initial?: StoreData): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const existing = initial ? undefined : await JsonDirectory.open(directoryFile(dataDir));
  const log = await JsonlActivityLog.open(logFile(dataDir));
  try {
    const directory = existing ?? (await JsonDirectory.create(directoryFile(dataDir), initial!));
    return { directory, log, close: () => log.close() };
  } catch (err) {
    await log.close();
    throw err;
  }
}
