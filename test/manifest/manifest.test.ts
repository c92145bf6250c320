import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import type { AppScope } from '../../bot/commands/command.ts';
import { commands } from '../../bot/commands/registry.ts';
import { appPackage } from '../../manifest/appPackage.ts';
import { appScopes, commandLists, maxCommandDescription, maxMenuCommands, teamsManifest, type TeamsManifest } from '../../manifest/teamsManifest.ts';
import { validateManifest } from '../../manifest/validateManifest.ts';
import { decodePng, pngChunks } from '../helpers/decodePng.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const botId = '2f1e6a3c-8b4d-4c9e-9f7a-1d2c3b4a5e6f';
const host = 'bot.contoso-partner.com';
const settings = { botId, host, version: '1.2.3' };

const copy = (manifest: TeamsManifest): TeamsManifest => structuredClone(manifest);
const menuOf = (manifest: TeamsManifest, scope: AppScope) => manifest.bots?.[0]?.commandLists?.find((list) => list.scopes.includes(scope));
const registryMenu = (scope: AppScope) => commands.filter((command) => command.menu?.includes(scope)).map((command) => command.name);

describe('Teams app manifest (manifest/)', () => {
  const manifest = teamsManifest(settings);

  describe('schema validation', () => {
    it('the manifest for a sample bot id and host has no problems against the bundled v1.24 schema', async () => {
      expect(manifest.manifestVersion).to.equal('1.24');
      expect(manifest.$schema).to.equal('https://developer.microsoft.com/en-us/json-schemas/teams/v1.24/MicrosoftTeams.schema.json');
      expect(await validateManifest(manifest)).to.deep.equal([]);
    });

    it('a broken copy gets problems naming the broken fields', async () => {
      const broken = copy(manifest);
      broken.accentColor = 'purple';
      broken.name.short = 'R'.repeat(200);
      broken.bots![0]!.botId = 'not-a-guid';
      const problems = await validateManifest(broken);
      expect(problems.some((p) => p.startsWith('/accentColor '))).to.equal(true, problems.join('\n'));
      expect(problems.some((p) => p.startsWith('/name/short '))).to.equal(true, problems.join('\n'));
      expect(problems.some((p) => p.startsWith('/bots/0/botId '))).to.equal(true, problems.join('\n'));
    });

    it('a manifest that names another schema version is refused', async () => {
      const other = { ...copy(manifest), $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.23/MicrosoftTeams.schema.json', manifestVersion: '1.23' };
      const problems = await validateManifest(other);
      expect(problems.some((p) => p.startsWith('/$schema '))).to.equal(true, problems.join('\n'));
      expect(problems.some((p) => p.startsWith('/manifestVersion '))).to.equal(true, problems.join('\n'));
    });
  });

  describe('identity', () => {
    it('uses the bot id as the app id, the version given, and the host in the developer pages', () => {
      expect(manifest.id).to.equal(botId);
      expect(manifest.version).to.equal('1.2.3');
      expect(manifest.developer).to.deep.equal({
        name: 'CSP reservations bot',
        websiteUrl: `https://${host}/dashboard`,
        privacyUrl: `https://${host}/dashboard/privacy.html`,
        termsOfUseUrl: `https://${host}/dashboard/terms.html`,
      });
      expect(manifest.icons).to.deep.equal({ color: 'color.png', outline: 'outline.png' });
      expect(manifest.description.short.length).to.be.at.most(80);
      for (const topic of ['allow customer to purchase', 'billed to the partner', 'exchange', 'cancel', 'renew', 'scope', 'Admin Agents', 'activity log']) {
        expect(manifest.description.full).to.include(topic);
      }
    });
  });

  describe('bot and command menus', () => {
    const bot = manifest.bots?.[0];

    it('declares one conversational bot in personal, team and group chat scopes', () => {
      expect(manifest.bots).to.have.length(1);
      expect(bot).to.include({ botId, supportsFiles: false, isNotificationOnly: false });
      expect(bot!.scopes).to.deep.equal(['personal', 'team', 'groupChat']);
    });

    it('every menu title is a command of the registry', () => {
      const names = new Set(commands.map((command) => command.name));
      const titles = bot!.commandLists!.flatMap((list) => list.commands.map((command) => command.title));
      expect(titles).to.not.be.empty;
      for (const title of titles) expect(names.has(title), `${title} is not in the registry`).to.equal(true);
    });

    for (const scope of ['personal', 'team', 'groupChat'] as const) {
      it(`the ${scope} menu is exactly the registry commands offering it, in registry order, at most ${maxMenuCommands}`, () => {
        const expected = registryMenu(scope);
        const list = menuOf(manifest, scope);
        if (expected.length === 0) {
          expect(list).to.equal(undefined);
          return;
        }
        expect(list!.scopes).to.deep.equal([scope]);
        expect(list!.commands.map((command) => command.title)).to.deep.equal(expected);
        expect(list!.commands.length).to.be.at.most(maxMenuCommands);
      });
    }

    it('describes each command by its neutral summary and usage, cut to the menu limit', () => {
      for (const list of bot!.commandLists!) {
        for (const { title, description } of list.commands) {
          const command = commands.find((c) => c.name === title)!;
          const full = `${command.summary} — ${command.usage}`;
          expect(description.length).to.be.at.most(maxCommandDescription);
          expect(description, 'no rule numbers: they mean nothing to users').not.to.match(/\bR\d{1,2}\b/);
          if (full.length <= maxCommandDescription) expect(description).to.equal(full);
          else expect(description.endsWith('…') && full.startsWith(description.slice(0, -1)), description).to.equal(true);
        }
      }
    });

    it('puts the help command in every scope the bot is in', () => {
      for (const scope of appScopes) expect(menuOf(manifest, scope)?.commands.map((c) => c.title)).to.include('help');
    });

    it('refuses a registry that offers more than 10 commands in one scope, naming the scope', () => {
      const crowded = Array.from({ length: maxMenuCommands + 1 }, (_, i) => ({ ...commands[0]!, name: `command${i}`, menu: ['team'] as const }));
      expect(() => commandLists(crowded)).to.throw(Error, /team command menu would list 11/);
      expect(commandLists(crowded.slice(0, maxMenuCommands)).map((list) => list.scopes)).to.deep.equal([['team']]);
    });
  });

  describe('tabs, domains and single sign-on', () => {
    it('has the personal dashboard tab on the host, and the conversations tab that keeps the bot chat', () => {
      const tabs = manifest.staticTabs!;
      expect(tabs.find((tab) => tab.entityId === 'dashboard')).to.deep.equal({
        entityId: 'dashboard',
        name: 'Dashboard',
        contentUrl: `https://${host}/dashboard?theme={theme}`,
        websiteUrl: `https://${host}/dashboard`,
        scopes: ['personal'],
      });
      expect(tabs.find((tab) => tab.entityId === 'conversations')).to.deep.equal({ entityId: 'conversations', scopes: ['personal'] });
      expect(tabs).to.have.length(2);
    });

    it('lets the tab load from the host only, and asks for tokens for api://host/botId', () => {
      expect(manifest.validDomains).to.deep.equal([host]);
      expect(manifest.webApplicationInfo).to.deep.equal({ id: botId, resource: `api://${host}/${botId}` });
    });
  });

  describe('icons', () => {
    it('the colour icon is a 192x192 PNG in the accent colour', async () => {
      const file = await readFile(join(repoRoot, 'manifest/icons/color.png'));
      const png = decodePng(file);
      expect([png.width, png.height]).to.deep.equal([192, 192]);
      expect([2, 6]).to.include(png.colorType);
      const accent = [0x5b, 0x5f, 0xc7];
      let accentPixels = 0, whitePixels = 0;
      for (let i = 0; i < png.rgba.length; i += 4) {
        const [r, g, b, a] = png.rgba.subarray(i, i + 4);
        if (a === 255 && r === accent[0] && g === accent[1] && b === accent[2]) accentPixels++;
        if (a === 255 && r === 255 && g === 255 && b === 255) whitePixels++;
      }
      expect(accentPixels, 'accent-coloured pixels').to.be.above(192 * 192 * 0.5);
      expect(whitePixels, 'white pixels').to.be.above(1000);
    });

    it('the outline icon is a 32x32 RGBA PNG, white on a fully transparent background', async () => {
      const file = await readFile(join(repoRoot, 'manifest/icons/outline.png'));
      expect(pngChunks(file).map((chunk) => chunk.type)).to.include.members(['IHDR', 'IDAT', 'IEND']);
      const png = decodePng(file);
      expect([png.width, png.height, png.colorType]).to.deep.equal([32, 32, 6]);
      let opaqueWhite = 0, transparent = 0;
      for (let i = 0; i < png.rgba.length; i += 4) {
        const [r, g, b, a] = png.rgba.subarray(i, i + 4);
        if (a === 0) transparent++;
        else expect([r, g, b], `pixel ${i / 4} (alpha ${a})`).to.deep.equal([255, 255, 255]);
        if (a === 255) opaqueWhite++;
      }
      expect(opaqueWhite, 'opaque white pixels').to.be.above(50);
      expect(transparent, 'transparent pixels').to.be.above(32 * 32 * 0.5);
      expect([0, 31 * 32, 31, 32 * 32 - 1].map((corner) => png.rgba[corner * 4 + 3]), 'corners').to.deep.equal([0, 0, 0, 0]);
    });
  });

  describe('app package', () => {
    it('appPackage refuses a manifest that fails the schema, listing the problems', async () => {
      const error = await rejectionOf(appPackage({ ...settings, botId: 'not-a-guid' }), Error);
      expect(error.message).to.match(/does not match schema v1\.24/).and.match(/\/id /);
    });
  });

  describe('npm run package', function () {
    this.timeout(60000);
    let outDir: string;
    type Run = { code: number; stdout: string; stderr: string };
    const runs: Record<string, Promise<Run>> = {};

    const runPackage = (env: Record<string, string | undefined>, output: string): Promise<Run> => {
      const childEnv: NodeJS.ProcessEnv = { ...process.env };
      delete childEnv.MicrosoftAppId;
      delete childEnv.PUBLIC_HOST;
      for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
      return new Promise((done) => {
        execFile(process.execPath, ['--import=tsx', 'manifest/package.ts', output], { cwd: repoRoot, env: childEnv }, (error, stdout, stderr) => {
          done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        });
      });
    };

    // The runs start together: each one is a node process loading the bot's modules.
    before(async () => {
      outDir = await mkdtemp(join(tmpdir(), 'csp-bot-package-'));
      const bad = join(outDir, 'never.zip');
      runs.good = runPackage({ MicrosoftAppId: botId, PUBLIC_HOST: host }, join(outDir, 'app.zip'));
      runs.noHost = runPackage({ MicrosoftAppId: botId }, bad);
      runs.urlHost = runPackage({ MicrosoftAppId: botId, PUBLIC_HOST: 'https://x/y' }, bad);
      runs.badId = runPackage({ MicrosoftAppId: 'my-bot', PUBLIC_HOST: host }, bad);
      await Promise.all(Object.values(runs));
    });
    after(() => rm(outDir, { recursive: true, force: true }));

    it('writes the zip and says what it wrote', async () => {
      const run = await runs.good!;
      expect(run.code, run.stderr).to.equal(0);
      const { version } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
      const counts = appScopes.map((scope) => registryMenu(scope).length).join('/');
      expect(run.stdout.trim()).to.equal(`Wrote ${join(outDir, 'app.zip')} (manifest v1.24, bot ${botId}, host ${host}, ${counts} commands in personal/team/groupChat)`);

      const files = unzipSync(await readFile(join(outDir, 'app.zip')));
      expect(Object.keys(files).sort()).to.deep.equal(['color.png', 'manifest.json', 'outline.png']);
      expect(Buffer.from(files['color.png']!).equals(await readFile(join(repoRoot, 'manifest/icons/color.png')))).to.equal(true);
      expect(Buffer.from(files['outline.png']!).equals(await readFile(join(repoRoot, 'manifest/icons/outline.png')))).to.equal(true);

      const packed = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as TeamsManifest;
      expect(packed.id).to.equal(botId);
      expect(packed.version).to.equal(version);
      expect(packed.bots![0]!.botId).to.equal(botId);
      expect(packed.validDomains).to.deep.equal([host]);
      expect(packed.webApplicationInfo?.resource).to.equal(`api://${host}/${botId}`);
      expect(await validateManifest(packed)).to.deep.equal([]);
    });

    const refusals: [string, string, RegExp][] = [
      ['noHost', 'PUBLIC_HOST is missing', /^Cannot package: .*PUBLIC_HOST: is not set: give the host name/],
      ['urlHost', 'PUBLIC_HOST is a URL', /^Cannot package: PUBLIC_HOST: has a scheme: give the host name alone, without https:\/\//],
      ['badId', 'MicrosoftAppId is not a GUID', /^Cannot package: MicrosoftAppId: is not a GUID: give the bot's Microsoft Entra app id/],
    ];
    for (const [key, what, message] of refusals) {
      it(`exits 1 with a one-line reason when ${what}`, async () => {
        const run = await runs[key]!;
        expect(run.code).to.equal(1);
        expect(run.stderr.trim()).to.match(message);
        expect(run.stderr.trim().split('\n')).to.have.length(1);
        expect(run.stderr).to.not.match(/\n\s+at /);
        expect(run.stdout).to.equal('');
      });
    }
  });
});
