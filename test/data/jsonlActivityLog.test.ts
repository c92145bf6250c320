import { expect } from 'chai';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlActivityLog } from '../../data/jsonlActivityLog.ts';
import { logEntrySchema, type LogEntry, type NewLogEntry } from '../../data/schemas.ts';
import { StoreError } from '../../data/storeError.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const admin = { tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' } as const;

/** Entry `n` of a test log: the target says which one it is, the customer alternates between three. */
function entry(n: number, target = `entry ${n}`): NewLogEntry {
  return {
    at: new Date(Date.UTC(2026, 10, 24, 9, 0, n % 60)).toISOString(),
    actor: admin,
    operation: n % 2 ? 'Create Customer Purchase Permissions' : 'Delete Customer Purchase Permissions',
    customerId: `customer-${n % 3}`,
    target,
    outcome: 'Succeeded',
    before: { enabled: n % 2 === 0 },
    after: { enabled: n % 2 === 1 },
  };
}

/** A stored line as the log writes it. */
const line = (seq: number, n = seq) => `${JSON.stringify(logEntrySchema.parse({ seq, ...entry(n) }))}\n`;


describe('JSON Lines activity log (data/jsonlActivityLog.ts)', () => {
  let dir: string;
  let file: string;
  const open: JsonlActivityLog[] = [];
  /** Opens the log, collecting warnings; every log opened is closed after the test. */
  async function openLog(warnings: string[] = []): Promise<JsonlActivityLog> {
    const log = await JsonlActivityLog.open(file, (m) => warnings.push(m));
    open.push(log);
    return log;
  }
  async function closeLog(log: JsonlActivityLog): Promise<void> {
    open.splice(open.indexOf(log), 1);
    await log.close();
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csp-bot-log-'));
    file = join(dir, 'activity.jsonl');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((log) => log.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('creates an empty log, and gives entries seq 1, 2, 3 in order', async () => {
    const log = await openLog();
    expect(log.size()).to.equal(0);
    const stored = [await log.append(entry(1)), await log.append(entry(2)), await log.append(entry(3))];
    expect(stored.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(stored[1]).to.deep.equal({ seq: 2, ...entry(2) });
    expect(log.size()).to.equal(3);
  });

  it('keeps its entries when reopened and continues the sequence', async () => {
    const first = await openLog();
    for (let n = 1; n <= 3; n++) await first.append(entry(n));
    await closeLog(first);

    const warnings: string[] = [];
    const again = await openLog(warnings);
    expect(warnings).to.deep.equal([]);
    expect(again.size()).to.equal(3);
    expect((await again.newest(() => true, 10)).map((e) => e.target)).to.deep.equal(['entry 3', 'entry 2', 'entry 1']);
    expect((await again.append(entry(4))).seq).to.equal(4);
    expect(again.size()).to.equal(4);
  });

  it('newest returns the newest matching entries first, at most `limit` of them', async () => {
    const log = await openLog();
    for (let n = 1; n <= 10; n++) await log.append(entry(n));
    const ofCustomer1 = (e: LogEntry) => e.customerId === 'customer-1';
    expect((await log.newest(ofCustomer1, 10)).map((e) => e.seq)).to.deep.equal([10, 7, 4, 1]);
    expect((await log.newest(ofCustomer1, 2)).map((e) => e.seq)).to.deep.equal([10, 7]);
    expect((await log.newest(() => true, 3)).map((e) => e.seq)).to.deep.equal([10, 9, 8]);
    expect(await log.newest(() => true, 0)).to.deep.equal([]);
    expect(await log.newest((e) => e.customerId === 'nobody', 5)).to.deep.equal([]);
  });

  it('newest works across many 64 KiB chunks, down to the very first entry', async function () {
    this.timeout(60_000);
    const total = 3000;
    // Long targets of varying length so that lines straddle the 64 KiB chunk boundaries at many offsets.
    const target = (n: number) => `entry ${n} ${'x'.repeat(200 + ((n * 37) % 157))} é€😀`;
    const lines = Array.from({ length: total }, (_, i) => `${JSON.stringify(logEntrySchema.parse({ seq: i + 1, ...entry(i + 1, target(i + 1)) }))}\n`);
    await writeFile(file, lines.join(''));

    const reopened = await openLog();
    expect(reopened.size()).to.equal(total);
    const bytes = (await readFile(file)).length;
    expect(bytes).to.be.greaterThan(10 * 64 * 1024);

    const all = await reopened.newest(() => true, total + 10);
    expect(all).to.have.length(total);
    expect(all.map((e) => e.seq)).to.deep.equal(Array.from({ length: total }, (_, i) => total - i));
    expect(all.every((e) => e.target === target(e.seq))).to.equal(true);

    const [first] = await reopened.newest((e) => e.seq === 1, 1);
    expect(first).to.deep.equal(logEntrySchema.parse({ seq: 1, ...entry(1, target(1)) }));

    const everyThousandth = await reopened.newest((e) => e.seq % 1000 === 1, 10);
    expect(everyThousandth.map((e) => e.target)).to.deep.equal([target(2001), target(1001), target(1)]);

    const limited = await reopened.newest((e) => e.customerId === 'customer-0', 5);
    expect(limited.map((e) => e.seq)).to.deep.equal([3000, 2997, 2994, 2991, 2988]);

    const appended = await reopened.append(entry(total + 1, target(total + 1)));
    expect(appended.seq).to.equal(total + 1);
    expect((await reopened.newest(() => true, 2)).map((e) => e.seq)).to.deep.equal([total + 1, total]);
  });

  it('newest and open handle entries longer than one 64 KiB chunk, first, middle and last', async () => {
    const huge = (n: number) => `entry ${n} ${'y'.repeat(150 * 1024)}`;
    const targets = [huge(1), 'entry 2', huge(3), 'entry 4', huge(5)];
    await writeFile(file, targets.map((t, i) => `${JSON.stringify(logEntrySchema.parse({ seq: i + 1, ...entry(i + 1, t) }))}\n`).join(''));
    const log = await openLog();
    expect(log.size()).to.equal(5);
    expect((await log.newest(() => true, 10)).map((e) => e.target)).to.deep.equal([...targets].reverse());
    expect((await log.newest((e) => e.seq === 1, 1))[0]!.target).to.equal(huge(1));
  });

  it('a torn last line longer than one 64 KiB chunk is dropped too', async () => {
    await writeFile(file, line(1) + line(2));
    await appendFile(file, `{"seq":3,"at":"2026-11-24T09:00:03.000Z","target":"${'z'.repeat(200 * 1024)}`);
    const warnings: string[] = [];
    const log = await openLog(warnings);
    expect(warnings).to.have.length(1);
    expect(log.size()).to.equal(2);
    expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2));
    expect((await log.append(entry(3))).seq).to.equal(3);
  });

  it('concurrent appends get distinct, consecutive seqs, and all are on disk after reopening', async () => {
    const log = await openLog();
    await log.append(entry(0));
    const stored = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(entry(i + 1))));
    expect(stored.map((e) => e.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(stored.map((e) => e.target)).to.deep.equal(Array.from({ length: 50 }, (_, i) => `entry ${i + 1}`));
    await closeLog(log);

    const reopened = await openLog();
    expect(reopened.size()).to.equal(51);
    const onDisk = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as LogEntry);
    expect(onDisk.map((e) => e.seq)).to.deep.equal(Array.from({ length: 51 }, (_, i) => i + 1));
    expect(new Set(onDisk.map((e) => e.target)).size).to.equal(51);
  });

  it('a torn last line is dropped with a warning on open, and the next append gets the right seq', async () => {
    await writeFile(file, line(1) + line(2));
    await appendFile(file, '{"seq":3,"at":"2026-11-24T09:00:03.000Z","actor":{"tenantId":"par');
    const warnings: string[] = [];
    const log = await openLog(warnings);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain(file);
    expect(warnings[0]).to.match(/incomplete last entry/);
    expect(log.size()).to.equal(2);
    expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2));

    const next = await log.append(entry(3));
    expect(next.seq).to.equal(3);
    await closeLog(log);
    expect(await readFile(file, 'utf8')).to.equal(line(1) + line(2) + line(3));
  });

  it('a file that is only a torn line opens empty, with a warning', async () => {
    await writeFile(file, '{"seq":1,"at":');
    const warnings: string[] = [];
    const log = await openLog(warnings);
    expect(warnings).to.have.length(1);
    expect(log.size()).to.equal(0);
    expect((await log.append(entry(1))).seq).to.equal(1);
  });

  const corruptMiddles: { what: string; bad: string; lineNo: number; message: RegExp }[] = [
    { what: 'a line that is not JSON', bad: 'this is not JSON\n', lineNo: 2, message: /line 2 is not valid JSON/ },
    { what: 'JSON failing the schema (an unknown outcome)', bad: `${JSON.stringify({ ...JSON.parse(line(2)), outcome: 'Maybe' })}\n`, lineNo: 2, message: /line 2 is not a valid log entry[\s\S]*outcome/ },
    { what: 'JSON failing the schema (no actor)', bad: `${JSON.stringify({ ...JSON.parse(line(2)), actor: undefined })}\n`, lineNo: 2, message: /line 2 is not a valid log entry[\s\S]*actor/ },
    { what: 'a seq going backwards', bad: line(1, 2), lineNo: 2, message: /line 2: seq 1 does not follow 1/ },
    { what: 'an empty line', bad: '\n', lineNo: 2, message: /line 2 is not valid JSON/ },
  ];

  for (const { what, bad, lineNo, message } of corruptMiddles) {
    it(`a corrupt line in the middle (${what}) is refused naming line ${lineNo}; the file is unchanged`, async () => {
      const content = Buffer.from(line(1) + bad + line(3) + line(4));
      await writeFile(file, content);
      const warnings: string[] = [];
      const error = await rejectionOf(openLog(warnings), StoreError);
      expect(error.file).to.equal(file);
      expect(error.message).to.match(message);
      expect(error.message).to.match(/left as it is/);
      expect(warnings).to.deep.equal([]);
      expect(await readFile(file)).to.deep.equal(content);
    });
  }

  it('a corrupt line in the middle plus a torn last line is refused, and the torn tail is not cut off (the file is left as it is)', async () => {
    const content = Buffer.from(`${line(1)}this is not JSON\n${line(3)}{"seq":4,"at":"2026-11`);
    await writeFile(file, content);
    const error = await rejectionOf(openLog(), StoreError);
    expect(error.message).to.match(/line 2 is not valid JSON[\s\S]*left as it is/);
    expect((await readFile(file)).toString('utf8'), 'the refused file must be left byte for byte as it was').to.equal(content.toString('utf8'));
  });

  it('is only ever appended to: the bytes before each append are a prefix of the bytes after, one JSON entry per line', async () => {
    const log = await openLog();
    let before = await readFile(file);
    expect(before.length).to.equal(0);
    for (let n = 1; n <= 5; n++) {
      const stored = await log.append(entry(n));
      const after = await readFile(file);
      expect(after.subarray(0, before.length).equals(before), `append ${n} kept the earlier bytes`).to.equal(true);
      expect(after.subarray(before.length).toString('utf8')).to.equal(`${JSON.stringify(stored)}\n`);
      before = after;
    }
    const text = before.toString('utf8');
    expect(text.endsWith('\n')).to.equal(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).to.have.length(5);
    lines.forEach((l, i) => expect(logEntrySchema.parse(JSON.parse(l)).seq).to.equal(i + 1));
  });

  it('an entry that fails the schema is refused without writing anything, and the sequence goes on', async () => {
    const log = await openLog();
    await log.append(entry(1));
    const before = await readFile(file);
    let error: unknown;
    await log.append({ ...entry(2), outcome: 'Maybe' as 'Succeeded' }).catch((err: unknown) => (error = err));
    expect(error).to.be.instanceOf(Error);
    expect(await readFile(file)).to.deep.equal(before);
    expect((await log.append(entry(3))).seq).to.equal(2);
  });
});
