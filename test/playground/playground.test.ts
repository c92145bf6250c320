import { TokenVerifier } from '../../bot/auth/tokenVerifier.ts';
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import { buildServer } from '../../bot/server.ts';
import type { Store } from '../../data/store.ts';
import { systemClock } from '../../services/clock.ts';
import type { Person } from '../../services/people.ts';
import { createServices, type Services } from '../../services/services.ts';
import { ProactiveMessenger } from '../../bot/proactiveMessenger.ts';
import { importWorld, readWorld } from '../../services/worldImport.ts';
import { chromiumPath, openChat, startPlayground, type Playground } from '../helpers/playground.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';

const screenshots = 'test-output';
const localBot = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppTenantId: '', MicrosoftAppType: 'MultiTenant' };

describe('the Microsoft 365 Agents Playground in headless Chromium', function () {
  this.timeout(90_000);
  let place: StorePlace | undefined;
  let store: Store;
  let services: Services;
  let server: Server;
  let endpoint: string;
  let fabrikamId: string;
  let tailspinId: string;
  const open: { close(): Promise<void> }[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) {
      if (process.env.CI) throw new Error(`${chromiumPath} is missing: .ci/run installs Debian's chromium`);
      console.warn(`    (skipped: no ${chromiumPath}; apt-get install -y chromium to run it)`);
      this.skip();
    }
    place = await createStorePlace({ prefix: 'playground-bot-' });
    const world = await readWorld(demoWorldFile);
    fabrikamId = world.customers.find((c) => c.name === 'Fabrikam Inc')!.id;
    tailspinId = world.customers.find((c) => c.name === 'Tailspin Toys')!.id;
    store = await place.open();
    await importWorld(store, world, 'the demo world', systemClock);
    services = createServices(store, systemClock, new ProactiveMessenger(localBot));
    // As bot/main.ts does: messages to others are sent by the delivery worker after the answers.
    services.deliveries.start();
    server = buildServer(services, { bot: localBot, verifier: new TokenVerifier([], systemClock) });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
    await mkdir(screenshots, { recursive: true });
  });

  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });

  after(async () => {
    server?.close();
    await services?.deliveries.stop();
    await store?.close();
    await place?.dispose();
  });

  /** Joni Sherman, Tailspin's Owner in the demo world, as the services know her. */
  async function joniPerson(): Promise<Person> {
    const joni = await services.directory.identify(tailspinId, 't1000000-0000-4000-8000-000000000001');
    if (!joni) throw new Error('Joni Sherman is not in the demo world');
    return joni;
  }

  async function chatAs(persona: string) {
    const playground: Playground = await startPlayground(persona, endpoint);
    open.push(playground);
    const chat = await openChat(playground.url);
    open.push(chat);
    return chat;
  }

  it('an Admin Agent types `customer fabrikam`, clicks Turn on, and the card shows the permission on', async () => {
    const chat = await chatAs('admin-agent.yml');
    const reply = await chat.send('customer fabrikam');
    const card = reply.locator('.ac-adaptiveCard');
    await card.getByText('Fabrikam Inc', { exact: true }).waitFor();
    // Both permissions are off: the reservations one, and the savings plan one below it.
    await card.getByText('Off', { exact: true }).first().waitFor();
    expect(await card.getByText('Off', { exact: true }).count()).to.equal(2);
    await card.getByRole('button', { name: 'Turn on', exact: true }).click();

    // The invoke response replaces the card in place: the same bubble now shows the new state.
    await card.getByText(/^Turned on\./).waitFor({ timeout: 15_000 });
    expect(await card.getByText(/^On since .* \(Alex Wilber\)$/).count()).to.equal(1);
    expect(await card.getByRole('button', { name: 'Turn off', exact: true }).count()).to.equal(1);
    await chat.page.screenshot({ path: join(screenshots, 'playground-admin-turned-on.png') });
    expect((await services.directory.customer(fabrikamId))!.purchasePermission.enabled).to.equal(true);
  });

  it('`help` shows each placeholder in italics, never as &lt;…&gt; (issue 13, item 8)', async () => {
    const chat = await chatAs('admin-agent.yml');
    const reply = await chat.send('help');
    const permission = reply.locator('li').filter({ hasText: /^permission on\|off \[savings-plan\] customer — Turn a customer's/ });
    await permission.waitFor();
    expect(await permission.locator('strong').allInnerTexts()).to.deep.equal(['permission']);
    expect(await permission.locator('em').allInnerTexts()).to.deep.equal(['customer']);
    const buy = reply.locator('li').filter({ hasText: /^buy for customer \[sku region term quantity / });
    expect(await buy.locator('em').allInnerTexts()).to.include.members(['customer', 'sku', 'group id']);
    const shown = await reply.innerText();
    expect(shown).to.match(/Type help command for examples\.$/);
    expect(shown).not.to.match(/&lt;|&gt;|[<>]/);
    await chat.page.screenshot({ path: join(screenshots, 'playground-help.png') });
  });

  it('a Sales Agent sees the permission read-only, without the switch', async () => {
    const chat = await chatAs('sales-agent.yml');
    const card = (await chat.send('customer northwind')).locator('.ac-adaptiveCard');
    await card.getByText('Northwind Traders', { exact: true }).waitFor();
    await card.getByText('Only Admin Agents can change this permission.').waitFor();
    expect(await card.getByRole('button').allInnerTexts()).to.deep.equal(['Reservations', 'Order history']);
  });

  it('a customer user types `buy`, fills in the purchase card, reviews and buys, and the reservation is in the store and the chat', async () => {
    const chat = await chatAs('tailspin-buyer.yml');
    const joni = await joniPerson();
    expect(joni.name).to.equal('Joni Sherman');
    expect(await services.purchases.reservations(joni, tailspinId)).to.deep.equal([]);

    const card = (await chat.send('buy')).locator('.ac-adaptiveCard');
    await card.getByText('Buy an Azure reservation', { exact: true }).waitFor();
    // The Playground renders a short ChoiceSet as radio buttons, and Input.Number as a Fluent spin button (a text input).
    const offer = card.getByRole('radio', { name: 'Virtual Machines D2s v5 · eastus · 1 year · USD 612.00 per unit', exact: true });
    expect(await offer.isChecked()).to.equal(true);
    const quantity = card.getByRole('spinbutton', { name: /Quantity/ });
    expect(await quantity.inputValue()).to.equal('1');
    await quantity.fill('2');
    await quantity.press('Tab'); // the spin button commits what was typed when it loses focus
    await card.locator('[role="spinbutton"][aria-valuenow="2"]').waitFor();

    expect(await card.getByRole('radio', { name: /^Upfront: the whole term now/ }).isChecked()).to.equal(true);
    const monthly = card.getByRole('radio', { name: /^Monthly: the same total in monthly payments/ });
    await monthly.check();
    expect(await monthly.isChecked()).to.equal(true);
    expect(await card.getByRole('radio', { name: /^Tailspin Azure \(5a1c2d3e-0006-4000-8000-00000000a006\)$/ }).isChecked()).to.equal(true);
    expect(await card.getByRole('radio', { name: /^Shared/ }).isChecked()).to.equal(true);
    // Issue 13, item 10: every choice is shown whole, never cut off at the edge of its box ("USD 612.").
    const cut = await card.locator('label, input').evaluateAll((elements) => elements.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent || (el as HTMLInputElement).value));
    expect(cut, 'cut off').to.deep.equal([]);

    await card.getByRole('button', { name: 'Review purchase', exact: true }).click();
    // The review card replaces the form in place, priced from what the inputs sent.
    await card.getByText('Total: USD 1,224.00', { exact: true }).waitFor({ timeout: 15_000 });
    await card.getByText(/^Monthly \(about USD 102\.00 a month for 12 months\)$/).waitFor();
    await card.getByRole('button', { name: 'Buy for USD 1,224.00', exact: true }).click();

    await card.getByText('Reservation bought', { exact: true }).waitFor({ timeout: 15_000 });
    await card.getByText('Bought: order O-1001, reservation R-1001. It is billed to Lucerne Cloud Partners.', { exact: true }).waitFor();
    await chat.page.screenshot({ path: join(screenshots, 'playground-customer-bought.png') });

    const bought = await services.purchases.reservations(joni, tailspinId);
    expect(bought).to.have.length(1);
    expect(bought[0]).to.deep.include({ id: 'R-1001', orderId: 'O-1001', sku: 'Standard_D2s_v5', region: 'eastus', quantity: 2, billingPlan: 'Monthly', billingSubscriptionId: '5a1c2d3e-0006-4000-8000-00000000a006', scope: { type: 'Shared' }, total: 1224 });
    expect(bought[0]!.boughtBy).to.deep.include({ tenantId: tailspinId, userId: joni.userId, name: 'Joni Sherman', role: 'CustomerUser' });

    const list = await chat.send('reservations');
    await list.getByText(/^R-1001 · 2 × Virtual Machines D2s v5 · eastus · 1 year · Active$/).waitFor();
  });

  it('an Admin Agent gets a customer\'s cancel request as a card in the chat, clicks Approve, and the reservation is cancelled with its refund', async () => {
    const chat = await chatAs('admin-agent.yml');
    // Joni (Tailspin's Owner) bought a reservation and asks to cancel it; the bot sends the approval card to Alex's chat.
    const joni = await joniPerson();
    const { quote } = await services.purchases.quote(joni, tailspinId, { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 1, billingPlan: 'Upfront', billingSubscriptionId: '5a1c2d3e-0006-4000-8000-00000000a006', scope: { type: 'Shared' } });
    const { reservation } = await services.purchases.confirm(joni, quote.id);
    const { request } = await services.requests.create(joni, reservation.id, { kind: 'Cancel' }, 'No longer needed');

    const card = chat.page.locator('.fai-OutputCard .ac-adaptiveCard').filter({ hasText: `Cancel request ${request.id}` });
    await card.getByText('Waiting for a decision by an Admin Agent.', { exact: true }).waitFor({ timeout: 15_000 });
    await card.getByText(/^Refund \(estimate as of \d{4}-\d{2}-\d{2}\)$/).waitFor();
    await card.getByRole('button', { name: 'Approve', exact: true }).click();

    await card.getByText(/^Approved by Alex Wilber on .* is cancelled; refund USD 612\.00 in order O-\d+\.$/).waitFor({ timeout: 15_000 });
    expect(await card.getByRole('button', { name: 'Approve', exact: true }).count()).to.equal(0);
    await chat.page.screenshot({ path: join(screenshots, 'playground-admin-approved.png') });
    const stored = (await services.purchases.reservations(joni, tailspinId)).find((r) => r.id === reservation.id)!;
    expect(stored.status).to.equal('Cancelled');
    expect((await services.requests.view(joni, request.id)).request).to.deep.include({ state: 'Approved' });
  });
});
