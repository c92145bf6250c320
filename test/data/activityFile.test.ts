import { expect } from 'chai';
import { createWriteStream } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActivityFile } from '../../data/activityFile.ts';
import { logEntrySchema, type LogEntry } from '../../data/schemas.ts';
import type { LogQuery } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const admin = { tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' } as const;

/** Entry `n` of a test log, numbered `seq`: the target says which one it is, the customer alternates between three. */
function entry(seq: number, n = seq, target = `entry ${n}`): LogEntry {
  return logEntrySchema.parse({
    seq,
    at: new Date(Date.UTC(2026, 10, 24, 9, 0, n % 60)).toISOString(),
    actor: admin,
    operation: n % 2 ? 'Create Customer Purchase Permissions' : 'Delete Customer Purchase Permissions',
    customerId: `customer-${n % 3}`,
    target,
    outcome: 'Succeeded',
    before: { enabled: n % 2 === 0 },
    after: { enabled: n % 2 === 1 },
  });
}

/** A stored line as the log writes it. */
const line = (seq: number, n = seq) => `${JSON.stringify(entry(seq, n))}\n`;
const seqs = (entries: LogEntry[]) => entries.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const all = { limit: 1_000_000 };

/** A small seeded generator (mulberry32), so that a failing random case can be run again. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** A varied log: gaps in seq, times mostly rising but some out of order, many customers (some entries without), operations and actors. */
function randomLog(count: number, seed: number): LogEntry[] {
  const rnd = random(seed);
  const entries: LogEntry[] = [];
  let seq = 0;
  let time = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) {
    seq += 1 + rnd(3);
    time += rnd(5) * 60_000;
    const at = new Date(rnd(10) === 0 ? time - rnd(3_600_000) : time).toISOString();
    const userId = rnd(8) === 0 ? 'system' : `user-${rnd(12)}`;
    entries.push(
      logEntrySchema.parse({
        seq,
        at,
        actor: { tenantId: 't', userId, name: `Name of ${userId}`, role: userId === 'system' ? 'System' : 'AdminAgent' },
        operation: `operation-${rnd(8)}`,
        ...(rnd(10) === 0 ? {} : { customerId: `customer-${rnd(40)}` }),
        target: `target ${i} ${'é'.repeat(rnd(30))}`,
        outcome: rnd(5) ? 'Succeeded' : 'Refused',
      }),
    );
  }
  return entries;
}

/** The query answered by looking at every entry. */
function bruteForce(entries: readonly LogEntry[], q: LogQuery): LogEntry[] {
  const t = (s: string) => Date.parse(s);
  return entries
    .filter(
      (e) =>
        (!q.customerIds || (e.customerId !== undefined && q.customerIds.includes(e.customerId))) &&
        (!q.operations || q.operations.includes(e.operation)) &&
        (q.actorId === undefined || e.actor.userId === q.actorId) &&
        (q.from === undefined || t(e.at) >= t(q.from)) &&
        (q.to === undefined || t(e.at) < t(q.to)) &&
        (q.beforeSeq === undefined || e.seq < q.beforeSeq),
    )
    .sort((a, b) => b.seq - a.seq)
    .slice(0, Math.max(0, q.limit));
}

/** A random query over `entries`, each filter present or not, sometimes naming what is not in the log. */
function randomQuery(entries: readonly LogEntry[], rnd: (n: number) => number): LogQuery {
  const pick = <T>(list: readonly T[]) => list[rnd(list.length)]!;
  const some = (make: () => string, unknown: string) => Array.from({ length: rnd(4) }, () => (rnd(10) ? make() : unknown));
  const time = () => (rnd(2) ? pick(entries).at : new Date(Date.parse(pick(entries).at) + rnd(120_000) - 60_000).toISOString());
  const q: LogQuery = { limit: rnd(10) === 0 ? 0 : rnd(4) === 0 ? 10_000 : 1 + rnd(60) };
  if (rnd(2)) q.customerIds = some(() => `customer-${rnd(40)}`, 'customer-none');
  if (rnd(3) === 0) q.operations = some(() => `operation-${rnd(8)}`, 'operation-none');
  if (rnd(3) === 0) q.actorId = rnd(10) ? pick(entries).actor.userId : 'nobody';
  if (rnd(3) === 0) q.from = time();
  if (rnd(3) === 0) q.to = time();
  if (rnd(3) === 0) q.beforeSeq = rnd(entries.at(-1)!.seq + 3);
  return q;
}

describe('activity file with its index (data/activityFile.ts, data/logIndex.ts)', () => {
  let dir: string;
  let file: string;
  let indexFile: string;
  const opened: ActivityFile[] = [];
  /** Opens the log, collecting warnings; every log opened is closed after the test. */
  async function openLog(warnings: string[] = []): Promise<ActivityFile> {
    const log = await ActivityFile.open(file, (m) => warnings.push(m));
    opened.push(log);
    return log;
  }
  async function closeLog(log: ActivityFile): Promise<void> {
    opened.splice(opened.indexOf(log), 1);
    await log.close();
  }
  /** A log of `entries`, written by appending in batches, closed (so with its sidecar). */
  async function made(entries: readonly LogEntry[]): Promise<void> {
    const log = await openLog();
    for (let i = 0; i < entries.length; i += 97) await log.append(entries.slice(i, i + 97));
    await closeLog(log);
  }
  const exists = (path: string) => stat(path).then(() => true, () => false);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csp-bot-activity-'));
    file = join(dir, 'activity.jsonl');
    indexFile = join(dir, 'activity.idx');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  describe('as the log was', () => {
    it('creates an empty log, and appends entries numbered by the caller, one or several at a time', async () => {
      const log = await openLog();
      expect([log.count(), log.lastSeq()]).to.deep.equal([0, 0]);
      expect(await log.query(all)).to.deep.equal([]);
      await log.append([entry(1)]);
      await log.append([entry(2), entry(3)]);
      await log.append([]);
      expect([log.count(), log.lastSeq()]).to.deep.equal([3, 3]);
      expect(await log.query(all)).to.deep.equal([entry(3), entry(2), entry(1)]);
    });

    it('keeps its entries when reopened, from its sidecar, and continues the sequence', async () => {
      const first = await openLog();
      await first.append([1, 2, 3].map((n) => entry(n)));
      await closeLog(first);
      expect(await exists(indexFile)).to.equal(true);

      const warnings: string[] = [];
      const again = await openLog(warnings);
      expect(warnings).to.deep.equal([]);
      expect([again.count(), again.lastSeq()]).to.deep.equal([3, 3]);
      expect((await again.query(all)).map((e) => e.target)).to.deep.equal(['entry 3', 'entry 2', 'entry 1']);
      await again.append([entry(4)]);
      expect([again.count(), again.lastSeq()]).to.deep.equal([4, 4]);
    });

    it('query returns the newest matching entries first, at most `limit` of them', async () => {
      const log = await openLog();
      await log.append(range(1, 10).map((n) => entry(n)));
      expect(seqs(await log.query({ customerIds: ['customer-1'], limit: 10 }))).to.deep.equal([10, 7, 4, 1]);
      expect(seqs(await log.query({ customerIds: ['customer-1'], limit: 2 }))).to.deep.equal([10, 7]);
      expect(seqs(await log.query({ limit: 3 }))).to.deep.equal([10, 9, 8]);
      expect(await log.query({ limit: 0 })).to.deep.equal([]);
      expect(await log.query({ limit: -1 })).to.deep.equal([]);
      expect(await log.query({ customerIds: ['nobody'], limit: 5 })).to.deep.equal([]);
      expect(await log.query({ customerIds: [], limit: 5 })).to.deep.equal([]);
      expect(await log.query({ operations: [], limit: 5 })).to.deep.equal([]);
      expect(await log.query({ actorId: 'nobody', limit: 5 })).to.deep.equal([]);
      expect(seqs(await log.query({ customerIds: ['customer-1', 'customer-2', 'nobody'], beforeSeq: 8, limit: 4 }))).to.deep.equal([7, 5, 4, 2]);
      await rejectionOf(log.query({ from: 'yesterday', limit: 5 }), RangeError);
    });

    it('reads across many 1 MiB chunks, down to the very first entry, and pages by beforeSeq', async () => {
      const total = 3000;
      // Long targets of varying length so that lines straddle the chunk boundaries at many offsets.
      const target = (n: number) => `entry ${n} ${'x'.repeat(200 + ((n * 37) % 157))} é€😀 ${'y'.repeat(n % 7 ? 0 : 2000)}`;
      const entries = range(1, total).map((n) => entry(n, n, target(n)));
      await writeFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      expect((await stat(file)).size).to.be.greaterThan(2 * 1024 * 1024);

      const warnings: string[] = [];
      const log = await openLog(warnings);
      expect(warnings, 'no sidecar yet').to.have.length(1);
      expect(log.count()).to.equal(total);
      expect(await log.query({ limit: total + 10 })).to.deep.equal([...entries].reverse());
      expect(await log.query({ beforeSeq: 2, limit: 1 })).to.deep.equal([entries[0]]);
      const pages: LogEntry[] = [];
      for (let page = await log.query({ limit: 7 }); page.length; page = await log.query({ beforeSeq: page.at(-1)!.seq, limit: 7 })) pages.push(...page);
      expect(seqs(pages)).to.deep.equal(range(1, total).reverse());
      expect(seqs(await log.query({ customerIds: ['customer-0'], limit: 5 }))).to.deep.equal([3000, 2997, 2994, 2991, 2988]);

      await log.append([entry(total + 1, total + 1, target(total + 1))]);
      expect(seqs(await log.query({ limit: 2 }))).to.deep.equal([total + 1, total]);
    });

    it('handles entries longer than 64 KiB, first, middle and last, before and after a reopen', async () => {
      const huge = (n: number) => `entry ${n} ${'y'.repeat(150 * 1024)}`;
      const entries = [huge(1), 'entry 2', huge(3), 'entry 4', huge(5)].map((t, i) => entry(i + 1, i + 1, t));
      await writeFile(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      let log = await openLog(['expected: no sidecar']);
      expect(log.count()).to.equal(5);
      expect(await log.query(all)).to.deep.equal([...entries].reverse());
      await closeLog(log);
      log = await openLog();
      expect(await log.query({ beforeSeq: 2, limit: 1 })).to.deep.equal([entries[0]]);
      expect(await log.query(all)).to.deep.equal([...entries].reverse());
    });

    it('a torn last line longer than 64 KiB is dropped too', async () => {
      await writeFile(file, line(1) + line(2));
      await appendFile(file, `{"seq":3,"at":"2026-11-24T09:00:03.000Z","target":"${'z'.repeat(200 * 1024)}`);
      const warnings: string[] = [];
      const log = await openLog(warnings);
      expect(warnings.filter((w) => /incomplete last entry/.test(w))).to.have.length(1);
      expect(log.count()).to.equal(2);
      expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2));
      await log.append([entry(3)]);
      expect(log.lastSeq()).to.equal(3);
    });

    it('concurrent appends are written one after the other, and all are on disk after reopening', async () => {
      const log = await openLog();
      await log.append([entry(1)]);
      const appends = range(2, 51).map((seq) => log.append([entry(seq)]));
      const refused = log.append([entry(10)]); // queued after seq 51: does not follow it
      await Promise.all(appends);
      await rejectionOf(refused, RangeError);
      expect(seqs(await log.query(all))).to.deep.equal(range(1, 51).reverse());
      await closeLog(log);

      const reopened = await openLog();
      expect(reopened.count()).to.equal(51);
      const onDisk = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as LogEntry);
      expect(onDisk).to.deep.equal(range(1, 51).map((n) => entry(n)));
    });

    it('a torn last line is dropped with a warning on open, and the next append follows the last whole entry', async () => {
      await made([entry(1), entry(2)]);
      await appendFile(file, '{"seq":3,"at":"2026-11-24T09:00:03.000Z","actor":{"tenantId":"par');
      const warnings: string[] = [];
      const log = await openLog(warnings);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.contain(file);
      expect(warnings[0]).to.match(/incomplete last entry \(65 bytes\)/);
      expect(log.count()).to.equal(2);
      expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2));

      await log.append([entry(3)]);
      await closeLog(log);
      expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2) + line(3));
      const warnings2: string[] = [];
      expect(seqs(await (await openLog(warnings2)).query(all))).to.deep.equal([3, 2, 1]);
      expect(warnings2).to.deep.equal([]);
    });

    it('a file that is only a torn line opens empty, with a warning', async () => {
      await writeFile(file, '{"seq":1,"at":');
      const warnings: string[] = [];
      const log = await openLog(warnings);
      expect(warnings).to.have.length(1);
      expect(log.count()).to.equal(0);
      await log.append([entry(1)]);
      expect(seqs(await log.query(all))).to.deep.equal([1]);
    });

    const corruptLines: { what: string; bad: string; message: RegExp }[] = [
      { what: 'a line that is not JSON', bad: 'this is not JSON\n', message: /line 2 is not valid JSON/ },
      { what: 'JSON failing the schema (an unknown outcome)', bad: `${JSON.stringify({ ...entry(2), outcome: 'Maybe' })}\n`, message: /line 2 is not a valid log entry[\s\S]*outcome/ },
      { what: 'JSON failing the schema (no actor)', bad: `${JSON.stringify({ ...entry(2), actor: undefined })}\n`, message: /line 2 is not a valid log entry[\s\S]*actor/ },
      { what: 'a seq going backwards', bad: line(1, 2), message: /line 2: seq 1 does not follow 1/ },
      { what: 'an empty line', bad: '\n', message: /line 2 is not valid JSON/ },
    ];
    for (const { what, bad, message } of corruptLines) {
      it(`a corrupt line in the middle (${what}) is refused naming its line; the file is unchanged and no sidecar written`, async () => {
        const content = Buffer.from(line(1) + bad + line(3) + line(4));
        await writeFile(file, content);
        const warnings: string[] = [];
        const error = await rejectionOf(openLog(warnings), StoreError);
        expect(error.file).to.equal(file);
        expect(error.message).to.match(message);
        expect(error.message).to.match(/left as it is/);
        expect(warnings).to.deep.equal([]);
        expect(await readFile(file)).to.deep.equal(content);
        expect(await exists(indexFile)).to.equal(false);
      });

      it(`a corrupt line after what the sidecar covers (${what}) is refused too, its line counted from the start`, async () => {
        await made([entry(1)]);
        const sidecar = await readFile(indexFile);
        await appendFile(file, bad + line(3));
        const content = await readFile(file);
        const error = await rejectionOf(openLog(), StoreError);
        expect(error.message).to.match(message);
        expect(await readFile(file)).to.deep.equal(content);
        expect(await readFile(indexFile)).to.deep.equal(sidecar);
      });
    }

    it('a corrupt line in the middle plus a torn last line is refused, and the torn tail is not cut off', async () => {
      const content = Buffer.from(`${line(1)}this is not JSON\n${line(3)}{"seq":4,"at":"2026-11`);
      await writeFile(file, content);
      const error = await rejectionOf(openLog(), StoreError);
      expect(error.message).to.match(/line 2 is not valid JSON[\s\S]*left as it is/);
      expect(await readFile(file)).to.deep.equal(content);
    });

    it('is only ever appended to: the bytes before each append are a prefix of the bytes after, one JSON entry per line', async () => {
      const log = await openLog();
      let before = await readFile(file);
      expect(before.length).to.equal(0);
      for (let n = 1; n <= 5; n++) {
        await log.append([entry(n)]);
        const after = await readFile(file);
        expect(after.subarray(0, before.length).equals(before), `append ${n} kept the earlier bytes`).to.equal(true);
        expect(after.subarray(before.length).toString('utf8')).to.equal(line(n));
        before = after;
      }
      expect(before.toString('utf8')).to.equal(range(1, 5).map((n) => line(n)).join(''));
    });

    it('a batch with an entry that fails the schema or does not follow is refused whole, writing nothing; the sequence goes on', async () => {
      const log = await openLog();
      await log.append([entry(1)]);
      const before = await readFile(file);
      await rejectionOf(log.append([entry(2), { ...entry(3), outcome: 'Maybe' as 'Succeeded' }]), TypeError);
      await rejectionOf(log.append([entry(2), entry(2)]), RangeError);
      await rejectionOf(log.append([entry(1)]), RangeError);
      expect(await readFile(file)).to.deep.equal(before);
      expect([log.count(), log.lastSeq()]).to.deep.equal([1, 1]);
      await log.append([entry(2)]);
      expect(seqs(await log.query(all))).to.deep.equal([2, 1]);
    });

    it('once closed, it refuses appends, queries and syncs', async () => {
      const log = await openLog();
      await closeLog(log);
      await log.close();
      await rejectionOf(log.append([entry(1)]), Error);
      await rejectionOf(log.query(all), Error);
      await rejectionOf(log.sync(), Error);
    });
  });

  describe('queries against a brute-force filter of the same entries', () => {
    const entries = randomLog(4000, 18);

    async function compare(log: ActivityFile, seed: number): Promise<void> {
      const rnd = random(seed);
      for (let i = 0; i < 400; i++) {
        const q = randomQuery(entries, rnd);
        expect(await log.query(q), JSON.stringify(q)).to.deep.equal(bruteForce(entries, q));
      }
      for (let i = 0; i < 30; i++) {
        const q = { ...randomQuery(entries, rnd), limit: 1 + rnd(40), beforeSeq: undefined };
        const pages: LogEntry[] = [];
        for (let page = await log.query(q); page.length; page = await log.query({ ...q, beforeSeq: page.at(-1)!.seq })) pages.push(...page);
        expect(seqs(pages), `paging ${JSON.stringify(q)}`).to.deep.equal(seqs(bruteForce(entries, { ...q, limit: entries.length })));
      }
    }

    it('as appended, as reopened from the sidecar, and as rebuilt without it', async function () {
      // Thousands of queries, each compared with a brute-force filter: 7 to 10 s on this machine, more than mocha's default.
      this.timeout(60_000);
      const log = await openLog();
      for (let i = 0; i < entries.length; i += 97) await log.append(entries.slice(i, i + 97));
      await compare(log, 1);
      await closeLog(log);

      const warnings: string[] = [];
      await compare(await openLog(warnings), 2);
      expect(warnings).to.deep.equal([]);

      await rm(indexFile);
      await compare(await openLog(warnings), 3);
      expect(warnings).to.have.length(1);
    });

    it('every filter on its own and together, with all limits and times at the boundaries', async () => {
      const log = await openLog();
      await log.append(entries);
      const e = entries[1234]!;
      const queries: LogQuery[] = [
        { customerIds: ['customer-3'], limit: 50 },
        { customerIds: ['customer-3', 'customer-7', 'customer-3'], limit: 50 },
        { operations: ['operation-2'], limit: 50 },
        { operations: ['operation-2', 'operation-5'], limit: 50 },
        { actorId: 'system', limit: 50 },
        { from: e.at, limit: 50 },
        { to: e.at, limit: 50 },
        { from: e.at, to: e.at, limit: 50 },
        { from: e.at, to: entries[1300]!.at, limit: 1000 },
        { beforeSeq: e.seq, limit: 50 },
        { beforeSeq: e.seq + 1, limit: 50 },
        { customerIds: ['customer-3'], operations: ['operation-2'], actorId: 'user-4', limit: 50 },
        { customerIds: ['customer-3', 'customer-9'], operations: ['operation-2', 'operation-0'], actorId: 'user-4', from: entries[500]!.at, to: entries[3500]!.at, beforeSeq: entries[3000]!.seq, limit: 5 },
        { customerIds: ['customer-3'], from: '2030-01-01T00:00:00Z', limit: 50 },
        { customerIds: ['customer-3'], to: '2020-01-01T00:00:00Z', limit: 50 },
        { beforeSeq: 1, limit: 50 },
        { beforeSeq: Infinity, limit: 3 },
        { limit: 100_000 },
      ];
      for (const q of queries) expect(await log.query(q), JSON.stringify(q)).to.deep.equal(bruteForce(entries, q));
    });
  });

  describe('the sidecar', () => {
    const entries = randomLog(500, 7);

    it('is used: a reopen reads only the lines after it, so a line it covers is not read again', async () => {
      await made(entries);
      // Spoil line 5 with a byte for byte as long change that a full read would refuse.
      const text = await readFile(file, 'utf8');
      const lines = text.split('\n');
      lines[4] = lines[4]!.replace(/"outcome":"(Succeeded|Refused)"/, (_, o: string) => `"outcome":"${'X'.repeat(o.length)}"`);
      await writeFile(file, lines.join('\n'));
      const extra = randomLog(520, 7).slice(500);
      await appendFile(file, extra.map((e) => `${JSON.stringify(e)}\n`).join(''));

      const warnings: string[] = [];
      const log = await openLog(warnings);
      expect(warnings).to.deep.equal([]);
      expect(log.count()).to.equal(520);
      const found = await log.query(all);
      expect(found.map((e) => e.target)).to.deep.equal(bruteForce([...entries, ...extra], all).map((e) => e.target));
      expect(found.at(-5)!.outcome, 'the spoiled line is read as it is now').to.match(/^X+$/);
      await closeLog(log);

      await rm(indexFile);
      const error = await rejectionOf(openLog(), StoreError);
      expect(error.message).to.match(/line 5 is not a valid log entry[\s\S]*outcome/);
    });

    const spoilers: { what: string; spoil: () => Promise<unknown> }[] = [
      { what: 'deleted', spoil: () => rm(indexFile) },
      { what: 'truncated', spoil: async () => truncate(indexFile, (await stat(indexFile)).size - 100) },
      { what: 'garbage', spoil: () => writeFile(indexFile, 'not an index') },
      { what: 'one byte changed in its columns', spoil: async () => {
        const data = await readFile(indexFile);
        data.writeUInt8(data[data.length - 5]! ^ 1, data.length - 5);
        await writeFile(indexFile, data);
      } },
      { what: 'for another log (the log replaced by another file)', spoil: () => writeFile(file, randomLog(600, 99).map((e) => `${JSON.stringify(e)}\n`).join('')) },
      { what: 'for a longer log (the log cut short)', spoil: async () => {
        const text = await readFile(file, 'utf8');
        await writeFile(file, text.slice(0, text.indexOf('\n', text.length >> 1) + 1));
      } },
    ];
    for (const { what, spoil } of spoilers) {
      it(`is rebuilt with one warning when ${what}, and a new one is written`, async () => {
        await made(entries);
        await spoil();
        const expected = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as LogEntry);
        const warnings: string[] = [];
        const log = await openLog(warnings);
        expect(warnings).to.have.length(1);
        expect(warnings[0]).to.contain(indexFile).and.match(/rebuilt/);
        expect(log.count()).to.equal(expected.length);
        const rnd = random(5);
        for (let i = 0; i < 100; i++) {
          const q = randomQuery(expected, rnd);
          expect(await log.query(q), JSON.stringify(q)).to.deep.equal(bruteForce(expected, q));
        }
        await closeLog(log);
        const again: string[] = [];
        await openLog(again);
        expect(again, 'the rebuilt sidecar is used').to.deep.equal([]);
      });
    }

    it('saved and queried while appends are under way: each sees whole appends only, and the sidecar matches the log', async () => {
      const log = await openLog();
      const work: Promise<unknown>[] = [];
      const answers: Promise<LogEntry[]>[] = [];
      for (let i = 0; i < entries.length; i += 25) {
        work.push(log.append(entries.slice(i, i + 25)));
        if (i % 100 === 0) work.push(log.saveIndex(), log.sync());
        answers.push(log.query(all));
        await new Promise(setImmediate); // lets writes under way go on between the calls
      }
      await Promise.all(work);
      const counts = new Set((await Promise.all(answers)).map((answer) => answer.length));
      expect(counts.size, 'queries saw the log at several lengths').to.be.greaterThan(3);
      for (const answer of await Promise.all(answers)) {
        expect(answer.length % 25, 'whole batches only').to.equal(0);
        expect(answer).to.deep.equal(bruteForce(entries, { beforeSeq: (answer[0]?.seq ?? 0) + 1, limit: entries.length }));
      }
      await log.saveIndex();
      await log.append([logEntrySchema.parse({ ...entries[0]!, seq: entries.at(-1)!.seq + 1 })]);
      await closeLog(log);
      const warnings: string[] = [];
      expect((await openLog(warnings)).count()).to.equal(entries.length + 1);
      expect(warnings).to.deep.equal([]);
    });

    it('saved while appending covers what was appended before it; a crash then (no close) loses nothing', async () => {
      const log = await openLog();
      await log.append(entries.slice(0, 300));
      await log.saveIndex();
      await log.append(entries.slice(300));
      await log.sync();
      await appendFile(file, '{"seq":999999,"at":"2026'); // torn by the crash
      // No close: the process died. The next open reads the 200 entries after the sidecar and drops the torn line.
      const warnings: string[] = [];
      const reopened = await ActivityFile.open(file, (m) => warnings.push(m));
      opened.push(reopened);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/incomplete last entry/);
      expect(await reopened.query(all)).to.deep.equal(bruteForce(entries, all));
      await closeLog(log).catch(() => undefined);
    });
  });

  it('at 1,000,000 entries, opens in well under 1.5 s with its sidecar and answers a one-customer query in a few ms', async function () {
    this.timeout(60_000);
    const total = 1_000_000;
    const start = Date.UTC(2025, 0, 1);
    const out = createWriteStream(file);
    for (let i = 1; i <= total; i += 10_000) {
      let chunk = '';
      for (let seq = i; seq < i + 10_000; seq++) {
        chunk += `{"seq":${seq},"at":"${new Date(start + seq * 1000).toISOString()}","actor":{"tenantId":"t","userId":"user-${seq % 50}","name":"Someone","role":"AdminAgent"},"operation":"operation-${seq % 12}","customerId":"customer-${(seq * 7919) % 1000}","target":"target ${seq}","outcome":"Succeeded"}\n`;
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    await closeLog(await openLog(['expected: no sidecar yet']));

    const began = performance.now();
    const log = await openLog();
    const opening = performance.now() - began;
    expect(log.count()).to.equal(total);
    expect(opening, `open took ${opening.toFixed(0)} ms`).to.be.below(1500);

    const times: number[] = [];
    for (let c = 0; c < 100; c++) {
      const t0 = performance.now();
      const found = await log.query({ customerIds: [`customer-${c * 7}`], limit: 25, ...(c % 2 ? { beforeSeq: 500_000 } : {}) });
      times.push(performance.now() - t0);
      expect(found).to.have.length(25);
      expect(found.every((e) => e.customerId === `customer-${c * 7}`)).to.equal(true);
    }
    times.sort((a, b) => a - b);
    // A scan of the whole log takes seconds; served from the index, a query takes a few ms (with room for a busy machine).
    expect(times[50], `median ${times[50]!.toFixed(2)} ms`).to.be.below(20);
    expect(times[98], `p99 ${times[98]!.toFixed(2)} ms`).to.be.below(100);
  });
});
