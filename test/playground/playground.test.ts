import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import { buildServer } from '../../bot/server.ts';
import type { Store } from '../../data/store.ts';
import { systemClock } from '../../services/clock.ts';
import { createServices, type Services } from '../../services/services.ts';
import { ProactiveMessenger } from '../../bot/proactiveMessenger.ts';
import { importWorld, readWorld } from '../../services/worldImport.ts';
import { chromiumPath, openChat, startPlayground, type Playground } from '../helpers/playground.ts';

const screenshots = 'test-output';
const localBot = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppTenantId: '', MicrosoftAppType: 'MultiTenant' };

describe('the Microsoft 365 Agents Playground in headless Chromium', function () {
  this.timeout(90_000);
  let dataDir: string;
  let store: Store;
  let services: Services;
  let server: Server;
  let endpoint: string;
  let fabrikamId: string;
  const open: { close(): Promise<void> }[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) {
      if (process.env.CI) throw new Error(`${chromiumPath} is missing: .ci/run installs Debian's chromium`);
      console.warn(`    (skipped: no ${chromiumPath}; apt-get install -y chromium to run it)`);
      this.skip();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'playground-bot-'));
    const world = await readWorld(demoWorldFile);
    fabrikamId = world.customers.find((c) => c.name === 'Fabrikam Inc')!.id;
    store = await importWorld(dataDir, world, 'the demo world', systemClock);
    services = createServices(store, systemClock, new ProactiveMessenger(localBot));
    server = buildServer(services, { bot: localBot });
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
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

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
    await card.getByText('Off', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Turn on', exact: true }).click();

    // The invoke response replaces the card in place: the same bubble now shows the new state.
    await card.getByText(/^Turned on\./).waitFor({ timeout: 15_000 });
    expect(await card.getByText(/^On since .* \(Alex Wilber\)$/).count()).to.equal(1);
    expect(await card.getByRole('button', { name: 'Turn off', exact: true }).count()).to.equal(1);
    await chat.page.screenshot({ path: join(screenshots, 'playground-admin-turned-on.png') });
    expect(services.directory.customer(fabrikamId)!.purchasePermission.enabled).to.equal(true);
  });

  it('a Sales Agent sees the permission read-only, without the switch', async () => {
    const chat = await chatAs('sales-agent.yml');
    const card = (await chat.send('customer northwind')).locator('.ac-adaptiveCard');
    await card.getByText('Northwind Traders', { exact: true }).waitFor();
    await card.getByText('Only Admin Agents can change this permission.').waitFor();
    expect(await card.getByRole('button').allInnerTexts()).to.deep.equal(['Reservations', 'Order history']);
  });
});
