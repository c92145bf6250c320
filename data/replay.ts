import type { LogEntry, StoreData } from './schemas.ts';
import type { StoreChange } from './storeChange.ts';
import { StoreError } from './storeError.ts';
import { Tables } from './tables.ts';

// What opening a store reads back: the state of its snapshot and journal, and the log entries its journal holds.

/** The snapshot's state with the journal's later transactions applied; a journal that does not fit it is refused. */
export function loadTables(file: string, dataDir: string, snapshot: StoreData | undefined, replay: StoreChange[]): Tables {
  let tables: Tables;
  try {
    tables = Tables.load(snapshot);
  } catch (err) {
    throw new StoreError(file, `not a valid store: ${(err as Error).message}. The file was left as it is: fix it, or move it away to start from the demo world.`);
  }
  for (const change of replay) {
    try {
      tables.apply(change);
    } catch (err) {
      throw new StoreError(dataDir, `the journal's transaction ${change.txn} cannot be replayed: ${(err as Error).message}. The journal was left as it is.`);
    }
  }
  return tables;
}

/** Every log entry the journal holds, in order; numbers that do not go up refuse it. */
export function journalLog(dataDir: string, changes: StoreChange[]): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const change of changes) {
    for (const entry of change.log ?? []) {
      const previous = entries[entries.length - 1];
      if (previous && entry.seq <= previous.seq) {
        throw new StoreError(dataDir, `the journal's transaction ${change.txn} has log entry ${entry.seq} after ${previous.seq}. The journal was left as it is.`);
      }
      entries.push(entry);
    }
  }
  return entries;
}
