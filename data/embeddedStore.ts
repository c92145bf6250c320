import { existsSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ActivityFile } from './activityFile.ts';
import { Journal } from './journal.ts';
import { Overlay } from './overlay.ts';
import { journalLog, loadTables } from './replay.ts';
import type { LogEntry, StoreData } from './schemas.ts';
import { readSnapshot, writeSnapshot } from './snapshot.ts';
import type { LogQuery, LogReads, Store, Transaction } from './store.ts';
import { StoreError } from './storeError.ts';
import { StoreLock } from './storeLock.ts';
import { StoreTransaction } from './storeTransaction.ts';
import { StoreView } from './storeView.ts';
import type { Tables } from './tables.ts';

export interface EmbeddedStoreOptions {
  /** Where warnings go (a torn journal line cut, a stale lock taken over): console.warn by default. */
  warn?: (message: string) => void;
  /** A snapshot is written in the background once the journal holds this many bytes (32 MiB) … */
  snapshotBytes?: number;
  /** … or this many transactions since the last snapshot (20,000). */
  snapshotTransactions?: number;
}

export const storeFile = (dataDir: string) => join(dataDir, 'store.json');
export const activityFile = (dataDir: string) => join(dataDir, 'activity.jsonl');

/**
 * Opens the embedded store in `dataDir` (created if need be; a folder without a store is an empty store).
 * Refused with a StoreError, leaving every file as it is, if another process has it open or its files are not
 * valid.
 */
export async function openStore(dataDir: string, options: EmbeddedStoreOptions = {}): Promise<Store> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  await mkdir(dataDir, { recursive: true });
  const lock = await StoreLock.take(dataDir, warn);
  try {
    return await EmbeddedStore.open(dataDir, lock, warn, options);
  } catch (err) {
    await lock.release().catch(() => undefined);
    throw err;
  }
}

/**
 * What an embedded store open in this process holds, for a copy elsewhere (data/copyToPostgres.ts): its committed
 * state as store.json would hold it (undefined while it has no directory), and its log file, which then holds
 * every log entry committed. Read while no transaction runs; the records are shared, not copied.
 */
export function committedState(store: Store): { data: StoreData | undefined; logFile: string } {
  if (!(store instanceof EmbeddedStore)) throw new TypeError('not an embedded store');
  return store.committedState();
}

/** Runs jobs one at a time, in the order they came. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface Status {
  closing: boolean;
  closed: boolean;
}

/**
 * The embedded store. The committed state is in memory (Tables); a transaction writes to its own overlay, and
 * commits, one at a time, as one line of the journal flushed to disk, then applied to the tables in one
 * synchronous step, its log entries appended to activity.jsonl. `store.json` is a snapshot, written in the
 * background when the journal has grown, and at close; at open it is read and the journal after it replayed.
 */
class EmbeddedStore extends StoreView implements Store {
  readonly log: LogReads;
  private readonly queue = new Queue();
  /** The transaction the running code is part of, while it runs: a transaction started from within one would wait for itself. */
  private readonly inTransaction = new AsyncLocalStorage<{ running: boolean }>();
  /** Log entries committed but not yet in the ActivityFile (its append failed): written again before a snapshot drops the journal. */
  private unlogged: LogEntry[] = [];
  private snapshotting?: Promise<void>;
  private snapshotRetryAt = 0;
  private closing?: Promise<void>;

  private constructor(
    readonly location: string,
    tables: Tables,
    private readonly status: Status,
    private readonly lock: StoreLock,
    private readonly journal: Journal,
    private readonly activity: ActivityFile,
    /** The last transaction committed, the last store.json holds, and the last log entry's number. */
    private txn: number,
    private snapshotTxn: number,
    private lastSeq: number,
    private readonly warn: (message: string) => void,
    private readonly limits: { bytes: number; transactions: number },
  ) {
    super(tables, undefined, () => {
      if (status.closed) throw new Error(`the store in ${location} is closed`);
    });
    this.log = {
      query: (query: LogQuery) => this.read(() => undefined, false).then(() => activity.query(query)),
      count: () => this.read(() => activity.count(), false),
    };
  }

  static async open(dataDir: string, lock: StoreLock, warn: (message: string) => void, options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
    const file = storeFile(dataDir);
    // A log there is read (with its index) while the snapshot is parsed; a new one is made only once the rest is found sound.
    const opening = existsSync(activityFile(dataDir)) ? ActivityFile.open(activityFile(dataDir), warn) : undefined;
    opening?.catch(() => undefined);
    let journal: Journal | undefined;
    try {
      const read = await readSnapshot(file);
      const snapshot = read?.data;
      const committed = snapshot?.committed ?? 0;
      const opened = await Journal.open(dataDir);
      journal = opened.journal;
      const { changes, torn } = opened;
      const first = changes[0];
      if (!snapshot && first && first.txn !== 1) {
        throw new StoreError(file, `does not exist, but the journal starts at transaction ${first.txn}: the snapshot holding the ones before is missing. The journal was left as it is.`);
      }
      const replay = changes.filter((c) => c.txn > committed);
      if (replay[0] && replay[0].txn !== committed + 1) {
        throw new StoreError(file, `holds transactions up to ${committed}, but the journal goes on from ${replay[0].txn}: transactions are missing. The files were left as they are.`);
      }
      const tables = loadTables(file, dataDir, snapshot, replay);
      const logged = journalLog(dataDir, changes);
      const activity = await (opening ?? ActivityFile.open(activityFile(dataDir), warn));
      // A crash between a journal line's flush and its log entries' write: the journal has them.
      const missing = logged.filter((e) => e.seq > activity.lastSeq());
      if (missing.length) {
        await activity.append(missing);
        await activity.sync();
        warn(`${activityFile(dataDir)}: wrote ${missing.length} log entr${missing.length === 1 ? 'y' : 'ies'} from the journal that an interrupted write had left out`);
      }
      if (torn) await journal.cut(torn, warn);
      const txn = Math.max(committed, changes[changes.length - 1]?.txn ?? 0);
      journal.continueAt(txn + 1);
      const lastSeq = Math.max(activity.lastSeq(), logged[logged.length - 1]?.seq ?? 0);
      const limits = { bytes: options.snapshotBytes ?? 32 * 1024 * 1024, transactions: options.snapshotTransactions ?? 20_000 };
      // A snapshot to write again (see readSnapshot) counts as older than every transaction: close() writes it.
      const snapshotTxn = read?.rewrite ? -1 : committed;
      return new EmbeddedStore(dataDir, tables, { closing: false, closed: false }, lock, journal, activity, txn, snapshotTxn, lastSeq, warn, limits);
    } catch (err) {
      await opening?.then((activity) => activity.close()).catch(() => undefined);
      await journal?.close();
      throw err;
    }
  }

  committedState(): { data: StoreData | undefined; logFile: string } {
    if (this.status.closing) throw new Error(`the store in ${this.location} is closed`);
    if (this.unlogged.length) throw new Error(`${activityFile(this.location)}: ${this.unlogged.length} log entries committed are not in it yet`);
    return { data: this.tables.directory ? this.tables.snapshot(this.txn) : undefined, logFile: activityFile(this.location) };
  }

  /** In this process, usable until it is closed. */
  check(): Promise<void> {
    return this.status.closing ? Promise.reject(new Error(`the store in ${this.location} is closed`)) : Promise.resolve();
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.status.closing) return Promise.reject(new Error(`the store in ${this.location} is closed`));
    if (this.inTransaction.getStore()?.running) return Promise.reject(new Error('a transaction cannot start another one: it would wait for itself'));
    return this.queue.run(async () => {
      const context = { running: true };
      try {
        return await this.inTransaction.run(context, () => this.commit(work));
      } finally {
        context.running = false;
      }
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async commit<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const overlay = new Overlay();
    let ended = false;
    const tx = new StoreTransaction(this.tables, overlay, this.lastSeq + 1, () => {
      if (ended) throw new Error('this transaction has ended: its reads and writes are over');
      if (this.status.closed) throw new Error(`the store in ${this.location} is closed`);
    });
    let result: T;
    try {
      result = await work(tx);
    } finally {
      ended = true;
    }
    if (overlay.isEmpty()) return result;
    const change = overlay.toChange(this.txn + 1);
    this.tables.check(change);
    await this.journal.append(change);
    // Durable from here on: applied at once, so that no read sees half of it.
    this.tables.apply(change);
    this.txn = change.txn;
    if (change.log?.length) {
      this.lastSeq = change.log[change.log.length - 1]!.seq;
      this.unlogged.push(...change.log);
    }
    await this.writeLog();
    this.snapshotIfDue();
    return result;
  }

  /** Appends the committed log entries the ActivityFile does not have yet; if that fails, they stay in the journal and are tried again. */
  private async writeLog(): Promise<void> {
    if (!this.unlogged.length) return;
    try {
      await this.activity.append(this.unlogged.filter((e) => e.seq > this.activity.lastSeq()));
      this.unlogged = [];
    } catch (err) {
      this.warn(`${activityFile(this.location)}: ${this.unlogged.length} log entries could not be written (${(err as Error).message}); the journal keeps them, and they are written again`);
    }
  }

  private snapshotIfDue(): void {
    if (this.snapshotting || !this.tables.directory || Date.now() < this.snapshotRetryAt) return;
    if (this.txn - this.snapshotTxn < this.limits.transactions && this.journal.bytes < this.limits.bytes) return;
    this.snapshotting = this.snapshot()
      .catch((err: Error) => {
        this.snapshotRetryAt = Date.now() + 60_000;
        this.warn(`${storeFile(this.location)}: the snapshot could not be written (${err.message}); the journal keeps everything, and it is tried again in a minute`);
      })
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  /**
   * Writes the committed state as store.json, then drops the journal segments it holds. The state is taken and
   * the journal rotated at once (between two commits), so the snapshot holds exactly the transactions up to now.
   */
  private async snapshot(): Promise<void> {
    const committed = await this.writeSnapshot();
    await this.queue.run(() => this.dropJournalThrough(committed));
  }

  private async writeSnapshot(): Promise<number> {
    const committed = this.txn;
    const data = this.tables.snapshot(committed);
    this.journal.rotate();
    // Written once the transaction that made it due has resolved: its answer does not wait for the text.
    await new Promise((resolve) => setImmediate(resolve));
    await writeSnapshot(storeFile(this.location), data);
    this.snapshotTxn = committed;
    return committed;
  }

  /** Deletes the journal segments a snapshot on disk holds, once their log entries are flushed in the ActivityFile and its index saved. */
  private async dropJournalThrough(txn: number): Promise<void> {
    await this.writeLog();
    if (this.unlogged.length) throw new Error('log entries are not yet in the activity log');
    await this.activity.sync();
    await this.activity.saveIndex();
    await this.journal.dropThrough(txn);
  }

  /** Waits for the transactions under way and a snapshot being written, writes the last snapshot, closes the log (synced, index saved), then drops the journal it holds. */
  private async shutDown(): Promise<void> {
    this.status.closing = true;
    await this.queue.run(async () => undefined);
    await this.snapshotting;
    let failure: unknown;
    const attempt = async (step: () => Promise<void>) => {
      try {
        await step();
      } catch (err) {
        failure ??= err;
      }
    };
    await attempt(async () => {
      if (this.tables.directory && this.txn > this.snapshotTxn) await this.writeSnapshot();
      await this.writeLog();
    });
    await attempt(() => this.journal.close());
    await attempt(() => this.activity.close());
    if (!failure && !this.unlogged.length && this.tables.directory) await attempt(() => this.journal.dropThrough(this.snapshotTxn));
    await attempt(() => this.lock.release());
    this.status.closed = true;
    if (failure) throw failure;
  }
}
