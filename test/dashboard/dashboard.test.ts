import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DevSignIn } from '../../bot/auth/devSignIn.ts';
import type { WorldInput } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import { launchChromium, pageErrors } from '../helpers/browser.ts';
import { logEntries, tailspinOwner } from '../helpers/buying.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { chromiumPath } from '../helpers/playground.ts';
import { ask, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { permissionOf as storedPermission, permissionsIn } from '../helpers/storeRecords.ts';
import { contosoId, northwindId, people, personOf, tailspinId, testWorld } from '../helpers/testWorld.ts';

const screenshots = 'test-output';
const devBanner = 'Development sign-in: for local development only.';
/** How the development sign-in's picker names the people of the test world. */
const pick = {
  ada: 'Ada Admin — Admin Agent, Test Partner',
  sam: 'Sam Sales — Sales Agent, Test Partner',
  samOfLucerne: 'Sam Sales — Sales Agent, Lucerne Cloud Partners',
  carl: 'Carl User — customer user, Contoso Ltd',
};

describe('the dashboard tab in headless Chromium', function () {
  this.timeout(30_000);
  let browser: Browser;
  const open: { close(): Promise<void> }[] = [];
  let errors: string[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) {
      if (process.env.CI) throw new Error(`${chromiumPath} is missing: .ci/run installs Debian's chromium`);
      console.warn(`    (skipped: no ${chromiumPath}; apt-get install -y chromium to run it)`);
      this.skip();
    }
    browser = await launchChromium();
    await mkdir(screenshots, { recursive: true });
  });

  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
    errors = [];
  });

  after(() => browser?.close());

  /**
   * The real server with the development sign-in on. Its tokens are checked against the bot's fixed clock, which
   * exists only once the bot has started (and which a test may move), so they are issued at the bot's time.
   */
  async function devBot(world: WorldInput = testWorld()): Promise<HttpBot> {
    let bot: HttpBot | undefined;
    const devSignIn = await DevSignIn.create(() => bot!.world.clock());
    bot = await startHttpBot(world, { devSignIn });
    open.push(bot);
    return bot;
  }

  /** A fresh browser context (its own sessionStorage, so no saved sign-in) on the dashboard in `theme`, `width` pixels wide. */
  async function openDashboard(bot: HttpBot, theme = 'default', width = 1280): Promise<Page> {
    const context: BrowserContext = await browser.newContext({ viewport: { width, height: 800 }, acceptDownloads: true });
    open.push(context);
    const page = await context.newPage();
    errors = await pageErrors(page);
    await page.goto(`${bot.url}/dashboard?theme=${theme}`);
    return page;
  }

  /** Picks `who` in the development sign-in card, clicks Sign in, and waits for the banner. */
  async function signIn(page: Page, who: string): Promise<void> {
    const card = page.locator('section.dev-sign-in');
    await card.getByRole('heading', { name: 'Development sign-in' }).waitFor({ timeout: 10_000 });
    await card.locator('select#dev-person').selectOption({ label: who });
    await card.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('note').filter({ hasText: devBanner }).waitFor();
  }

  const tabs = (page: Page) => page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').allInnerTexts();
  const cellsOf = (row: Locator) => row.getByRole('cell').allInnerTexts();
  const permissionOf = (bot: HttpBot, customerId: string) => storedPermission(bot.world.store, customerId);
  const permissions = (bot: HttpBot) => permissionsIn(bot.world.store);

  /** Ada turns Contoso on with its switch, and the page says so. */
  async function turnOnContoso(page: Page): Promise<void> {
    const contoso = page.getByRole('switch', { name: 'Allow Contoso Ltd to purchase' });
    expect(await contoso.getAttribute('aria-checked')).to.equal('false');
    await contoso.click();
    await page.locator('button.switch[aria-label="Allow Contoso Ltd to purchase"][aria-checked="true"]').waitFor();
    await page.getByRole('status').filter({ hasText: /^Turned on: Contoso Ltd/ }).waitFor();
  }

  it('Ada signs in, turns Contoso on with its switch, finds it in the activity log, filters the log and exports it', async () => {
    const bot = await devBot();
    const page = await openDashboard(bot);
    await page.getByText('For local development only: anyone can sign in as anyone here.', { exact: false }).waitFor();
    await signIn(page, pick.ada);

    expect((await page.getByRole('note').innerText()).startsWith(devBanner)).to.equal(true);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Test Partner: reservations');
    expect(await page.locator('p.who').innerText()).to.equal('Ada Admin, Admin Agent');
    expect(await tabs(page)).to.deep.equal(['Customers', 'Requests', 'Activity log']);
    expect(await page.getByRole('tab', { name: 'Customers' }).getAttribute('aria-selected')).to.equal('true');

    await turnOnContoso(page);
    expect(await page.getByRole('status').innerText()).to.equal("Turned on: Contoso Ltd's users with Owner on an Azure Plan subscription can now buy reservations, billed to you.");
    const contosoRow = page.getByRole('table', { name: 'Customers' }).getByRole('row').filter({ hasText: 'contoso.example' });
    expect((await cellsOf(contosoRow))[2]).to.equal('2026-11-24 09:00 UTC by Ada Admin');
    expect(await permissionOf(bot, contosoId)).to.equal(true);

    await page.getByRole('tab', { name: 'Activity log' }).click();
    const log = page.getByRole('table', { name: 'Activity log' });
    await log.waitFor();
    const [when, who, operation, customer, outcome] = await cellsOf(log.locator('tbody tr').first());
    expect({ when, who, operation, customer, outcome }).to.deep.equal({
      when: '2026-11-24 09:00 UTC',
      who: 'Ada Admin\nAdmin Agent',
      operation: Operation.CreateCustomerPurchasePermissions,
      customer: 'Contoso Ltd',
      outcome: 'Succeeded',
    });
    const newest = (await logEntries(bot.world))[0]!;
    expect(newest).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, customerId: contosoId, outcome: 'Succeeded' });
    expect(newest.actor).to.deep.include({ userId: people.admin.userId, role: 'AdminAgent' });

    const filters = page.getByRole('form', { name: 'Filter the log' });
    await filters.locator('select[name="operation"]').selectOption(Operation.DeleteCustomerPurchasePermissions);
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No entries match these filters.', { exact: true }).waitFor();
    expect(await log.count()).to.equal(0);

    await filters.locator('select[name="operation"]').selectOption('');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await log.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), filters.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).to.equal('activity-log-2026-11-24.csv');
    const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(lines[0], 'the file starts with the UTF-8 byte-order mark').to.equal('\uFEFFseq,at,tenantId,userId,person,role,operation,customerId,customer,target,outcome,reasonCode,reason,before,after');
    expect(lines).to.have.length((await logEntries(bot.world)).length + 1);
    expect(lines[1]).to.match(/^\d+,2026-11-24T09:00:00\.000Z,partner-tenant,admin-1,Ada Admin,AdminAgent,Create Customer Purchase Permissions,contoso-tenant,Contoso Ltd,.*,Succeeded,/);
    expect(await permissions(bot)).to.include({ [contosoId]: true, [tailspinId]: true });
    expect(errors).to.deep.equal([]);
  });

  it("Ada is offered no working switch for Northwind (its Azure Plan is suspended): the row says why and what to do, and a click changes nothing (R4)", async () => {
    const bot = await devBot();
    const size = await bot.world.services.activity.size();
    const page = await openDashboard(bot);
    await signIn(page, pick.ada);

    const row = page.getByRole('table', { name: 'Customers' }).getByRole('row').filter({ hasText: 'northwind.example' });
    await row.waitFor();
    const [, permission, , notes] = await cellsOf(row);
    expect(permission).to.equal("Off\nCan't be turned on: Azure Plan suspended");
    expect(notes).to.match(/^Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
    const northwind = row.getByRole('switch', { name: 'Allow Northwind Traders to purchase' });
    expect(await northwind.isEnabled()).to.equal(false);
    const describedBy = await northwind.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).innerText(), 'the switch is described by the reason').to.equal(notes);
    expect(await page.locator('button.switch:disabled').count(), 'only Northwind cannot be turned on').to.equal(1);

    await northwind.click({ force: true });
    await turnOnContoso(page);
    expect(await page.getByRole('status').innerText()).to.match(/^Turned on: Contoso Ltd/);
    expect(await permissionOf(bot, northwindId)).to.equal(false);
    expect((await logEntries(bot.world)).slice(0, (await bot.world.services.activity.size()) - size).map((e) => e.customerId), 'only the Contoso switch was logged').to.deep.equal([contosoId]);
    expect(errors).to.deep.equal([]);
  });

  it("Sam, a Sales Agent of Lucerne Cloud Partners, sees every permission as On or Off without a switch, and changes nothing; the partner's name is possessive as Partners'", async () => {
    const world = testWorld();
    const bot = await devBot({ ...world, partner: { ...world.partner, name: 'Lucerne Cloud Partners' } });
    const before = await permissions(bot);
    const page = await openDashboard(bot);
    await signIn(page, pick.samOfLucerne);

    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Lucerne Cloud Partners: reservations');
    expect(await page.locator('p.who').innerText()).to.equal('Sam Sales, Sales Agent');
    expect(await tabs(page)).to.deep.equal(['Customers', 'Requests', 'Activity log']);
    const customers = page.getByRole('table', { name: 'Customers' });
    await customers.waitFor();
    expect(await page.getByText("Read-only: only Lucerne Cloud Partners' Admin Agents can turn the permission on or off.", { exact: true }).count()).to.equal(1);
    expect(await page.locator('body').innerText()).not.to.include("Partners's");
    expect(await page.locator('[role=switch]').count()).to.equal(0);
    expect(await page.getByRole('button', { name: /purchase/ }).count()).to.equal(0);
    expect((await cellsOf(customers.getByRole('row').filter({ hasText: 'contoso.example' })))[1]).to.equal('Off');
    expect((await cellsOf(customers.getByRole('row').filter({ hasText: 'tailspin.example' })))[1]).to.equal('On');
    expect(await permissions(bot)).to.deep.equal(before);
    expect(errors).to.deep.equal([]);
  });

  it('Carl, a Contoso user, sees Reservations, Orders and Requests, and no Customers tab', async () => {
    const bot = await devBot();
    const before = await permissions(bot);
    const page = await openDashboard(bot);
    await signIn(page, pick.carl);

    expect(await page.getByRole('heading', { level: 1 }).innerText()).to.equal('Contoso Ltd reservations');
    expect(await page.locator('p.who').innerText()).to.equal('Carl User, customer user at Contoso Ltd');
    expect(await tabs(page)).to.deep.equal(['Reservations', 'Orders', 'Requests']);
    expect(await page.getByRole('tab', { name: 'Customers' }).count()).to.equal(0);
    await page.getByText(/^No reservations yet\./).waitFor();
    await page.getByRole('tab', { name: 'Orders' }).click();
    await page.getByText('No orders yet.', { exact: true }).waitFor();
    expect(await page.locator('[role=switch]').count()).to.equal(0);
    expect(await permissions(bot)).to.deep.equal(before);
    expect(errors).to.deep.equal([]);
  });

  it('Ada sees the refund, the days unused and the refund allowance of a pending cancel request, approves it from the Requests tab; the row says Approved and the reservation is cancelled', async () => {
    const bot = await devBot(requestWorld());
    const reservationId = await tailspinReservation(bot.world);
    const { request } = await ask(bot.world, tailspinOwner, reservationId, { kind: 'Cancel' }, 'The project ended');
    const page = await openDashboard(bot);
    await signIn(page, pick.ada);

    await page.getByRole('tab', { name: 'Requests' }).click();
    const row = page.getByRole('table', { name: 'Change requests' }).getByRole('row').filter({ hasText: request.id });
    await row.waitFor();
    expect((await cellsOf(row))[1]).to.equal('Tailspin Toys');
    expect((await cellsOf(row))[3]).to.equal('Refund (estimate as of 2026-01-31)\nUSD 1,200.00\nDays unused\n365 of 365\nCounted at\n2 units at USD 600.00, the price paid\nRefund allowance before it\nUSD 50,000.00 left in the rolling 12 months');
    expect((await cellsOf(row))[5]).to.match(/^Pending until /);
    const reason = row.getByRole('textbox', { name: `Reason for rejecting ${request.id}` });
    expect(await reason.isVisible(), 'the reason box waits for Reject…').to.equal(false);
    await row.getByRole('button', { name: 'Reject…' }).click();
    expect(await reason.isVisible(), 'Reject… opens the reason box').to.equal(true);
    await page.screenshot({ path: join(screenshots, 'dashboard-requests-light.png'), fullPage: true });
    await row.getByRole('button', { name: 'Approve', exact: true }).click();

    await page.getByRole('status').filter({ hasText: `${request.id} is approved.` }).waitFor();
    const decided = page.getByRole('table', { name: 'Change requests' }).getByRole('row').filter({ hasText: request.id });
    expect((await cellsOf(decided))[3]).to.match(/^Refund \(on 2026-01-31\)\nUSD 1,200\.00\n/);
    expect((await cellsOf(decided))[5]).to.equal('Approved');
    expect((await cellsOf(decided))[6]).to.equal('Ada Admin, 2026-01-31 10:00 UTC');
    expect(await decided.getByRole('button').count()).to.equal(0);

    const admin = await personOf(bot.world.services, people.admin);
    expect((await bot.world.services.requests.view(admin, request.id)).request).to.deep.include({ state: 'Approved' });
    expect((await bot.world.services.purchases.reservations(admin, tailspinId)).find((r) => r.id === reservationId)!.status).to.equal('Cancelled');
    expect(errors).to.deep.equal([]);
  });

  it('screenshots Ada\'s Customers tab after the switch and her activity log, light and dark', async () => {
    const backgrounds: Record<string, string> = {};
    for (const [theme, name] of [['default', 'light'], ['dark', 'dark']] as const) {
      const bot = await devBot();
      const page = await openDashboard(bot, theme);
      await signIn(page, pick.ada);
      await turnOnContoso(page);
      await page.screenshot({ path: join(screenshots, `dashboard-${name}.png`), fullPage: true });
      backgrounds[name] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).to.equal(name);

      await page.getByRole('tab', { name: 'Activity log' }).click();
      await page.getByRole('table', { name: 'Activity log' }).waitFor();
      await page.screenshot({ path: join(screenshots, `dashboard-log-${name}.png`), fullPage: true });
      expect(await permissionOf(bot, contosoId)).to.equal(true);
      expect(errors).to.deep.equal([]);
    }
    expect(backgrounds).to.deep.equal({ light: 'rgb(245, 245, 245)', dark: 'rgb(31, 31, 31)' });
    for (const file of ['dashboard-light.png', 'dashboard-dark.png', 'dashboard-log-light.png', 'dashboard-log-dark.png']) expect(existsSync(join(screenshots, file)), file).to.equal(true);
  });

  /**
   * What sticks out of the window sideways: the page's own scroll width beyond it, and every element outside the
   * window that is not inside a box that scrolls (a table's), as "tag.class: left–right".
   */
  const outsideTheWindow = (page: Page) =>
    // No named functions inside: the test runner's compiler would wrap them in a helper the page does not have.
    page.evaluate(() => {
      const width = window.innerWidth;
      const out = [...document.body.querySelectorAll('*')]
        .filter((el) => el.closest('.table-wrap') === null)
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && (box.left < 0 || box.right > width + 0.5))
        .map(({ el, box }) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(box.left)}–${Math.round(box.right)}`);
      return { pageOverflow: document.documentElement.scrollWidth - width, out };
    });

  it('at 420 px wide (Teams on a phone or in a side panel) every column of the activity log is reachable by scrolling the table sideways, and the page itself fits, even with a long customer name in the filters', async () => {
    const world = testWorld();
    const bot = await devBot({ ...world, customers: world.customers.map((c) => (c.id === 'contoso-pharma-tenant' ? { ...c, name: 'Contoso Pharmaceuticals International Research and Development Holdings GmbH & Co. KG' } : c)) });
    const page = await openDashboard(bot, 'default', 420);
    await signIn(page, pick.ada);
    await turnOnContoso(page);
    expect(await outsideTheWindow(page), 'the Customers tab').to.deep.equal({ pageOverflow: 0, out: [] });

    await page.getByRole('tab', { name: 'Activity log' }).click();
    const log = page.getByRole('table', { name: 'Activity log' });
    await log.waitFor();
    expect(await outsideTheWindow(page), 'the Activity log tab').to.deep.equal({ pageOverflow: 0, out: [] });
    const wrap = page.locator('.table-wrap').filter({ has: log });
    const { scrollWidth, clientWidth } = await wrap.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth, 'the table is wider than its box, which scrolls').to.be.above(clientWidth);

    const headers = log.getByRole('columnheader');
    expect(await headers.allInnerTexts()).to.deep.equal(['When', 'Who', 'Operation', 'Customer', 'Outcome', 'Details']);
    const box = (await wrap.boundingBox())!;
    for (const header of await headers.all()) {
      await header.scrollIntoViewIfNeeded();
      const seen = (await header.boundingBox())!;
      expect(seen.x, await header.innerText()).to.be.at.least(box.x - 0.5);
      expect(seen.x + seen.width, await header.innerText()).to.be.at.most(box.x + box.width + 0.5);
    }
    expect(await wrap.evaluate((el) => el.scrollLeft), 'the last column is reached by scrolling the table').to.equal(scrollWidth - clientWidth);
    expect(await page.evaluate(() => window.scrollX), 'not the page').to.equal(0);
    await wrap.evaluate((el) => (el.scrollLeft = 0));
    await page.screenshot({ path: join(screenshots, 'dashboard-log-420.png'), fullPage: true });
    expect(errors).to.deep.equal([]);
  });

  it('outside Teams, without the development sign-in, says to open it in Microsoft Teams within about 2 s', async () => {
    const bot = await startHttpBot();
    open.push(bot);
    const started = Date.now();
    const page = await openDashboard(bot);
    await page.getByRole('heading', { name: 'Open this in Microsoft Teams' }).waitFor({ timeout: 5000 });
    expect(Date.now() - started).to.be.below(3000);
    expect(await page.getByText(/^The reservations dashboard is a tab of the Reservations app in Teams/).count()).to.equal(1);
    expect(await page.locator('select#dev-person').count()).to.equal(0);
    expect(await page.getByRole('note').count()).to.equal(0);
    expect(errors).to.deep.equal([]);
  });
});
