import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { JsonConversations } from './jsonConversations.ts';
import { JsonDirectory } from './jsonDirectory.ts';
import { JsonlActivityLog } from './jsonlActivityLog.ts';
import { JsonPurchases } from './jsonPurchases.ts';
import { JsonRequests } from './jsonRequests.ts';
import type { StoreData, StoreInput } from './schemas.ts';
import { StoreFile } from './storeFile.ts';

/** The embedded store: everything but the activity log in `store.json`, and the log in `activity.jsonl`, both under one folder. */
export interface Store {
  directory: JsonDirectory;
  purchases: JsonPurchases;
  conversations: JsonConversations;
  requests: JsonRequests;
  log: JsonlActivityLog;
  /** The whole of `store.json` as held, for checks of what is stored. */
  data(): StoreData;
  /** Waits for writes under way, then releases the files. */
  close(): Promise<void>;
}

export const directoryFile = (dataDir: string) => join(dataDir, 'store.json');
export const logFile = (dataDir: string) => join(dataDir, 'activity.jsonl');

/** Whether the folder already holds a directory (a partner and its customers). */
export function hasDirectory(dataDir: string): boolean {
  return existsSync(directoryFile(dataDir));
}

/** Reads `store.json` without opening the log: what a world import replaces. */
export const readStoreFile = (dataDir: string) => StoreFile.open(directoryFile(dataDir));

/**
 * Opens the store in `dataDir`; with `initial`, writes that first, replacing any store there.
 * Both files are checked before either is changed, so a refused store is left exactly as it was.
 */
export async function openStore(dataDir: string, initial?: StoreInput): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const existing = initial ? undefined : await readStoreFile(dataDir);
  const log = await JsonlActivityLog.open(logFile(dataDir));
  try {
    const file = existing ?? (await StoreFile.create(directoryFile(dataDir), initial!));
    return {
      directory: new JsonDirectory(file),
      purchases: new JsonPurchases(file),
      conversations: new JsonConversations(file),
      requests: new JsonRequests(file),
      log,
      data: () => file.data,
      close: () => log.close(),
    };
  } catch (err) {
    await log.close();
    throw err;
  }
}
