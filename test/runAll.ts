import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// `npm test`: the whole suite on the embedded store, then again on PostgreSQL (TEST_STORE=postgres), and one
// closing line for both: "N passed, N failed[, N skipped]". The PostgreSQL run needs TEST_DATABASE_URL, a role
// that may create databases (`.ci/start-postgres` starts a throwaway server and prints one); without it that run
// is skipped on a developer's machine, and fails under CI. Arguments go to mocha in both runs.

const root = fileURLToPath(new URL('..', import.meta.url));
const mocha = fileURLToPath(new URL('../node_modules/mocha/bin/mocha.js', import.meta.url));
// The fake Partner Center, Azure and Entra ID in test/fakes answer HTTPS on loopback with this certificate, which only
// the test runs trust (Node reads NODE_EXTRA_CA_CERTS when a process starts, so it is set for mocha's and the bots').
const fakesCertificate = fileURLToPath(new URL('fakes/tls/loopback-cert.pem', import.meta.url));
const extra = process.argv.slice(2);

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs mocha with `args` and `env`, its output shown as it comes; resolves with the counts of its closing line. */
function run(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Counts> {
  console.log(`\n=== The suite on ${name} ===`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, ...args, ...extra], { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: fakesCertificate, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      last = (last + chunk.toString()).slice(-2000);
    });
    child.on('close', (code) => {
      const summary = [...last.matchAll(/^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)].pop();
      if (!summary) {
        console.log(`The run on ${name} ended (exit code ${code}) without its closing line: counted as one failure.`);
        return resolve({ passed: 0, failed: 1, skipped: 0 });
      }
      resolve({ passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3] ?? 0) });
    });
  });
}

const runs: [string, Counts][] = [];
// Tests of the embedded store's own files run once, in its run; the PostgreSQL tests run in PostgreSQL's.
runs.push(['the embedded store', await run('the embedded store', ['--ignore', 'test/postgres/**'], { TEST_STORE: 'embedded' })]);
if (process.env.TEST_DATABASE_URL) {
  const embeddedOnly = ['test/data/embeddedStore.test.ts', 'test/data/activityFile.test.ts'].flatMap((file) => ['--ignore', file]);
  runs.push(['PostgreSQL', await run('PostgreSQL', embeddedOnly, { TEST_STORE: 'postgres' })]);
} else if (process.env.CI) {
  console.log('\nTEST_DATABASE_URL is not set: under CI the suite must also run on PostgreSQL (.ci/start-postgres prints the URL).');
  runs.push(['PostgreSQL', { passed: 0, failed: 1, skipped: 0 }]);
} else {
  console.log('\nThe run on PostgreSQL was skipped: set TEST_DATABASE_URL to run it (see README, "Tests").');
}

const total = runs.reduce((sum, [, c]) => ({ passed: sum.passed + c.passed, failed: sum.failed + c.failed, skipped: sum.skipped + c.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log('');
for (const [name, c] of runs) console.log(`On ${name}: ${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed ? 1 : 0;
