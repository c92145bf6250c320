import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describeIssues } from './describeIssues.ts';
import type { ActivityLogRepository } from './repository.ts';
import { logEntrySchema, type LogEntry, type NewLogEntry } from './schemas.ts';
import { StoreError } from './storeError.ts';

const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

/**
 * The activity log as JSON Lines: one entry per line, only ever appended to, so an append
 * costs the same however long the log is. Each append is flushed to disk before it resolves.
 */
export class JsonlActivityLog implements ActivityLogRepository {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private bytes: number,
    private count: number,
    private lastSeq: number,
  ) {}

  /**
   * Opens (or creates) the log and validates every line. A last line cut short by a crash
   * was never acknowledged, so once the rest is found valid it is cut off with a warning;
   * any other bad line refuses the file, which is then left as it is.
   */
  static async open(file: string, warn: (message: string) => void = console.warn): Promise<JsonlActivityLog> {
    const handle = await open(file, 'a+');
    try {
      const bytes = (await handle.stat()).size;
      const complete = await completeLength(handle, bytes);
      const { count, lastSeq } = await validate(file, complete);
      if (complete < bytes) {
        warn(`${file}: dropped an incomplete last entry (${bytes - complete} bytes) left by an interrupted write`);
        await handle.truncate(complete);
      }
      return new JsonlActivityLog(handle, complete, count, lastSeq);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  append(entry: NewLogEntry): Promise<LogEntry> {
    const next = this.tail.then(async () => {
      const stored = logEntrySchema.parse({ seq: this.lastSeq + 1, ...entry });
      const line = Buffer.from(`${JSON.stringify(stored)}\n`);
      await this.handle.write(line);
      await this.handle.datasync();
      this.bytes += line.length;
      this.count += 1;
      this.lastSeq = stored.seq;
      return stored;
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  async newest(match: (entry: LogEntry) => boolean, limit: number): Promise<LogEntry[]> {
    const found: LogEntry[] = [];
    if (limit <= 0) return found;
    for await (const line of linesBackwards(this.handle, this.bytes)) {
      const entry = JSON.parse(line) as LogEntry;
      if (match(entry)) {
        found.push(entry);
        if (found.length >= limit) break;
      }
    }
    return found;
  }

  size(): number {
    return this.count;
  }

  /** Waits for appends under way, then closes the file. */
  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}

/** The length of the file up to and including its last newline (0 for an empty file). */
async function completeLength(handle: FileHandle, bytes: number): Promise<number> {
  let end = bytes;
  const buffer = Buffer.alloc(CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

async function validate(file: string, bytes: number): Promise<{ count: number; lastSeq: number }> {
  let count = 0;
  let lastSeq = 0;
  if (bytes === 0) return { count, lastSeq };
  const lines = createInterface({ input: createReadStream(file, { start: 0, end: bytes - 1 }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      throw new StoreError(file, `line ${lineNo} is not valid JSON (${(err as Error).message}). The log was left as it is.`);
    }
    const parsed = logEntrySchema.safeParse(json);
    if (!parsed.success) throw new StoreError(file, `line ${lineNo} is not a valid log entry. The log was left as it is.\n${describeIssues(parsed.error)}`);
    if (parsed.data.seq <= lastSeq) throw new StoreError(file, `line ${lineNo}: seq ${parsed.data.seq} does not follow ${lastSeq}. The log was left as it is.`);
    lastSeq = parsed.data.seq;
    count += 1;
  }
  return { count, lastSeq };
}

/** Yields the lines of the first `bytes` bytes of the file, last line first. */
async function* linesBackwards(handle: FileHandle, bytes: number): AsyncGenerator<string> {
  let end = bytes;
  let carry = Buffer.alloc(0);
  const buffer = Buffer.alloc(CHUNK);
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, end - start, start);
    let block = Buffer.concat([buffer.subarray(0, bytesRead), carry]);
    for (let at = newlineBeforeLast(block); at >= 0; at = newlineBeforeLast(block)) {
      const line = block.subarray(at + 1).toString('utf8').trimEnd();
      if (line) yield line;
      block = block.subarray(0, at + 1);
    }
    carry = Buffer.from(block);
    end = start;
  }
  const first = carry.toString('utf8').trimEnd();
  if (first) yield first;
}


/** The index of the newline that ends the second-to-last line of `block`, or -1. */
function newlineBeforeLast(block: Buffer): number {
  return block.length < 2 ? -1 : block.lastIndexOf(NEWLINE, block.length - 2);
}
