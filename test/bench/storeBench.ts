// npm run bench: the bot as a real process over HTTP, with a fake Bot Connector, on stores of 100, 1,000 and 10,000
// customers (10 reservations and 100 log entries each), on the embedded store and on PostgreSQL (each world copied
// into a database of its own by data/copyToPostgres.ts), every bot running side by side and taking turns in
// alternation. Prints per backend and size the p50/p99 of a read turn, a write turn, `log <customer>`, a purchase
// confirm click and /v1/auditrecords for one customer; cold start; RSS; then 10 Admin Agents writing at once on the
// largest store, the ratios of the largest size to the smallest, and the issue's targets on PostgreSQL.
// Usage: [BENCH_DATABASE_URL=postgres://…] [BENCH_SIZES=100,1000] [BENCH_RUNS=200] npm run bench
// BENCH_DATABASE_URL (else TEST_DATABASE_URL) names a PostgreSQL server whose role may create databases; the bench
// makes csp_bench_<size>_<pid> there and drops them. Without either, only the embedded store is measured.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyToPostgres } from '../../data/copyToPostgres.ts';
import { openStore } from '../../data/embeddedStore.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { benchServer, createBenchDatabase, type BenchDatabase } from './benchDatabase.ts';
import { admins, customerId, domainOf, writeBenchWorld } from './benchWorld.ts';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 200);
/** Turns of every kind before the measured ones, so that no size pays for the JIT's first compilations. */
const warmUp = 20;
const writersSeconds = 10;

type Backend = 'embedded' | 'postgres';
const backendName: Record<Backend, string> = { embedded: 'embedded store', postgres: 'PostgreSQL' };

interface Figures {
  backend: Backend;
  size: number;
  read: number[];
  write: number[];
  log: number[];
  confirm: number[];
  audit: number[];
  coldStartMs: number;
  /** The part of the cold start the store took, as the bot's start-up line says it. */
  storeOpenMs: number;
  rssMb: number;
}

const percentile = (samples: number[], p: number) => [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const pick = (size: number) => Math.floor(Math.random() * size);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The quote id on the review card a `buy` line answers with. */
function quoteIdOf(reply: unknown): string {
  const found = JSON.stringify(reply).match(/"quoteId":"([^"]+)"/);
  if (!found) throw new Error(`no purchase review card in ${JSON.stringify(reply).slice(0, 500)}`);
  return found[1]!;
}

async function rssMb(bot: BotProcess): Promise<number> {
  const status = await readFile(`/proc/${bot.child.pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)![1]) / 1024;
}

async function stop(bot: BotProcess): Promise<void> {
  bot.child.kill('SIGTERM');
  const { code } = await bot.exited;
  if (code !== 0) throw new Error(`the bot stopped with ${code}:\n${bot.output()}`);
}

/** A store of `size` customers in a folder, and its copy in a database of its own when PostgreSQL is measured. */
interface World {
  size: number;
  dataDir: string;
  database?: BenchDatabase;
  copyMs?: number;
}

async function prepare(size: number, serverUrl: string | undefined): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), `csp-bench-${size}-`));
  await writeBenchWorld(dataDir, size);
  if (!serverUrl) {
    // The first open reads a log it has no index of yet (at 10,000 customers, on a busy machine, longer than a bot's start
    // is given) and warns that it has none; a close writes the snapshot and the index.
    await (await openStore(dataDir, { warn: () => undefined })).close();
    return { size, dataDir };
  }
  // The copy opens and closes the folder as the bot does: the snapshot and the index are written as above.
  const database = await createBenchDatabase(serverUrl, `csp_bench_${size}_${process.pid}`);
  const copied = await copyToPostgres(dataDir, database.url, { warn: () => undefined });
  return { size, dataDir, database, copyMs: copied.ms };
}

/** A bot running on a store of `size` customers, with what its start took and an Admin Agent's token for the API. */
interface Running {
  backend: Backend;
  size: number;
  bot: BotProcess;
  token: string;
  figures: Figures;
  /** The permission each customer was last turned to, so that every write turn changes something. */
  on: Map<number, boolean>;
}

async function startOn(connector: FakeConnector, world: World, backend: Backend): Promise<Running> {
  const { size, dataDir, database } = world;
  // The embedded store of 10,000 customers opens in a few seconds on an idle machine, in well over 10 on a busy one.
  const started = performance.now();
  const bot = await startBotProcess(connector, dataDir, { DEV_SIGN_IN: 'on', DATABASE_URL: backend === 'postgres' ? database!.url : '' }, { startTimeoutMs: 120_000 });
  const coldStartMs = performance.now() - started;
  // The start-up line comes once the bot listens, after /healthz may have answered (it counts the log first).
  for (const until = performance.now() + 30_000; !/opened in \d+ ms/.test(bot.output()) && performance.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 50));
  const storeOpenMs = Number(bot.output().match(/opened in (\d+) ms/)?.[1] ?? NaN);
  const [admin] = admins;
  const signIn = await fetch(`${bot.url}/dashboard/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: admin!.tenantId, userId: admin!.userId }) });
  const { token } = (await signIn.json()) as { token: string };
  return { backend, size, bot, token, on: new Map(), figures: { backend, size, read: [], write: [], log: [], confirm: [], audit: [], coldStartMs, storeOpenMs, rssMb: 0 } };
}

/** One turn of each kind on one bot, its times added to `into`. */
async function turns({ size, bot, token, on }: Running, into: Figures, withConfirm: boolean): Promise<void> {
  const [admin] = admins;
  const i = pick(size);
  into.read.push(await timed(() => bot.say(admin!, `customer ${domainOf(i)}`)));
  const enable = !(on.get(i) ?? false);
  on.set(i, enable);
  into.write.push(await timed(() => bot.say(admin!, `permission ${enable ? 'on' : 'off'} ${domainOf(i)}`)));
  into.log.push(await timed(() => bot.say(admin!, `log ${domainOf(i)}`)));
  const filter = JSON.stringify({ Field: 'CustomerId', Value: customerId(i), Operator: 'equals' });
  into.audit.push(
    await timed(async () => {
      const res = await fetch(`${bot.url}/v1/auditrecords?startDate=2020-01-01&size=25&filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`/v1/auditrecords answered ${res.status}: ${await res.text()}`);
      await res.json();
    }),
  );
  if (withConfirm) {
    const [review] = await bot.say(admin!, `buy for ${domainOf(i)} Standard_D2s_v5 eastus 1y 1`);
    const quoteId = quoteIdOf(review);
    into.confirm.push(await timed(() => bot.click(admin!, 'purchase.confirm', { quoteId })));
  }
}

/**
 * The bots of every size run side by side and take their turns in alternation, so that whatever else the machine is
 * doing falls on every size alike and the ratios compare like with like.
 */
async function measureSideBySide(connector: FakeConnector, running: Running[]): Promise<void> {
  for (let run = -warmUp; run < runs; run++) {
    for (const one of running) {
      const into = run < 0 ? { ...one.figures, read: [], write: [], log: [], confirm: [], audit: [] } : one.figures;
      await turns(one, into, run < 0 || run % 2 === 0);
    }
    connector.clear();
  }
  for (const one of running) one.figures.rssMb = await rssMb(one.bot);
}

/** Ten Admin Agents, each turning the permission on and off on customers of their own, for a few seconds: writes per second. */
async function writersAtOnce(bot: BotProcess, connector: FakeConnector, size: number): Promise<number> {
  const until = performance.now() + writersSeconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    admins.map(async (admin, a) => {
      let done = 0;
      for (let n = 0; performance.now() < until; n++) {
        const i = (a + admins.length * (n % 50)) % size;
        await bot.say(admin, `permission ${Math.floor(n / 50) % 2 === 0 ? 'on' : 'off'} ${domainOf(i)}`);
        done++;
      }
      return done;
    }),
  );
  const perSecond = counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
  connector.clear();
  return perSecond;
}

function printFigures(all: Figures[], worlds: World[], writes: Map<Backend, number>): void {
  const p99 = (samples: number[]) => percentile(samples, 99);
  for (const backend of writes.keys()) {
    const copied = worlds.filter((w) => w.copyMs !== undefined).map((w) => `${w.size} customers in ${((w.copyMs ?? 0) / 1000).toFixed(1)} s`);
    console.log(`\n=== ${backendName[backend]}${backend === 'postgres' ? ` (each store copied in by copyToPostgres: ${copied.join(', ')})` : ''}`);
    for (const figures of all.filter((f) => f.backend === backend)) {
      const line = (name: string, samples: number[]) => console.log(`  ${name.padEnd(26)} p50 ${ms(percentile(samples, 50))}   p99 ${ms(p99(samples))}   (${samples.length} runs)`);
      console.log(`\n${figures.size} customers (${figures.size * 10} reservations, ${figures.size * 100} log entries)`);
      line('read turn (customer X)', figures.read);
      line('write turn (permission)', figures.write);
      line('log <customer>', figures.log);
      line('purchase confirm click', figures.confirm);
      line('/v1/auditrecords (1 cust.)', figures.audit);
      console.log(`  cold start (process start until /healthz answers) ${ms(figures.coldStartMs)}, of which the store's open ${ms(figures.storeOpenMs)}; RSS ${figures.rssMb.toFixed(0)} MB`);
    }
  }
  const ofBackend = (backend: Backend) => all.filter((f) => f.backend === backend);
  const [small, large] = [all[0]!.size, all.at(-1)!.size];
  console.log(`\n10 Admin Agents writing at once at ${large} customers: ${[...writes].map(([backend, perSecond]) => `${backendName[backend]} ${perSecond.toFixed(1)} writes/s`).join(', ')}`);
  console.log(`\np99 at ${large} customers ÷ p99 at ${small}, in this run:`);
  for (const backend of writes.keys()) {
    const [s, l] = [ofBackend(backend)[0]!, ofBackend(backend).at(-1)!];
    const ratio = (pick: (f: Figures) => number[]) => (p99(pick(l)) / p99(pick(s))).toFixed(2);
    console.log(`  ${backendName[backend].padEnd(15)} write turn ${ratio((f) => f.write)}   log <customer> ${ratio((f) => f.log)}   /v1/auditrecords ${ratio((f) => f.audit)}   read turn ${ratio((f) => f.read)}   confirm ${ratio((f) => f.confirm)}`);
  }
  if (!writes.has('postgres')) return;
  // The issue's figures: on PostgreSQL at the largest size, the read and write turns' p99 within 1.5 × theirs at the smallest, and one customer's audit records in under 50 ms.
  const [s, l] = [ofBackend('postgres')[0]!, ofBackend('postgres').at(-1)!];
  const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
  const readRatio = p99(l.read) / p99(s.read);
  const writeRatio = p99(l.write) / p99(s.write);
  const audit = p99(l.audit);
  console.log(`\nThe issue's targets on PostgreSQL, in this run:`);
  console.log(`  read turn p99 at ${large} ÷ at ${small}     ${readRatio.toFixed(2).padStart(6)}   (≤ 1.5)   ${verdict(readRatio <= 1.5)}`);
  console.log(`  write turn p99 at ${large} ÷ at ${small}    ${writeRatio.toFixed(2).padStart(6)}   (≤ 1.5)   ${verdict(writeRatio <= 1.5)}`);
  console.log(`  /v1/auditrecords p99 at ${large}       ${ms(audit)}   (< 50 ms) ${verdict(audit < 50)}`);
}

const server = await benchServer(process.env);
if ('skipped' in server) console.log(`PostgreSQL part skipped: ${server.skipped}. Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a postgres:// server whose role may create databases to measure it too.`);
const backends: Backend[] = 'url' in server ? ['embedded', 'postgres'] : ['embedded'];
const connector = await startFakeConnector();
const worlds: World[] = [];
const running: Running[] = [];
const benchStarted = performance.now();
try {
  for (const size of sizes) worlds.push(await prepare(size, 'url' in server ? server.url : undefined));
  for (const world of worlds) for (const backend of backends) running.push(await startOn(connector, world, backend));
  await measureSideBySide(connector, running);
  const writes = new Map<Backend, number>();
  for (const backend of backends) {
    const largest = running.filter((r) => r.backend === backend).at(-1)!;
    writes.set(backend, await writersAtOnce(largest.bot, connector, largest.size));
  }
  printFigures(running.map((r) => r.figures), worlds, writes);
  console.log(`\nbench took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
} finally {
  for (const { bot } of running) await stop(bot).catch(() => bot.child.kill('SIGKILL'));
  for (const { dataDir, database } of worlds) {
    await rm(dataDir, { recursive: true, force: true });
    await database?.drop().catch((err: Error) => console.error(`could not drop a bench database: ${err.message}`));
  }
  await connector.close();
}
