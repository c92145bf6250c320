import { crc32 } from 'node:zlib';
import { lowerBound, PostingList } from './postingList.ts';
import type { LogEntry } from './schemas.ts';
import type { LogQuery } from './store.ts';

/** What the index keeps of an entry. */
export type IndexedFields = Pick<LogEntry, 'seq' | 'at' | 'operation' | 'customerId'> & { actor: { userId: string } };

const MAGIC = Buffer.from('CSPLOGIX');
const VERSION = 1;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Bytes per entry in the saved columns: seq, offset and time as float64, customer, operation and actor as uint32. */
const ROW = 3 * 8 + 3 * 4;

/** Strings coded as 1, 2, 3… (0 is "none"), each with the positions of the entries that have it. */
class Dictionary {
  readonly values: string[] = [];
  lists: PostingList[] = [];
  private readonly codes = new Map<string, number>();

  constructor(values: readonly string[] = []) {
    for (const value of values) this.intern(value);
    if (this.codes.size !== values.length) throw new Error('a dictionary repeats a value');
  }

  code(value: string | undefined): number | undefined {
    return value === undefined ? 0 : this.codes.get(value);
  }

  intern(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      this.values.push(value);
      this.lists.push(new PostingList());
      code = this.values.length;
      this.codes.set(value, code);
    }
    return code;
  }

  /** The known codes among `values`, without repeats; undefined when there is no filter. */
  pick(values: readonly string[] | undefined): number[] | undefined {
    if (values === undefined) return undefined;
    const codes = new Set<number>();
    for (const value of values) {
      const code = this.codes.get(value);
      if (code !== undefined) codes.add(code);
    }
    return [...codes];
  }

  listsOf(codes: readonly number[]): PostingList[] {
    return codes.map((code) => this.lists[code - 1]!);
  }

  /** Codes marked 1 in an array indexed by code. */
  mask(codes: readonly number[]): Uint8Array {
    const mask = new Uint8Array(this.values.length + 1);
    for (const code of codes) mask[code] = 1;
    return mask;
  }

  /** The posting lists built at once from a column of codes: each list sized exactly (counted first), then filled. */
  fill(column: Uint32Array, count: number): void {
    const sizes = new Uint32Array(this.values.length + 1);
    for (let p = 0; p < count; p++) sizes[column[p]!]!++;
    this.lists = this.values.map((_, i) => new PostingList(new Uint32Array(Math.max(4, sizes[i + 1]!))));
    for (let p = 0; p < count; p++) {
      const code = column[p]!;
      if (code !== 0) this.lists[code - 1]!.push(p);
    }
  }
}

/**
 * The activity log's index in memory: per entry (by position, 0 = the first line) its seq, byte offset, time and
 * coded customer, operation and actor, as columns in typed arrays; a posting list per customer, operation and actor.
 * It knows nothing of files: it says which positions a query wants, newest first, and turns itself into bytes and back.
 */
export class LogIndex {
  count = 0;
  /** Bytes of the log covered: where the last indexed line ends. */
  bytes = 0;
  private seqs = new Float64Array(1024);
  private offsets = new Float64Array(1024);
  private times = new Float64Array(1024);
  /** The latest time among entries 0…p (NaN left out): it never decreases, so `from` is found by binary search. */
  private latest = new Float64Array(1024);
  private customerCol = new Uint32Array(1024);
  private operationCol = new Uint32Array(1024);
  private actorCol = new Uint32Array(1024);
  private customers = new Dictionary();
  private operations = new Dictionary();
  private actors = new Dictionary();

  lastSeq(): number {
    return this.count ? this.seqs[this.count - 1]! : 0;
  }

  seqAt(position: number): number {
    return this.seqs[position]!;
  }

  /** Where the line of the entry at `position` starts, and ends (after its newline). */
  lineOf(position: number): { start: number; end: number } {
    return { start: this.offsets[position]!, end: position + 1 < this.count ? this.offsets[position + 1]! : this.bytes };
  }

  /** Indexes the next entry, whose line (newline included) is `start`…`end` of the log. */
  add(entry: IndexedFields, start: number, end: number): void {
    if (start !== this.bytes || end <= start) throw new Error(`entry ${entry.seq} is not where the log ends (${start} ≠ ${this.bytes})`);
    if (!(entry.seq > this.lastSeq())) throw new Error(`seq ${entry.seq} does not follow ${this.lastSeq()}`);
    if (this.count === this.seqs.length) this.grow(this.count * 2);
    const p = this.count;
    const time = Date.parse(entry.at);
    const latest = p ? this.latest[p - 1]! : -Infinity;
    this.seqs[p] = entry.seq;
    this.offsets[p] = start;
    this.times[p] = time;
    this.latest[p] = time > latest ? time : latest;
    const customer = (this.customerCol[p] = entry.customerId === undefined ? 0 : this.customers.intern(entry.customerId));
    if (customer) this.customers.lists[customer - 1]!.push(p);
    const operation = (this.operationCol[p] = this.operations.intern(entry.operation));
    this.operations.lists[operation - 1]!.push(p);
    const actor = (this.actorCol[p] = this.actors.intern(entry.actor.userId));
    this.actors.lists[actor - 1]!.push(p);
    this.count = p + 1;
    this.bytes = end;
  }

  /** Whether `entry` (read back from the log, unchecked) is the entry at `position` as far as the index knows it. */
  holds(position: number, entry: IndexedFields): boolean {
    return (
      position < this.count &&
      this.seqs[position] === entry.seq &&
      Object.is(this.times[position], Date.parse(entry.at)) &&
      this.customerCol[position] === this.customers.code(entry.customerId) &&
      this.operationCol[position] === this.operations.code(entry.operation) &&
      this.actorCol[position] === this.actors.code(entry.actor?.userId)
    );
  }

  /**
   * The positions of the entries `query` wants, newest first. It walks the posting list(s) of the filter with
   * the fewest entries in range (or the whole range), from the one below `beforeSeq` down, and checks the other
   * filters on the columns. Throws a RangeError for a `from` or `to` that is not a time.
   */
  select(query: LogQuery): number[] {
    const limit = Math.floor(query.limit);
    const found: number[] = [];
    if (!(limit > 0)) return found;
    const from = query.from === undefined ? undefined : timeOf('from', query.from);
    const to = query.to === undefined ? undefined : timeOf('to', query.to);
    if (Number.isNaN(query.beforeSeq)) return found;
    const hi = query.beforeSeq === undefined ? this.count : lowerBound(this.seqs, this.count, query.beforeSeq);
    const lo = from === undefined ? 0 : lowerBound(this.latest, this.count, from);
    const customers = this.customers.pick(query.customerIds);
    const operations = this.operations.pick(query.operations);
    const actor = query.actorId === undefined ? 0 : this.actors.code(query.actorId);
    if (lo >= hi || customers?.length === 0 || operations?.length === 0 || actor === undefined) return found;

    let walk: PostingList[] | undefined;
    let cost = hi - lo;
    for (const lists of [customers && this.customers.listsOf(customers), operations && this.operations.listsOf(operations), actor ? [this.actors.lists[actor - 1]!] : undefined]) {
      const size = lists?.reduce((sum, list) => sum + list.below(hi) - list.below(lo), 0) ?? Infinity;
      if (size <= cost) [walk, cost] = [lists, size];
    }

    const customerMask = customers && this.customers.mask(customers);
    const operationMask = operations && this.operations.mask(operations);
    const { customerCol, operationCol, actorCol, times } = this;
    const visit = (p: number): boolean => {
      if (
        (!customerMask || customerMask[customerCol[p]!] === 1) &&
        (!operationMask || operationMask[operationCol[p]!] === 1) &&
        (!actor || actorCol[p] === actor) &&
        (from === undefined || times[p]! >= from) &&
        (to === undefined || times[p]! < to)
      ) {
        found.push(p);
      }
      return found.length < limit;
    };
    if (walk) PostingList.newestFirst(walk, lo, hi, visit);
    else for (let p = hi - 1; p >= lo && visit(p); p--);
    return found;
  }

  /** The index as bytes: magic, header length, a JSON header (the dictionaries among it), then the columns, 8-byte aligned. */
  save(): Buffer {
    const n = this.count;
    const columns = [this.seqs, this.offsets, this.times, this.customerCol, this.operationCol, this.actorCol].map((column) =>
      Buffer.from(column.buffer, column.byteOffset, n * column.BYTES_PER_ELEMENT),
    );
    const header = Buffer.from(
      JSON.stringify({
        version: VERSION,
        littleEndian: LITTLE_ENDIAN,
        count: n,
        lastSeq: this.lastSeq(),
        bytes: this.bytes,
        crc: columns.reduce((crc, column) => crc32(column, crc), 0),
        customers: this.customers.values,
        operations: this.operations.values,
        actors: this.actors.values,
      }),
    );
    const start = align(MAGIC.length + 4 + header.length);
    const out = Buffer.alloc(start + n * ROW);
    MAGIC.copy(out, 0);
    out.writeUInt32LE(header.length, MAGIC.length);
    header.copy(out, MAGIC.length + 4);
    let at = start;
    for (const column of columns) at += column.copy(out, at);
    return out;
  }

  /** An index from what `save` wrote; throws, saying why, on anything that does not hold together. */
  static load(data: Buffer): LogIndex {
    if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an index file');
    const headerEnd = MAGIC.length + 4 + data.readUInt32LE(MAGIC.length);
    if (headerEnd > data.length) throw new Error('the index is cut short');
    const header = JSON.parse(data.toString('utf8', MAGIC.length + 4, headerEnd)) as Record<string, unknown>;
    const { version, littleEndian, count, lastSeq, bytes, crc, customers, operations, actors } = header;
    if (version !== VERSION || littleEndian !== LITTLE_ENDIAN) throw new Error('the index was written by another version or machine');
    const dictionaries = [customers, operations, actors];
    if (![count, lastSeq, bytes, crc].every(isCount) || !dictionaries.every((d) => Array.isArray(d) && d.every((v) => typeof v === 'string'))) {
      throw new Error('the index header is not valid');
    }
    const n = count as number;
    const body = data.subarray(align(headerEnd));
    if (body.length !== n * ROW) throw new Error('the index is not as long as its header says');
    if (crc32(body) !== crc) throw new Error('the index fails its checksum');

    const index = new LogIndex();
    index.grow(Math.max(1024, n + (n >> 2)));
    const aligned = body.byteOffset % 8 === 0 ? body : new Uint8Array(body);
    const f64 = (k: number) => new Float64Array(aligned.buffer, aligned.byteOffset + k * 8 * n, n);
    const u32 = (k: number) => new Uint32Array(aligned.buffer, aligned.byteOffset + 24 * n + k * 4 * n, n);
    index.seqs.set(f64(0));
    index.offsets.set(f64(1));
    index.times.set(f64(2));
    index.customerCol.set(u32(0));
    index.operationCol.set(u32(1));
    index.actorCol.set(u32(2));
    index.customers = new Dictionary(customers as string[]);
    index.operations = new Dictionary(operations as string[]);
    index.actors = new Dictionary(actors as string[]);
    const bad = index.check(n, bytes as number);
    if (bad >= 0) throw new Error(`the index does not hold together at entry ${bad + 1}`);
    if ((n ? index.seqs[n - 1] : 0) !== lastSeq || (n === 0) !== (bytes === 0)) throw new Error('the index header does not match its entries');
    index.count = n;
    index.bytes = bytes as number;
    index.customers.fill(index.customerCol, n);
    index.operations.fill(index.operationCol, n);
    index.actors.fill(index.actorCol, n);
    return index;
  }

  /** Checks loaded columns (seqs and offsets increasing, codes known) and works out `latest`: the first position wrong, or -1. */
  private check(count: number, bytes: number): number {
    const { seqs, offsets, times, latest, customerCol, operationCol, actorCol } = this;
    const [customers, operations, actors] = [this.customers, this.operations, this.actors].map((d) => d.values.length) as [number, number, number];
    let seqBefore = 0;
    let offsetBefore = -1;
    let latestTime = -Infinity;
    for (let p = 0; p < count; p++) {
      const seq = seqs[p]!;
      const offset = offsets[p]!;
      if (!(seq > seqBefore) || !Number.isSafeInteger(seq)) return p;
      if (!(offset > offsetBefore) || offset >= bytes || (p === 0 && offset !== 0)) return p;
      const operation = operationCol[p]!;
      const actor = actorCol[p]!;
      if (customerCol[p]! > customers || operation === 0 || operation > operations || actor === 0 || actor > actors) return p;
      const time = times[p]!;
      if (time > latestTime) latestTime = time;
      latest[p] = latestTime;
      seqBefore = seq;
      offsetBefore = offset;
    }
    return -1;
  }

  private grow(capacity: number): void {
    const grown = <T extends Float64Array | Uint32Array>(column: T, make: (n: number) => T): T => {
      const bigger = make(capacity);
      bigger.set(column.subarray(0, this.count));
      return bigger;
    };
    const f64 = (n: number) => new Float64Array(n);
    const u32 = (n: number) => new Uint32Array(n);
    this.seqs = grown(this.seqs, f64);
    this.offsets = grown(this.offsets, f64);
    this.times = grown(this.times, f64);
    this.latest = grown(this.latest, f64);
    this.customerCol = grown(this.customerCol, u32);
    this.operationCol = grown(this.operationCol, u32);
    this.actorCol = grown(this.actorCol, u32);
  }
}

function timeOf(name: string, value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`the log query's ${name} is not a time: ${JSON.stringify(value)}`);
  return time;
}

const isCount = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0;
const align = (n: number) => Math.ceil(n / 8) * 8;
