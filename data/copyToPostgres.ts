import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { describeIssues } from './describeIssues.ts';
import { committedState, openStore, storeFile } from './embeddedStore.ts';
import { migrate } from './migrate.ts';
import { customerColumns, logColumns, priceColumns, productColumns, rowSpecs, text } from './postgresRows.ts';
import { describeUrl } from './postgresStore.ts';
import { sequences } from './postgresTransaction.ts';
import { logEntrySchema, type StoreData } from './schemas.ts';
import { numbering } from './storeChange.ts';
import { StoreError } from './storeError.ts';
import { tableNames, type TableName } from './tableSpecs.ts';

/** Every table of the PostgreSQL store that holds data: the copy goes only into a database where all are empty. */
const dataTables = ['partner', 'settings', 'products', 'prices', 'customers', 'reservations', 'orders', 'quotes', 'conversations', 'requests', 'deliveries', 'activity_log'] as const;

/** Rows sent in one statement, as one JSON array parameter (a few MB). */
const BATCH_ROWS = 5_000;

export interface CopyCounts {
  agents: number;
  products: number;
  prices: number;
  customers: number;
  reservations: number;
  orders: number;
  quotes: number;
  conversations: number;
  requests: number;
  deliveries: number;
  logEntries: number;
}

export interface CopyReport {
  /** The folder copied, and the database it went to (its URL without the password). */
  from: string;
  to: string;
  counts: CopyCounts;
  /** The last log entry's number (0 for an empty log): the database's next entry gets a higher one. */
  lastSeq: number;
  ms: number;
}

/** A copy that was not made, and why; nothing was changed anywhere. */
export class CopyRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefused';
  }
}

export interface CopyOptions {
  /** Where warnings go (the embedded store's: a stale lock taken over, a torn journal line cut; a VACUUM after the copy that failed): console.warn by default. */
  warn?: (message: string) => void;
}

/**
 * Copies the embedded store in `dataDir` into the PostgreSQL database at `url`, whole, in one transaction: the
 * directory, settings, every record of every table with its id and in the order it was added, and every log
 * entry with its number, time and fields. The database's migrations are applied first; a database that holds
 * anything is refused. The store is opened as the bot opens it (its journal replayed), so a folder a running bot
 * holds is refused too. Afterwards each sequence is past the highest number copied, so that a record or log
 * entry added later never takes a copied one's id.
 */
export async function copyToPostgres(dataDir: string, url: string, options: CopyOptions = {}): Promise<CopyReport> {
  const started = performance.now();
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const to = describeUrl(url);
  if (!holdsStore(dataDir)) throw new CopyRefused(`${dataDir} holds no embedded store (no store.json, no journal): nothing to copy`);
  const client = new pg.Client({ connectionString: url, application_name: 'csp-reservations-bot copy' });
  // A connection that breaks fails the statement under way; without a listener, the event would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new StoreError(to, `cannot be reached: ${(err as Error).message}`);
  }
  try {
    await migrate(client);
    // Checked before the store is read (that takes seconds for a large one), and again inside the transaction.
    await refuseUnlessEmpty(client, to);
    const store = await openStore(dataDir, { warn });
    try {
      const { data, logFile } = committedState(store);
      if (!data) throw new CopyRefused(`${dataDir} holds a store without a directory (no partner and customers): nothing to copy`);
      const copied = await inOneTransaction(client, async () => {
        await refuseUnlessEmpty(client, to);
        const { counts, positions } = await copyState(client, data);
        const { logEntries, lastSeq } = await copyLog(client, logFile);
        await advanceSequences(client, data, positions, lastSeq);
        return { counts: { ...counts, logEntries }, lastSeq };
      });
      // Tables filled at once have no statistics until autovacuum gets to them, a minute or more later, and then it
      // reads them whole: until then the planner guesses for the bot's first queries, and the bot's first reads of
      // each page write its hint bits. VACUUM (ANALYZE) does both now, once.
      await client.query(`VACUUM (ANALYZE) ${dataTables.join(', ')}`).catch((err: Error) => warn(`${to}: copied, but VACUUM (ANALYZE) failed (${err.message}); autovacuum will do it`));
      return { from: dataDir, to, ...copied, ms: performance.now() - started };
    } finally {
      await store.close();
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A folder with a snapshot or a journal: openStore would make an empty store of anything else. */
function holdsStore(dataDir: string): boolean {
  if (!existsSync(dataDir)) return false;
  return existsSync(storeFile(dataDir)) || readdirSync(dataDir).some((name) => /^journal-.*\.jsonl$/.test(name));
}

/** SERIALIZABLE: a bot that writes to the database meanwhile makes one of the two fail, rather than both half-succeed. */
async function inOneTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function refuseUnlessEmpty(client: pg.Client, to: string): Promise<void> {
  const { rows } = await client.query(`SELECT ${dataTables.map((t) => `EXISTS (SELECT FROM ${t}) AS ${t}`).join(', ')}`);
  const used = dataTables.filter((t) => rows[0][t] === true);
  if (used.length) {
    throw new CopyRefused(`${to} is not empty (${used.join(', ')} ${used.length === 1 ? 'has rows' : 'have rows'}): a store is copied only into a database that holds nothing. Nothing was changed.`);
  }
}

/**
 * Sends rows in statements of BATCH_ROWS, each one JSON array parameter expanded by json_populate_recordset into
 * the table's own row type. The next batch is turned into JSON while the database inserts the one before.
 */
class BatchInsert {
  private rows: Record<string, unknown>[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  count = 0;

  constructor(
    private readonly client: pg.Client,
    private readonly table: string,
  ) {}

  async add(row: Record<string, unknown>): Promise<void> {
    this.rows.push(row);
    this.count += 1;
    if (this.rows.length >= BATCH_ROWS) await this.send();
  }

  async end(): Promise<number> {
    if (this.rows.length) await this.send();
    await this.inFlight;
    return this.count;
  }

  private async send(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    const names = Object.keys(rows[0]!);
    const param = JSON.stringify(rows);
    await this.inFlight;
    this.inFlight = this.client.query(`INSERT INTO ${this.table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM json_populate_recordset(NULL::${this.table}, $1)`, [param]);
    // Awaited by the next send or by end(); until then a failure must not count as unhandled.
    this.inFlight.catch(() => undefined);
  }
}

/** Writes the directory, settings and every table, each row with the next position: the order each table has in the store. */
async function copyState(client: pg.Client, data: StoreData): Promise<{ counts: Omit<CopyCounts, 'logEntries'>; positions: number }> {
  let position = 0;
  const insert = async <R>(table: string, records: readonly R[], columns: (record: R) => Record<string, unknown>): Promise<number> => {
    const batch = new BatchInsert(client, table);
    for (const record of records) await batch.add({ ...columns(record), position: ++position, record });
    return batch.end();
  };
  await client.query('INSERT INTO partner (tenant_id, record) VALUES ($1, $2)', [text(data.partner.tenantId), JSON.stringify(data.partner)]);
  await client.query('INSERT INTO settings (record) VALUES ($1)', [JSON.stringify(data.settings)]);
  const products = await insert('products', data.products, productColumns);
  const prices = await insert('prices', data.prices, priceColumns);
  const customers = await insert('customers', data.customers, customerColumns);
  const tables = {} as Record<TableName, number>;
  for (const name of tableNames) {
    const spec = rowSpecs[name] as { table: string; columns(record: unknown): Record<string, unknown> };
    tables[name] = await insert<unknown>(spec.table, data[name], (record) => spec.columns(record));
  }
  return { counts: { agents: data.partner.agents.length, products, prices, customers, ...tables }, positions: position };
}

/**
 * Streams activity.jsonl into activity_log, each entry checked by the log's schema and with its own number (the
 * numbers go up, as in the file). The columns are those PostgresTransaction.log writes.
 */
async function copyLog(client: pg.Client, logFile: string): Promise<{ logEntries: number; lastSeq: number }> {
  const batch = new BatchInsert(client, 'activity_log');
  let lastSeq = 0;
  let line = 0;
  const lines = createInterface({ input: createReadStream(logFile, { highWaterMark: 1024 * 1024 }), crlfDelay: Infinity });
  for await (const json of lines) {
    line += 1;
    if (!json) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new StoreError(logFile, `line ${line} is not valid JSON (${(err as Error).message})`);
    }
    const parsed = logEntrySchema.safeParse(raw);
    if (!parsed.success) throw new StoreError(logFile, `line ${line} is not a valid log entry:\n${describeIssues(parsed.error)}`);
    const { seq, ...entry } = parsed.data;
    if (seq <= lastSeq) throw new StoreError(logFile, `line ${line}: seq ${seq} does not follow ${lastSeq}`);
    lastSeq = seq;
    await batch.add({
      seq,
      ...logColumns(entry),
      entry,
    });
  }
  return { logEntries: await batch.end(), lastSeq };
}

/** The highest number among ids such as O-1234 (0 if none has the form). */
function highestNumber(ids: Iterable<string>, prefix: string): number {
  let highest = 0;
  for (const id of ids) {
    if (!id.startsWith(prefix)) continue;
    const digits = id.slice(prefix.length);
    if (/^\d{1,15}$/.test(digits)) highest = Math.max(highest, Number(digits));
  }
  return highest;
}

/**
 * Sets every sequence past the highest number copied. setval is not undone by a rollback: it comes last, and a
 * copy that fails at COMMIT leaves only a gap in the numbers of a database that is still empty.
 */
async function advanceSequences(client: pg.Client, data: StoreData, positions: number, lastSeq: number): Promise<void> {
  const setval = (sequence: string, value: number) => client.query('SELECT setval($1::regclass, $2)', [sequence, value]);
  for (const name of Object.keys(sequences) as (keyof typeof sequences)[]) {
    const highest = highestNumber(
      (data[name] as { id: string }[]).map((r) => r.id),
      numbering[name].prefix,
    );
    if (highest >= numbering[name].first) await setval(sequences[name], highest);
  }
  if (lastSeq > 0) await setval('activity_seq', lastSeq);
  if (positions > 0) await setval('record_position', positions);
}
