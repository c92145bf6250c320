/** One entry of a deadline index: a record's id and the time (ms since the epoch) it falls due. */
export interface Deadline {
  at: number;
  id: string;
}

const CHUNK = 512;

const before = (a: Deadline, b: Deadline) => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * Records by deadline, earliest first (ties by id), for the `due.*` queries: what falls due by a time is read
 * from the front, never by reading every record. Kept as a list of sorted chunks of at most 2 × 512 entries,
 * so an insert or a removal moves at most one chunk's entries, however many records there are.
 */
export class DeadlineIndex {
  private readonly at = new Map<string, number>();
  private chunks: Deadline[][] = [];

  get size(): number {
    return this.at.size;
  }

  /** Fills an empty index at once (a store being opened): one sort instead of one insert per record. */
  load(entries: Deadline[]): void {
    if (this.at.size) throw new Error('DeadlineIndex.load: the index is not empty');
    entries.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const entry of entries) this.at.set(entry.id, entry.at);
    this.chunks = [];
    for (let i = 0; i < entries.length; i += CHUNK) this.chunks.push(entries.slice(i, i + CHUNK));
  }

  /** Sets when `id` falls due, or with undefined removes it. */
  set(id: string, at: number | undefined): void {
    const old = this.at.get(id);
    if (old === at) return;
    if (old !== undefined) this.remove({ at: old, id });
    if (at === undefined) {
      this.at.delete(id);
      return;
    }
    this.at.set(id, at);
    this.insert({ at, id });
  }

  /** The entries due at or before `bound` (`inclusive`) or strictly before it, earliest first. */
  *upTo(bound: number, inclusive: boolean): Generator<Deadline> {
    for (const chunk of this.chunks) {
      for (const entry of chunk) {
        if (entry.at > bound || (!inclusive && entry.at === bound)) return;
        yield entry;
      }
    }
  }

  /** The index of the first chunk whose last entry is not before `entry` (chunks.length if none). */
  private chunkFor(entry: Deadline): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (before(chunk[chunk.length - 1]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(entry: Deadline): void {
    if (this.chunks.length === 0) {
      this.chunks.push([entry]);
      return;
    }
    const c = Math.min(this.chunkFor(entry), this.chunks.length - 1);
    const chunk = this.chunks[c]!;
    chunk.splice(positionIn(chunk, entry), 0, entry);
    if (chunk.length > 2 * CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK));
  }

  private remove(entry: Deadline): void {
    const c = this.chunkFor(entry);
    const chunk = this.chunks[c];
    if (!chunk) return;
    const i = positionIn(chunk, entry);
    if (chunk[i]?.id !== entry.id) return;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }
}

/** Where `entry` is, or would go, in the sorted `chunk`. */
function positionIn(chunk: Deadline[], entry: Deadline): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(chunk[mid]!, entry)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
