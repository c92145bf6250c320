import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { migrate } from './migrate.ts';
import { PostgresReads, type Run } from './postgresReads.ts';
import { instantText, text } from './postgresRows.ts';
import { DrawnNumbers, PostgresTransaction } from './postgresTransaction.ts';
import type { LogEntry } from './schemas.ts';
import type { LogQuery, LogReads, Store, Transaction } from './store.ts';
import { StoreError } from './storeError.ts';

export interface PostgresOptions {
  /** Connections in this instance's pool (DATABASE_POOL_SIZE, 10). */
  poolSize?: number;
  /** The longest one statement may run before the database cancels it (DATABASE_STATEMENT_TIMEOUT_MS, 10 s). */
  statementTimeoutMs?: number;
  /** The longest a transaction may sit idle before the database ends it (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, 30 s). */
  idleInTransactionTimeoutMs?: number;
  /** The longest a new connection may take (DATABASE_CONNECT_TIMEOUT_MS, 5 s). */
  connectTimeoutMs?: number;
  /** Where a lost connection and its retries are reported: console.warn by default. */
  warn?: (message: string) => void;
}

/** Serialization failure, deadlock: the transaction did nothing and is run again. */
const conflicts = new Set(['40001', '40P01']);
/** The connection or the server went away (admin shutdown, crash, cannot connect, no connection). */
const lostCodes = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const isConflict = (err: unknown) => conflicts.has((err as { code?: string })?.code ?? '');
function isLost(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  return lostCodes.has(code ?? '') || /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message ?? '');
}

const maxConflictAttempts = 30;
/** A lost connection is tried again after 0.25, 0.5 and 1 s before the caller is told. */
const lostRetryDelays = [250, 500, 1000];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the store is, for the start-up line: the URL without its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres (an unreadable DATABASE_URL)';
  }
}

/**
 * Opens the store in the PostgreSQL database at `url` (a postgres:// URL): connects, applies the migrations
 * not yet applied (instances starting together queue on the migrations' lock), and checks it answers.
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<Store> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new StoreError('DATABASE_URL', 'is not a postgres:// URL (for example postgres://bot:secret@db.example:5432/csp_bot)');
  const statementTimeout = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: statementTimeout,
    // A statement the server never answers (a network that went silent) is given up on too.
    query_timeout: statementTimeout + 5_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    keepAlive: true,
    application_name: 'csp-reservations-bot',
  });
  const warn = options.warn ?? ((message: string) => console.warn(message));
  // An idle connection that breaks is dropped from the pool; without a listener, it would end the process.
  pool.on('error', (err) => warn(`PostgreSQL: an idle connection was lost (${err.message}); a new one is made when needed`));
  const location = describeUrl(url);
  try {
    const client = await pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new StoreError(location, `cannot be opened: ${(err as Error).message}`);
  }
  return new PostgresStore(pool, location, warn);
}

/**
 * The store on PostgreSQL, for one bot instance among several. Every transaction is SERIALIZABLE: whatever it
 * read still holds when it commits, or it is rolled back and run again (up to 30 times), so every rule a
 * service checks inside one holds across instances as it does in one process. A lost connection is retried,
 * then reported as a StoreError; an instance never crashes for it.
 */
class PostgresStore extends PostgresReads implements Store {
  readonly log: LogReads;
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private readonly running = new Set<Promise<unknown>>();
  private closing?: Promise<void>;
  /** False from a lost connection until a statement succeeds again: an outage is reported once, and its end. */
  private reachable = true;

  constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    private readonly warn: (message: string) => void,
  ) {
    const run: Run = (sql, params) => this.retryingLost(async () => (await this.usable().query(sql, params as unknown[])).rows);
    super(run, false);
    this.log = {
      query: (query) => queryLog(run, query),
      count: async () => Number((await run('SELECT count(*) AS n FROM activity_log'))[0]!.n),
    };
  }

  /** The database answers a statement (on a connection from the pool). */
  async check(): Promise<void> {
    await this.run('SELECT 1');
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new Error(`the store in ${this.location} is closed`));
    if (this.inTransaction.getStore()) return Promise.reject(new Error('a transaction cannot start another one: it would wait for itself'));
    const running = this.inTransaction.run(true, () => this.attempts(work));
    this.running.add(running);
    void running.catch(() => undefined).finally(() => this.running.delete(running));
    return running;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.running]);
      await this.pool.end();
    })();
    return this.closing;
  }

  /** Runs `work` in a transaction until it commits: again after a conflict with another transaction, or a connection lost before COMMIT. */
  private async attempts<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    let lost = 0;
    const numbers = new DrawnNumbers();
    for (let attempt = 1; ; attempt++) {
      try {
        numbers.rewind();
        return await this.once(work, numbers);
      } catch (err) {
        const { cause, committing } = err as AttemptFailure;
        if (!(err instanceof AttemptFailure)) throw err;
        if (isConflict(cause) && attempt < maxConflictAttempts) {
          // Backs off a little more each time, at random, so that the transactions in conflict do not meet again.
          await pause(Math.random() * Math.min(100, 2 ** attempt));
          continue;
        }
        if (isLost(cause)) this.lost(cause);
        if (isLost(cause) && !committing && lost < lostRetryDelays.length) {
          await pause(lostRetryDelays[lost++]!);
          continue;
        }
        throw this.reported(cause, committing);
      }
    }
  }

  /**
   * One attempt: BEGIN, the work, COMMIT on one connection, with the numbers earlier attempts drew. A failure is
   * wrapped to say whether COMMIT had been sent.
   */
  private async once<T>(work: (tx: Transaction) => Promise<T>, numbers: DrawnNumbers): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.usable().connect();
    } catch (err) {
      throw new AttemptFailure(err, false);
    }
    let ended = false;
    let failed: unknown;
    // The server may end a connection while it is checked out (idle too long in a transaction, shut down): the
    // statement under way fails with it, and the event must not end the process.
    const onError = (err: Error) => (failed ??= err);
    client.on('error', onError);
    let committing = false;
    // One connection runs one statement at a time: statements asked for together (reads in a Promise.all) are sent
    // one after another, not queued inside pg, which warns of it and will refuse it (pg@9).
    let queue: Promise<unknown> = Promise.resolve();
    const run: Run = (sql, params) => {
      const statement = queue.then(async () => {
        if (ended) throw new Error('this transaction has ended: its reads and writes are over');
        // After a failed statement PostgreSQL refuses the rest: the first failure is what the work is told again.
        if (failed) throw failed;
        try {
          return (await client.query(sql, params as unknown[])).rows;
        } catch (err) {
          failed ??= err;
          throw err;
        }
      });
      queue = statement.catch(() => undefined);
      return statement;
    };
    let broken = false;
    try {
      await run('BEGIN ISOLATION LEVEL SERIALIZABLE');
      let result: T;
      try {
        result = await work(new PostgresTransaction(run, numbers));
      } finally {
        ended = true;
      }
      // Work that caught a failed statement and went on: nothing it wrote is kept.
      if (failed) throw failed;
      committing = true;
      await client.query('COMMIT');
      this.answered();
      return result;
    } catch (err) {
      // A statement of work that failed early (one of a Promise.all) may still be under way.
      await queue;
      if (!committing) await client.query('ROLLBACK').catch(() => (broken = true));
      else broken = true;
      // A conflict or a lost connection anywhere in the attempt decides what happens, whatever the work made of it.
      const cause = isConflict(failed) || isLost(failed) ? failed : err;
      throw isConflict(cause) || isLost(cause) ? new AttemptFailure(cause, committing) : err;
    } finally {
      client.off('error', onError);
      client.release(broken || isLost(failed));
    }
  }

  /** Runs a read again after a lost connection, then reports it. */
  private async retryingLost<T>(read: () => Promise<T>): Promise<T> {
    for (let lost = 0; ; lost++) {
      try {
        const found = await read();
        this.answered();
        return found;
      } catch (err) {
        if (!isLost(err)) throw err;
        this.lost(err);
        if (this.closing || lost >= lostRetryDelays.length) throw this.reported(err, false);
        await pause(lostRetryDelays[lost]!);
      }
    }
  }

  private lost(err: unknown): void {
    if (!this.reachable) return;
    this.reachable = false;
    this.warn(`PostgreSQL: the connection was lost (${(err as Error).message}); reads and transactions are tried again for a few seconds, then refused until it answers`);
  }

  private answered(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.warn('PostgreSQL: the database answers again');
  }

  /** The error a caller is told about a lost connection or endless conflicts; anything else as it was. */
  private reported(cause: unknown, committing: boolean): unknown {
    if (isLost(cause)) {
      const message = committing
        ? `the connection was lost while the change was being committed: it may or may not have been kept (${(cause as Error).message})`
        : `the database cannot be reached (${(cause as Error).message})`;
      return new StoreError(this.location, message);
    }
    if (isConflict(cause)) return new StoreError(this.location, `too many transactions changed the same records at once; try again (${(cause as Error).message})`);
    return cause;
  }

  private usable(): pg.Pool {
    if (this.closing) throw new Error(`the store in ${this.location} is closed`);
    return this.pool;
  }
}

/** A failed attempt at a transaction that may be run again: why, and whether COMMIT had been sent. */
class AttemptFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly committing: boolean,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

/** R19: the newest log entries that match, newest first, each filter served by its index. */
async function queryLog(run: Run, query: LogQuery): Promise<LogEntry[]> {
  const limit = Math.floor(query.limit);
  if (!(limit > 0) || Number.isNaN(query.beforeSeq) || query.customerIds?.length === 0 || query.operations?.length === 0) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.customerIds) where.push(query.customerIds.length === 1 ? `customer_id = ${param(text(query.customerIds[0]!))}` : `customer_id = ANY(${param(query.customerIds.map(text))}::text[])`);
  if (query.operations) where.push(query.operations.length === 1 ? `operation = ${param(text(query.operations[0]!))}` : `operation = ANY(${param(query.operations.map(text))}::text[])`);
  if (query.actorId !== undefined) where.push(`actor_id = ${param(text(query.actorId))}`);
  if (query.from !== undefined) where.push(`at >= ${param(logTime('from', query.from))}`);
  if (query.to !== undefined) where.push(`at < ${param(logTime('to', query.to))}`);
  if (query.beforeSeq !== undefined) where.push(`seq < ${param(String(Math.min(Math.max(Math.ceil(query.beforeSeq), 0), Number.MAX_SAFE_INTEGER)))}`);
  const rows = await run(`SELECT seq, entry FROM activity_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ${param(Math.min(limit, 1e9))}`, params);
  return rows.map((row) => ({ seq: Number(row.seq), ...(row.entry as Omit<LogEntry, 'seq'>) }));
}

function logTime(name: string, value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`the log query's ${name} is not a time: ${JSON.stringify(value)}`);
  return instantText(time);
}
