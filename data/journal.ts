import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describeIssues } from './describeIssues.ts';
import { storeChangeSchema, type StoreChange } from './storeChange.ts';
import { StoreError } from './storeError.ts';

/** A journal segment: the file, the transaction it starts at, the last it holds (first − 1 when empty), its size. */
interface Segment {
  file: string;
  first: number;
  last: number;
  bytes: number;
}

/** A last line left incomplete by an interrupted write: never acknowledged, so cut off once the store is opened. */
export interface TornTail {
  file: string;
  /** Where the complete lines end. */
  keep: number;
  dropped: number;
}

const SEGMENT = /^journal-(\d+)\.jsonl$/;
const NEWLINE = 0x0a;

export const segmentName = (first: number) => `journal-${String(first).padStart(12, '0')}.jsonl`;

/** Flushes a folder's entries (a file created, renamed or deleted in it) to disk. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The journal: every committed transaction as one line of JSON (a StoreChange), appended and flushed with
 * fdatasync before the transaction is acknowledged, so a commit costs the size of its change. It is kept in
 * segments `journal-<first txn>.jsonl`: a snapshot starts a new one, and deletes those it holds once it is on disk.
 */
export class Journal {
  private handle?: FileHandle;
  private current?: Segment;
  /** The next append starts a new segment (a snapshot was started, or the last segment does not end where the next transaction starts). */
  private rotating = true;
  /** Set when a failed append could not be undone: nothing more is written until the store is reopened. */
  private broken?: Error;

  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
  ) {}

  /**
   * Reads and checks every segment without changing any: each line must be a valid transaction, numbered one
   * after the other. Only the last line of the last segment may be bad (an interrupted write): it is reported
   * as `torn`, for `cut` once the rest of the store is found valid. Anything else refuses the journal.
   */
  static async open(dir: string): Promise<{ journal: Journal; changes: StoreChange[]; torn?: TornTail }> {
    const files = (await readdir(dir))
      .map((name) => ({ name, match: SEGMENT.exec(name) }))
      .filter((f) => f.match)
      .map((f) => ({ file: join(dir, f.name), first: Number(f.match![1]) }))
      .sort((a, b) => a.first - b.first);
    const segments: Segment[] = [];
    const changes: StoreChange[] = [];
    let torn: TornTail | undefined;
    for (const [i, { file, first }] of files.entries()) {
      const lastSegment = i === files.length - 1;
      const bytes = await readFile(file);
      const read = readSegment(file, bytes, lastSegment);
      if (read.changes.length && read.changes[0]!.txn !== first) {
        throw new StoreError(file, `starts with transaction ${read.changes[0]!.txn}, not ${first} as its name says. ${LEFT}`);
      }
      for (const change of read.changes) {
        const previous = changes[changes.length - 1];
        if (previous && change.txn !== previous.txn + 1) throw new StoreError(file, `transaction ${change.txn} follows ${previous.txn}: transactions are missing. ${LEFT}`);
        changes.push(change);
      }
      torn = read.torn;
      const last = read.changes.length ? read.changes[read.changes.length - 1]!.txn : first - 1;
      segments.push({ file, first, last, bytes: torn ? torn.keep : bytes.length });
    }
    return { journal: new Journal(dir, segments), changes, torn };
  }

  /** Bytes in all segments: what a replay would read. */
  get bytes(): number {
    return this.segments.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Appends to the last segment from transaction `next` on, if it ends just before; else the next append starts a new one. */
  continueAt(next: number): void {
    const last = this.segments[this.segments.length - 1];
    this.rotating = !last || last.last !== next - 1;
  }

  /** Cuts off a torn last line (after the store was found valid), with a warning. */
  async cut(torn: TornTail, warn: (message: string) => void): Promise<void> {
    const handle = await open(torn.file, 'r+');
    try {
      await handle.truncate(torn.keep);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    warn(`${torn.file}: cut an incomplete last transaction (${torn.dropped} bytes) left by an interrupted write; it had not been acknowledged`);
  }

  /** Writes `change` as one line and flushes it to disk. If that fails, the segment is cut back to where it was and the error thrown. */
  async append(change: StoreChange): Promise<void> {
    if (this.broken) throw new Error(`the journal could not be restored after a failed write (${this.broken.message}): reopen the store`);
    const line = Buffer.from(`${JSON.stringify(change)}\n`);
    if (this.rotating) await this.startSegment(change.txn);
    else if (!this.current) await this.openSegment(this.segments[this.segments.length - 1]!);
    const segment = this.current!;
    const handle = this.handle!;
    try {
      let written = 0;
      while (written < line.length) written += (await handle.write(line, written, line.length - written)).bytesWritten;
      await handle.datasync();
    } catch (err) {
      try {
        await handle.truncate(segment.bytes);
        await handle.datasync();
      } catch (undoError) {
        this.broken = undoError as Error;
      }
      throw err;
    }
    segment.bytes += line.length;
    segment.last = change.txn;
  }

  /** The next append starts a new segment: what is before it can be deleted once a snapshot holds it. */
  rotate(): void {
    this.rotating = true;
  }

  /** Deletes the segments whose transactions are all at or before `txn` (a snapshot on disk holds them). */
  async dropThrough(txn: number): Promise<void> {
    const old = this.segments.filter((s) => s.last <= txn && !(s === this.current && !this.rotating));
    if (!old.length) return;
    for (const segment of old) {
      if (segment === this.current) await this.closeSegment();
      await unlink(segment.file);
      this.segments.splice(this.segments.indexOf(segment), 1);
    }
    await syncFolder(this.dir);
  }

  async close(): Promise<void> {
    await this.closeSegment();
  }

  private async startSegment(first: number): Promise<void> {
    await this.closeSegment();
    const file = join(this.dir, segmentName(first));
    const handle = await open(file, 'a');
    try {
      const { size } = await handle.stat();
      if (size > 0) throw new Error(`${file} already exists`);
      await syncFolder(this.dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    const segment = { file, first, last: first - 1, bytes: 0 };
    this.segments.push(segment);
    this.handle = handle;
    this.current = segment;
    this.rotating = false;
  }

  /** Opens an existing segment (the last one, at start) to append to. */
  private async openSegment(segment: Segment): Promise<void> {
    this.handle = await open(segment.file, 'a');
    this.current = segment;
  }

  private async closeSegment(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.current = undefined;
    await handle?.close();
  }
}

const LEFT = 'The journal was left as it is.';

/** The transactions of one segment; in the last segment, a bad last line is a torn tail rather than an error. */
function readSegment(file: string, bytes: Buffer, lastSegment: boolean): { changes: StoreChange[]; torn?: TornTail } {
  const changes: StoreChange[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    lineNo += 1;
    const end = bytes.indexOf(NEWLINE, start);
    const complete = end >= 0;
    const isLast = !complete || end + 1 === bytes.length;
    const text = bytes.subarray(start, complete ? end : bytes.length).toString('utf8');
    const problem = complete ? lineProblem(text) : 'incomplete';
    if (typeof problem !== 'string') changes.push(problem.change);
    else if (lastSegment && isLast) return { changes, torn: { file, keep: start, dropped: bytes.length - start } };
    else throw new StoreError(file, `line ${lineNo}: ${problem === 'incomplete' ? 'an incomplete line' : problem}. ${LEFT}`);
    start = end + 1;
  }
  return { changes };
}

/** The transaction a line holds, or what is wrong with it. */
function lineProblem(text: string): { change: StoreChange } | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const parsed = storeChangeSchema.safeParse(json);
  if (!parsed.success) return `not a valid transaction:\n${describeIssues(parsed.error)}`;
  return { change: parsed.data };
}
