import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Locator, type Page } from 'playwright-core';
import { freePort, waitUntilAnswers } from './network.ts';

export const chromiumPath = '/usr/bin/chromium';
const cli = join(dirname(createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
const personas = fileURLToPath(new URL('../playground/personas/', import.meta.url));

export interface Playground {
  url: string;
  close(): Promise<void>;
}

/**
 * Runs the Microsoft 365 Agents Playground (a Teams-like web client) for one persona against the bot.
 * Started with node directly (one PID); an invalid persona file makes it exit, with the reason only in its log.
 */
export async function startPlayground(persona: string, botEndpoint: string): Promise<Playground> {
  const port = await freePort();
  const workDir = await mkdtemp(join(tmpdir(), 'playground-'));
  const logFile = join(workDir, 'playground.log');
  const child = spawn(process.execPath, [cli, '-e', botEndpoint, '-c', 'msteams', '-p', String(port), '--service-url', `http://127.0.0.1:${port}/_connector`, '--disable-telemetry'], {
    cwd: workDir,
    env: { ...process.env, M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(personas, persona), M365_AGENTS_PLAYGROUND_LOGFILE: logFile, TEAMSAPPTESTER_BROWSER: 'none' },
    stdio: 'ignore',
  });
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(workDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitUntilAnswers(url, 20_000, () => (child.exitCode !== null ? 'the playground exited' : undefined));
  } catch (err) {
    const log = existsSync(logFile) ? await readFile(logFile, 'utf8') : '(no log)';
    await close();
    throw new Error(`${(err as Error).message}\n${log.slice(-2000)}`);
  }
  return { url, close };
}

/** A headless Chromium page on the playground's chat, once the bot has greeted. */
export async function openChat(playgroundUrl: string) {
  const userDataDir = await mkdtemp(join(tmpdir(), 'chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 900 },
  });
  const page: Page = browser.pages()[0] ?? (await browser.newPage());
  // Fonts come from a CDN this machine cannot reach: cosmetic, so refuse them at once instead of waiting.
  await page.route(/cdn\.office\.net/, (route) => route.abort());
  await page.goto(playgroundUrl);
  await page.getByText('Connected.', { exact: true }).waitFor({ timeout: 20_000 });
  const botMessages = page.locator('.fai-OutputCard');
  // Opening the chat makes the bot greet; wait for it, or it could be taken for the answer to the first message.
  await botMessages.first().waitFor({ timeout: 15_000 });
  return {
    page,
    /** Types `text`, sends it, and waits for the bot's first answer to it. */
    async send(text: string): Promise<Locator> {
      const before = await botMessages.count();
      await page.locator('[data-lexical-editor="true"][role="textbox"]').fill(text);
      await page.getByRole('button', { name: 'Send Message' }).click();
      await botMessages.nth(before).waitFor({ timeout: 15_000 });
      return botMessages.nth(before);
    },
    async close() {
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
