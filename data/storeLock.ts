import { randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { StoreError } from './storeError.ts';

/** Who holds a store: written into `store.lock` when it is taken. */
interface Holder {
  pid: number;
  /** The machine the process runs on: whether a process elsewhere (a folder shared over the network) still runs cannot be told from here. */
  host?: string;
  since: string;
  command: string;
  /** Tells this taking of the lock from an earlier one by the same pid. */
  nonce: string;
}

/** The locks this process holds, by folder: a second open here is refused as one by another process is. */
const heldHere = new Map<string, Holder>();

export const lockFile = (dataDir: string) => join(dataDir, 'store.lock');

/**
 * One process per store folder: `store.lock` names the process that has the store open (pid, start time,
 * command line). It is created whole and exclusively (written to a file of its own, then hard-linked to its
 * name, which fails if the name exists), so two processes can never both take it. A lock left by a process that
 * is no longer running is taken over with a warning.
 */
export class StoreLock {
  private constructor(
    private readonly dataDir: string,
    private readonly holder: Holder,
  ) {}

  static async take(dataDir: string, warn: (message: string) => void): Promise<StoreLock> {
    const file = lockFile(dataDir);
    const holder: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), command: commandLine(), nonce: randomBytes(8).toString('hex') };
    for (let attempt = 0; !(await create(file, holder)); attempt += 1) {
      const current = await readHolder(file);
      if (current === 'gone' && attempt < 5) continue;
      const openHere = typeof current === 'object' && heldHere.get(resolve(dataDir))?.nonce === current.nonce;
      // A pid of this process that is not open here is an earlier process's (in a container, every start may be pid 1).
      const elsewhere = typeof current === 'object' && current.host !== undefined && current.host !== hostname();
      const running = typeof current === 'object' && (openHere || elsewhere || (current.pid !== process.pid && isRunning(current.pid)));
      if (running || attempt > 0) {
        const who = typeof current === 'object' ? `process ${current.pid}${elsewhere ? ` on ${current.host}` : ''} (${current.command}, since ${current.since})` : 'another process';
        const fix = elsewhere ? `stop it first; if that machine is gone, delete ${file}` : 'stop it first';
        throw new StoreError(dataDir, openHere ? `is in use by ${who}, this process, which has it open; close it first` : `is in use by ${who}; ${fix}`);
      }
      warn(
        typeof current === 'object'
          ? `${file}: taken over from process ${current.pid} (${current.command}, since ${current.since}), which is no longer running`
          : `${file}: an unreadable lock was taken over`,
      );
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    heldHere.set(resolve(dataDir), holder);
    return new StoreLock(dataDir, holder);
  }

  /** Removes the lock, if it is still this one. */
  async release(): Promise<void> {
    const key = resolve(this.dataDir);
    if (heldHere.get(key)?.nonce === this.holder.nonce) heldHere.delete(key);
    const current = await readHolder(lockFile(this.dataDir));
    if (typeof current === 'object' && current.nonce === this.holder.nonce) await unlink(lockFile(this.dataDir));
  }
}

/** Creates the lock whole: false if a lock is already there. */
async function create(file: string, holder: Holder): Promise<boolean> {
  const temporary = `${file}.${holder.pid}.${holder.nonce}`;
  await writeFile(temporary, `${JSON.stringify(holder)}\n`);
  try {
    await link(temporary, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temporary);
  }
}

async function readHolder(file: string): Promise<Holder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  try {
    const holder = JSON.parse(text) as Holder;
    if (Number.isInteger(holder.pid) && typeof holder.since === 'string' && typeof holder.command === 'string') return holder;
  } catch {
    // Taken over below.
  }
  return 'unreadable';
}

/** Whether a process with this pid is running (one we may not signal is running too). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process's command line as typed: `node bot/main.ts`. */
function commandLine(): string {
  const args = process.argv.slice(1).map((arg) => (isAbsolute(arg) && !relative(process.cwd(), arg).startsWith('..') ? relative(process.cwd(), arg) : arg));
  return [basename(process.argv[0] ?? 'node'), ...args].join(' ');
}
