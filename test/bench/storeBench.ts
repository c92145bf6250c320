// npm run bench: the bot as a real process over HTTP, with a fake Bot Connector, on stores of 100, 1,000 and 10,000
// customers (10 reservations and 100 log entries each), the three running side by side and taking turns in
// alternation. Prints per size the p50/p99 of a read turn, a write turn, `log <customer>`, a purchase confirm click
// and /v1/auditrecords for one customer; cold start; RSS; then 10 Admin Agents writing at once on the largest store,
// and the ratios of the largest size to the smallest.
// BENCH_SIZES=100,1000 picks other sizes; BENCH_RUNS sets the samples per figure.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { admins, customerId, domainOf, writeBenchWorld } from './benchWorld.ts';

const sizes = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 200);
/** Turns of every kind before the measured ones, so that no size pays for the JIT's first compilations. */
const warmUp = 20;
const writersSeconds = 10;

interface Figures {
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

/** A bot running on a store of `size` customers, with what its start took and an Admin Agent's token for the API. */
interface Running {
  size: number;
  dataDir: string;
  bot: BotProcess;
  token: string;
  figures: Figures;
  /** The permission each customer was last turned to, so that every write turn changes something. */
  on: Map<number, boolean>;
}

async function startOn(connector: FakeConnector, size: number): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), `csp-bench-${size}-`));
  await writeBenchWorld(dataDir, size);
  // The first start reads a log it has no index of yet; a clean stop writes the snapshot and the index.
  await stop(await startBotProcess(connector, dataDir, { DEV_SIGN_IN: 'on' }));
  const started = performance.now();
  const bot = await startBotProcess(connector, dataDir, { DEV_SIGN_IN: 'on' });
  const coldStartMs = performance.now() - started;
  const storeOpenMs = Number(bot.output().match(/opened in (\d+) ms/)?.[1] ?? NaN);
  const [admin] = admins;
  const signIn = await fetch(`${bot.url}/dashboard/dev/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: admin!.tenantId, userId: admin!.userId }) });
  const { token } = (await signIn.json()) as { token: string };
  return { size, dataDir, bot, token, on: new Map(), figures: { size, read: [], write: [], log: [], confirm: [], audit: [], coldStartMs, storeOpenMs, rssMb: 0 } };
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

const connector = await startFakeConnector();
const running: Running[] = [];
const benchStarted = performance.now();
try {
  for (const size of sizes) running.push(await startOn(connector, size));
  await measureSideBySide(connector, running);
  const largest = running.at(-1)!;
  const writesPerSecond = await writersAtOnce(largest.bot, connector, largest.size);
  for (const { size, figures } of running) {
    const line = (name: string, samples: number[]) => console.log(`  ${name.padEnd(26)} p50 ${ms(percentile(samples, 50))}   p99 ${ms(percentile(samples, 99))}   (${samples.length} runs)`);
    console.log(`\n${size} customers (${size * 10} reservations, ${size * 100} log entries)`);
    line('read turn (customer X)', figures.read);
    line('write turn (permission)', figures.write);
    line('log <customer>', figures.log);
    line('purchase confirm click', figures.confirm);
    line('/v1/auditrecords (1 cust.)', figures.audit);
    console.log(`  cold start (process start until /healthz answers) ${ms(figures.coldStartMs)}, of which the store's open ${ms(figures.storeOpenMs)}; RSS ${figures.rssMb.toFixed(0)} MB`);
  }
  console.log(`\n10 Admin Agents writing at once at ${largest.size} customers: ${writesPerSecond.toFixed(1)} writes/s`);
  const [small, large] = [running[0]!.figures, largest.figures];
  const ratio = (pick: (f: Figures) => number[]) => (percentile(pick(large), 99) / percentile(pick(small), 99)).toFixed(2);
  console.log(`\np99 at ${large.size} customers ÷ p99 at ${small.size}, in this run:`);
  console.log(`  write turn ${ratio((f) => f.write)}   log <customer> ${ratio((f) => f.log)}   /v1/auditrecords ${ratio((f) => f.audit)}   read turn ${ratio((f) => f.read)}   confirm ${ratio((f) => f.confirm)}`);
  console.log(`\nbench took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
} finally {
  for (const { bot, dataDir } of running) {
    await stop(bot).catch(() => bot.child.kill('SIGKILL'));
    await rm(dataDir, { recursive: true, force: true });
  }
  await connector.close();
}
