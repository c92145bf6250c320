// npm run package [-- <output.zip>]: writes the Teams app package for the bot named by the environment.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeIssues } from '../data/describeIssues.ts';
import { appPackage } from './appPackage.ts';
import { appScopes } from './teamsManifest.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const defaultOutput = resolve(repoRoot, 'manifest/build/csp-reservations-bot.zip');

const guidPattern = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// A DNS name (or IPv4 address) and an optional port: what follows https:// in the bot's public URL.
const hostPattern = /^(?=.{1,253}(:|$))[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;

const hostExample = 'bot.contoso-partner.com';
const appIdWanted = "the bot's Microsoft Entra app id, a GUID like 00000000-0000-0000-0000-000000000000";
const hostWanted = `the host name the bot is reached at, with an optional port, e.g. ${hostExample}`;

/** An unset or blank variable counts as missing. */
const variable = (wanted: string) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v), z.string({ error: `is not set: give ${wanted}` }));

const environment = z.object({
  MicrosoftAppId: variable(appIdWanted).pipe(z.string().regex(guidPattern, `is not a GUID: give ${appIdWanted}`)),
  PUBLIC_HOST: variable(hostWanted).pipe(
    z.string().superRefine((host, ctx) => {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) {
        ctx.addIssue({ code: 'custom', message: `has a scheme: give the host name alone, without https:// or a path, e.g. ${hostExample}` });
      } else if (/[/?#]/.test(host)) {
        ctx.addIssue({ code: 'custom', message: `has a path: give the host name alone, without a path, e.g. ${hostExample}` });
      } else if (!hostPattern.test(host) || Number(host.split(':')[1] ?? 1) > 65535) {
        ctx.addIssue({ code: 'custom', message: `is not a host name: give ${hostWanted}` });
      }
    }),
  ),
});

async function main(): Promise<void> {
  const parsed = environment.safeParse(process.env);
  if (!parsed.success) throw new Error(describeIssues(parsed.error).split('\n').join('; '));
  const { MicrosoftAppId: botId, PUBLIC_HOST: host } = parsed.data;

  const { version } = JSON.parse(await readFile(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string };
  const { manifest, zip } = await appPackage({ botId, host, version });

  const given = process.argv[2];
  const output = given === undefined ? defaultOutput : resolve(given);
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, zip);

  const lists = manifest.bots?.[0]?.commandLists ?? [];
  const counts = appScopes.map((scope) => lists.find((list) => list.scopes.includes(scope))?.commands.length ?? 0);
  const shown = given ?? relative(process.cwd(), output);
  console.log(`Wrote ${shown} (manifest v${manifest.manifestVersion}, bot ${botId}, host ${host}, ${counts.join('/')} commands in ${appScopes.join('/')})`);
}

main().catch((error: unknown) => {
  console.error(`Cannot package: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
