// npm run bench: what one activity-log append costs with 10 entries in the log and with 1,000,000.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonlActivityLog } from '../../data/jsonlActivityLog.ts';
import type { NewLogEntry } from '../../data/schemas.ts';

const appends = Number(process.env.BENCH_APPENDS ?? 300);
const big = Number(process.env.BENCH_ENTRIES ?? 1_000_000);

const entry = (i: number): NewLogEntry => ({
  at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  actor: { tenantId: '00000000-0000-0000-0000-0000000000001', userId: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber', role: 'AdminAgent' },
  operation: i % 2 ? 'Create Customer Purchase Permissions' : 'Delete Customer Purchase Permissions',
  customerId: '9f5ebc32-7d30-4e81-9c4f-2e3a4b5c6d03',
  customerName: 'Fabrikam Inc',
  target: 'Azure reservations: allow customer to purchase',
  outcome: 'Succeeded',
  before: { enabled: i % 2 === 0 },
  after: { enabled: i % 2 === 1 },
});

/** Writes a log of `count` entries straight to disk, as years of use would leave it. */
async function prefill(file: string, count: number) {
  const out = createWriteStream(file);
  for (let i = 1; i <= count; i++) {
    if (!out.write(`${JSON.stringify({ seq: i, ...entry(i) })}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  // Flush the prefill now, or the first timed append's flush would pay for all of it.
  const handle = await open(file, 'r+');
  await handle.sync();
  await handle.close();
}

async function measure(count: number) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-log-'));
  const file = join(dir, 'activity.jsonl');
  try {
    await prefill(file, count);
    const opened = performance.now();
    const log = await JsonlActivityLog.open(file);
    const openMs = performance.now() - opened;
    const times: number[] = [];
    for (let i = 0; i < appends; i++) {
      const start = performance.now();
      await log.append(entry(count + i + 1));
      times.push(performance.now() - start);
    }
    const newestStart = performance.now();
    await log.newest(() => true, 15);
    const newestMs = performance.now() - newestStart;
    await log.close();
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const median = times[Math.floor(times.length / 2)]!;
    const p95 = times[Math.floor(times.length * 0.95)]!;
    const mb = (await stat(file)).size / 1e6;
    console.log(
      `${count.toLocaleString('en-US').padStart(9)} entries (${mb.toFixed(1)} MB): append mean ${mean.toFixed(3)} ms, median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms over ${appends}; ` +
        `newest 15 ${newestMs.toFixed(1)} ms; open + validate ${(openMs / 1000).toFixed(2)} s`,
    );
    return mean;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

console.log('Activity log append cost (each append is written and flushed to disk before it resolves):');
const small = await measure(10);
const large = await measure(big);
console.log(`ratio ${big.toLocaleString('en-US')} / 10 entries: ${(large / small).toFixed(2)}`);
