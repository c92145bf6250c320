// The bench's bot processes: as test/helpers/botProcess.ts starts them, but given two minutes to answer /healthz, not
// 20 s: the embedded store of 10,000 customers opens in a few seconds on an idle machine and in well over 10 on a busy one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { BotProcess } from '../helpers/botProcess.ts';
import type { FakeConnector } from '../helpers/fakeConnector.ts';
import { botClient } from '../helpers/httpBot.ts';
import { freePort, waitUntilAnswers } from '../helpers/network.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const startTimeoutMs = 120_000;

/** `node bot/main.ts` on a free loopback port over `dataDir`, with `env` on top of an environment without bot credentials; resolves once /healthz answers. */
export async function startBenchBot(connector: FakeConnector, dataDir: string, env: NodeJS.ProcessEnv): Promise<BotProcess> {
  const port = await freePort();
  const withoutCredentials = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MicrosoftApp') && name !== 'DATABASE_URL'));
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import=tsx', 'bot/main.ts'], {
    cwd: repoRoot,
    env: { ...withoutCredentials, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(`${url}/healthz`, startTimeoutMs, () => (child.exitCode !== null ? `it exited:\n${output}` : undefined)).catch(async (err) => {
    child.kill('SIGKILL');
    await exited;
    throw err;
  });
  return { ...botClient(url, connector), url, child, exited, output: () => output };
}
