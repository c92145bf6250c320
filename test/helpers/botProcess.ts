import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { FakeConnector } from './fakeConnector.ts';
import { botClient, type BotClient } from './httpBot.ts';
import { freePort, waitUntilAnswers } from './network.ts';
import type { StorePlace } from './storePlace.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fakesCertificate = fileURLToPath(new URL('../fakes/tls/loopback-cert.pem', import.meta.url));

export interface BotProcess extends BotClient {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/** Where a bot finds its store: a place's folder and database, or a bare folder (DATA_DIR: the embedded store). */
const storeEnv = (store: StorePlace | string) => (typeof store === 'string' ? { DATA_DIR: store } : store.env);

/**
 * `node bot/main.ts` (one PID) on a free loopback port over `store` (a place, or a data folder), with `env` on top of
 * an environment without the machine's bot credentials; resolves once /healthz answers (within `startTimeoutMs`).
 * Started again on the same place, it is the same bot restarted.
 */
export async function startBotProcess(connector: FakeConnector, store: StorePlace | string, env: NodeJS.ProcessEnv = {}, { startTimeoutMs = 20_000 } = {}): Promise<BotProcess> {
  const port = await freePort();
  const withoutCredentials = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MicrosoftApp')));
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'bot/main.ts'], {
    cwd: repoRoot,
    // The fake Microsoft services' certificate is trusted by the bot as by the test run (test/fakes/tls).
    env: { ...withoutCredentials, NODE_EXTRA_CA_CERTS: fakesCertificate, ...storeEnv(store), PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const url = `http://127.0.0.1:${port}`;
  const bot = { ...botClient(url, connector), url, child, exited, output: () => output };
  await waitUntilAnswers(`${url}/healthz`, startTimeoutMs, () => (child.exitCode !== null ? `it exited:\n${output}` : undefined)).catch(async (err) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  return bot;
}
