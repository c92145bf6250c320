import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { describeIssues } from './describeIssues.ts';
import { LogIndex, type IndexedFields } from './logIndex.ts';
import { logEntrySchema, type LogEntry } from './schemas.ts';
import type { LogQuery } from './store.ts';
import { StoreError } from './storeError.ts';

const NEWLINE = 0x0a;
const CHUNK = 1024 * 1024;
/** Query reads of lines closer than this are made as one read. */
const GAP = 16 * 1024;
/** How many entries spread over the log are checked against a sidecar before it is trusted. */
const SAMPLES = 8;
/** A tail longer than this read after a sidecar gets a fresh sidecar at open. */
const LONG_TAIL = 16 * 1024 * 1024;

/**
 * The activity log (R18) as JSON Lines, one entry per line, only ever appended to, with its index in memory
 * (data/logIndex.ts) and saved beside it (`activity.idx`), so that opening reads only what the saved index does
 * not cover, and a query reads only the lines it returns.
 */
export class ActivityFile {
  private queue: Promise<unknown> = Promise.resolve();
  private saving: Promise<unknown> = Promise.resolve();
  private readonly reading = new Set<Promise<unknown>>();
  private broken: Error | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    private readonly indexFile: string,
    private readonly handle: FileHandle,
    private readonly index: LogIndex,
  ) {}

  /**
   * Opens (or creates) the log `file` and its index sidecar (`file` with `.jsonl` replaced by `.idx`). The lines
   * the sidecar does not cover are validated and indexed; without a sidecar that matches the log, every line is,
   * and a fresh sidecar is written. A last line cut short by a crash was never acknowledged, so once the rest is
   * found valid it is cut off with a warning; any other bad line refuses the file, which is then left as it is.
   */
  static async open(file: string, warn: (message: string) => void = console.warn): Promise<ActivityFile> {
    const indexFile = file.endsWith('.jsonl') ? `${file.slice(0, -'.jsonl'.length)}.idx` : `${file}.idx`;
    const handle = await open(file, 'a+');
    try {
      const size = (await handle.stat()).size;
      const complete = await completeLength(handle, size);
      const saved = await loadIndex(handle, indexFile, complete);
      const index = saved.index ?? new LogIndex();
      const tailFrom = index.bytes;
      await indexLines(file, handle, index, complete);
      if (complete < size) {
        warn(`${file}: dropped an incomplete last entry (${size - complete} bytes) left by an interrupted write`);
        await handle.truncate(complete);
      }
      const log = new ActivityFile(file, indexFile, handle, index);
      if (saved.problem) warn(`${indexFile}: ${saved.problem}, so the index was rebuilt from all ${index.count} entries of ${file}`);
      if (saved.problem || complete - tailFrom > LONG_TAIL) {
        await log.saveIndex().catch((err: unknown) => warn(`${indexFile}: could not save the index (${(err as Error).message})`));
      }
      return log;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  count(): number {
    return this.index.count;
  }

  lastSeq(): number {
    return this.index.lastSeq();
  }

  /**
   * Appends entries already numbered (each seq above the last, increasing) and indexes them, once written to
   * the file but not flushed (see sync). Appends are serialized; a batch that is not valid writes nothing.
   */
  append(entries: readonly LogEntry[]): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError());
    const next = this.queue.then(() => this.write(entries));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Flushes the log to disk (fdatasync), the appends made before it included. */
  async sync(): Promise<void> {
    if (this.closing) throw this.closedError();
    await this.queue;
    this.usable();
    await this.handle.datasync();
  }

  /** The newest entries matching `query`, newest first, at most `query.limit`, read by their offsets. */
  query(query: LogQuery): Promise<LogEntry[]> {
    const read = (async () => {
      if (this.closing) throw this.closedError();
      this.usable();
      return this.read(this.index.select(query));
    })();
    this.reading.add(read);
    void read.catch(() => undefined).finally(() => this.reading.delete(read));
    return read;
  }

  /** Writes the sidecar (temp file, then rename) for what is appended so far, after a sync, so that it covers only what is on disk. */
  saveIndex(): Promise<void> {
    return this.closing ? Promise.reject(this.closedError()) : this.writeIndex();
  }

  /** Waits for the appends and queries under way, syncs, saves the sidecar and closes the file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.queue;
        await Promise.allSettled(this.reading);
        if (!this.broken) await this.writeIndex();
      } finally {
        this.broken ??= this.closedError();
        await this.handle.close();
      }
    })();
    return this.closing;
  }

  private closedError(): Error {
    return new Error(`${this.file}: the activity log is closed`);
  }

  private usable(): void {
    if (this.broken) throw this.broken;
  }

  private writeIndex(): Promise<void> {
    const next = this.saving.then(async () => {
      await this.queue;
      this.usable();
      const bytes = this.index.save();
      await this.handle.datasync();
      const temp = `${this.indexFile}.tmp`;
      const out = await open(temp, 'w');
      try {
        await writeAll(out, bytes);
        await out.datasync();
      } finally {
        await out.close();
      }
      await rename(temp, this.indexFile).catch(async (err: unknown) => {
        await rm(temp, { force: true });
        throw err;
      });
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async write(entries: readonly LogEntry[]): Promise<void> {
    this.usable();
    if (entries.length === 0) return;
    let last = this.index.lastSeq();
    const stored = entries.map((entry) => {
      const parsed = logEntrySchema.safeParse(entry);
      if (!parsed.success) throw new TypeError(`not a valid log entry (seq ${String(entry?.seq)}):\n${describeIssues(parsed.error)}`);
      if (parsed.data.seq <= last) throw new RangeError(`seq ${parsed.data.seq} does not follow ${last}`);
      last = parsed.data.seq;
      return parsed.data;
    });
    const lines = stored.map((entry) => Buffer.from(`${JSON.stringify(entry)}\n`));
    const start = this.index.bytes;
    try {
      await writeAll(this.handle, Buffer.concat(lines));
    } catch (err) {
      // Take back whatever part was written, so that the log never has a torn line before the next append.
      await this.handle.truncate(start).catch(() => {
        this.broken = new Error(`${this.file}: an append failed and could not be taken back (${(err as Error).message}); reopen the log`);
      });
      throw err;
    }
    let at = start;
    stored.forEach((entry, i) => {
      this.index.add(entry, at, (at += lines[i]!.length));
    });
  }

  private async read(positions: number[]): Promise<LogEntry[]> {
    // One read per run of lines close together (positions are newest first; runs are made oldest first).
    const runs: { start: number; end: number }[] = [];
    const runOf = new Array<number>(positions.length);
    for (let i = positions.length - 1; i >= 0; i--) {
      const { start, end } = this.index.lineOf(positions[i]!);
      const run = runs[runs.length - 1];
      if (run && start - run.end <= GAP && end - run.start <= CHUNK) run.end = Math.max(run.end, end);
      else runs.push({ start, end });
      runOf[i] = runs.length - 1;
    }
    const data = await Promise.all(runs.map((run) => readRange(this.file, this.handle, run.start, run.end)));
    return positions.map((position, i) => {
      const run = runs[runOf[i]!]!;
      const { start, end } = this.index.lineOf(position);
      const line = data[runOf[i]!]!.subarray(start - run.start, end - run.start);
      const entry = parseLine(line) as LogEntry | undefined;
      if (!entry || entry.seq !== this.index.seqAt(position)) {
        throw new StoreError(this.file, `line ${position + 1} no longer holds entry ${this.index.seqAt(position)}: the log was changed while in use`);
      }
      return entry;
    });
  }
}

/** The sidecar, if it loads and matches the log (the entries it names are where it says); otherwise why not. */
async function loadIndex(handle: FileHandle, indexFile: string, complete: number): Promise<{ index?: LogIndex; problem?: string }> {
  let data: Buffer;
  try {
    data = await readFile(indexFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { problem: `could not be read (${(err as Error).message})` };
    return complete === 0 ? {} : { problem: 'is missing' };
  }
  let index: LogIndex;
  try {
    index = LogIndex.load(data);
  } catch (err) {
    return { problem: `is not usable (${(err as Error).message})` };
  }
  if (index.bytes > complete) return { problem: `covers ${index.bytes} bytes but the log has ${complete}` };
  const samples = new Set<number>();
  for (let k = 0; k < SAMPLES && index.count; k++) samples.add(Math.round((k * (index.count - 1)) / (SAMPLES - 1)));
  for (const position of samples) {
    const { start, end } = index.lineOf(position);
    const entry = parseLine(await readRange('', handle, start, end).catch(() => Buffer.alloc(0))) as IndexedFields | undefined;
    if (!entry || !index.holds(position, entry)) return { problem: `does not match the log at line ${position + 1}` };
  }
  return { index };
}

/** Validates and indexes the lines from where the index ends to `end`; refuses the file at the first bad one. */
async function indexLines(file: string, handle: FileHandle, index: LogIndex, end: number): Promise<void> {
  let buffer = Buffer.allocUnsafe(CHUNK);
  let filled = 0; // buffer[0…filled) holds the file from `at` on, starting at a line
  let at = index.bytes;
  let readTo = at;
  while (readTo < end) {
    if (filled === buffer.length) buffer = Buffer.concat([buffer], buffer.length * 2); // a line longer than the buffer
    const { bytesRead } = await handle.read(buffer, filled, Math.min(buffer.length - filled, end - readTo), readTo);
    if (bytesRead === 0) throw new StoreError(file, 'became shorter while being read. The log was left as it is.');
    readTo += bytesRead;
    const data = buffer.subarray(0, filled + bytesRead);
    let lineStart = 0;
    for (let nl = data.indexOf(NEWLINE, filled); nl >= 0; nl = data.indexOf(NEWLINE, lineStart)) {
      index.add(validLine(file, data, lineStart, nl, index), at + lineStart, at + nl + 1);
      lineStart = nl + 1;
    }
    filled = data.length - lineStart;
    data.copy(buffer, 0, lineStart);
    at += lineStart;
  }
}

function validLine(file: string, data: Buffer, start: number, end: number, index: LogIndex): LogEntry {
  const lineNo = index.count + 1;
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8', start, end));
  } catch (err) {
    throw new StoreError(file, `line ${lineNo} is not valid JSON (${(err as Error).message}). The log was left as it is.`);
  }
  const parsed = logEntrySchema.safeParse(json);
  if (!parsed.success) throw new StoreError(file, `line ${lineNo} is not a valid log entry. The log was left as it is.\n${describeIssues(parsed.error)}`);
  if (parsed.data.seq <= index.lastSeq()) throw new StoreError(file, `line ${lineNo}: seq ${parsed.data.seq} does not follow ${index.lastSeq()}. The log was left as it is.`);
  return parsed.data;
}

/** A whole line (newline included) parsed, or undefined if it is not one line of JSON. */
function parseLine(line: Buffer): unknown {
  if (line.length === 0 || line[line.length - 1] !== NEWLINE || line.indexOf(NEWLINE) !== line.length - 1) return undefined;
  try {
    return JSON.parse(line.toString('utf8', 0, line.length - 1));
  } catch {
    return undefined;
  }
}

/** The length of the file up to and including its last newline (0 for an empty file). */
async function completeLength(handle: FileHandle, bytes: number): Promise<number> {
  const buffer = Buffer.alloc(64 * 1024);
  for (let end = bytes; end > 0; ) {
    const start = Math.max(0, end - buffer.length);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

async function readRange(file: string, handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  for (let done = 0; done < buffer.length; ) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, start + done);
    if (bytesRead === 0) throw new StoreError(file, 'is shorter than its index says: the log was changed while in use');
    done += bytesRead;
  }
  return buffer;
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let done = 0; done < data.length; ) done += (await handle.write(data, done, data.length - done)).bytesWritten;
}
