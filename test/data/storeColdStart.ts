/**
 * A cold start, in a process of its own (test/data/embeddedStore.test.ts): opens the store in argv[2] and
 * prints, as JSON, how long openStore took (wall time, and the CPU time of this process, which other work on
 * the machine does not inflate), then each part on its own: store.json read, parsed and checked; the tables
 * and indexes built; the activity log opened.
 */
import { ActivityFile } from '../../data/activityFile.ts';
import { activityFile, openStore, storeFile } from '../../data/embeddedStore.ts';
import { readSnapshot } from '../../data/snapshot.ts';
import { Tables } from '../../data/tables.ts';

const dataDir = process.argv[2]!;
let t = performance.now();
const cpu = process.cpuUsage();
const store = await openStore(dataDir);
const open = performance.now() - t;
const { user, system } = process.cpuUsage(cpu);
const openCpu = (user + system) / 1000;
const reservations = (await store.reservations('tenant-7')).length;
const logEntries = await store.log.count();
await store.close();

t = performance.now();
const snapshot = (await readSnapshot(storeFile(dataDir)))!.data;
const snapshotRead = performance.now() - t;
t = performance.now();
Tables.load(snapshot);
const tables = performance.now() - t;
t = performance.now();
await (await ActivityFile.open(activityFile(dataDir))).close();
const log = performance.now() - t;
process.stdout.write(`${JSON.stringify({ open, openCpu, snapshotRead, tables, log, reservations, logEntries })}\n`);
