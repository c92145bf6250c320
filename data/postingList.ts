/** Positions of log entries (0 = the first line), increasing, in a growable typed array. */
export class PostingList {
  constructor(
    public items = new Uint32Array(4),
    public length = 0,
  ) {}

  push(position: number): void {
    if (this.length === this.items.length) {
      const grown = new Uint32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = position;
  }

  /** How many positions are below `position`. */
  below(position: number): number {
    return lowerBound(this.items, this.length, position);
  }

  /**
   * Visits the positions of several disjoint lists that are in lo…hi (hi excluded), highest first, while `visit`
   * says to go on: a heap of the lists' next positions, so that many lists cost little more than one.
   */
  static newestFirst(lists: readonly PostingList[], lo: number, hi: number, visit: (position: number) => boolean): void {
    const next: number[] = []; // per list, the index of its highest position not yet visited
    const ends: number[] = []; // per list, the index of its first position in lo…hi
    const heap: number[] = []; // numbers of the lists not yet done, by their next position, highest on top
    const head = (l: number) => lists[l]!.items[next[l]!]!;
    const siftDown = (from: number) => {
      for (let i = from; ; ) {
        const left = 2 * i + 1;
        let top = i;
        if (left < heap.length && head(heap[left]!) > head(heap[top]!)) top = left;
        if (left + 1 < heap.length && head(heap[left + 1]!) > head(heap[top]!)) top = left + 1;
        if (top === i) return;
        [heap[i], heap[top]] = [heap[top]!, heap[i]!];
        i = top;
      }
    };
    lists.forEach((list, l) => {
      next[l] = list.below(hi) - 1;
      ends[l] = list.below(lo);
      if (next[l]! >= ends[l]!) heap.push(l);
    });
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
    while (heap.length) {
      const l = heap[0]!;
      if (!visit(head(l))) return;
      if (--next[l]! < ends[l]!) {
        const last = heap.pop()!;
        if (heap.length) heap[0] = last;
      }
      if (heap.length) siftDown(0);
    }
  }
}

/** The first index below `length` whose value is not below `value` (the values increasing). */
export function lowerBound(values: ArrayLike<number>, length: number, value: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
