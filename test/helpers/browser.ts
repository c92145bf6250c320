import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath } from './playground.ts';

/** Headless Debian Chromium with the flags that work on this machine; playwright gives it a fresh user-data-dir. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Outside requests a page may make and lose without harm: fonts and teams-js's list of Teams origins on the Office CDN. */
const cosmetic = /cdn\.office\.net|fonts\.(googleapis|gstatic)\.com/;

/**
 * Every uncaught exception and console error of `page`, as lines, except failed fetches from the Office CDN.
 * The CDN is refused at once, so nothing waits for a network this machine does not have.
 */
export async function pageErrors(page: Page): Promise<string[]> {
  const errors: string[] = [];
  await page.route(cosmetic, (route) => route.abort());
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location().url;
    if (cosmetic.test(where) || cosmetic.test(message.text())) return;
    errors.push(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
  });
  return errors;
}
