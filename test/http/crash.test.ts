import { expect } from 'chai';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import { Operation } from '../../services/operations.ts';
import { readWorld } from '../../services/worldImport.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { shownLines, shownLogEntries } from '../helpers/shown.ts';
import { demoPeople } from '../helpers/demoPeople.ts';
import { createStorePlace, suiteBackend, type Backend, type StorePlace } from '../helpers/storePlace.ts';

const { alex } = demoPeople;

describe('the bot as a real process (bot/main.ts)', function () {
  this.timeout(30_000);
  let connector: FakeConnector;
  let fabrikam: { id: string; name: string };
  const running: BotProcess[] = [];
  const places: StorePlace[] = [];

  before(async () => {
    connector = await startFakeConnector();
    fabrikam = (await readWorld(demoWorldFile)).customers.find((c) => /fabrikam/i.test(c.name))!;
  });
  after(() => connector.close());
  afterEach(async () => {
    for (const bot of running.splice(0)) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await Promise.all(places.splice(0).map((place) => place.dispose()));
  });

  async function freshPlace(backend: Backend = suiteBackend): Promise<StorePlace> {
    const place = await createStorePlace({ backend, prefix: 'csp-bot-process-' });
    places.push(place);
    return place;
  }

  async function startBot(place: StorePlace): Promise<BotProcess> {
    const bot = await startBotProcess(connector, place);
    running.push(bot);
    return bot;
  }

  it('a permission change confirmed just before a SIGKILL is there after a restart, card and log', async () => {
    const place = await freshPlace();
    const first = await startBot(place);
    const request = first.message(alex, 'permission on fabrikam');
    const { status } = await first.post(request);
    first.child.kill('SIGKILL');
    expect(status).to.equal(200);
    expect((await first.exited).signal).to.equal('SIGKILL');
    const [confirmation] = await connector.waitFor(1, (call) => call.activityId === request.id);
    expect(shownLines(confirmation!.activity).join('\n')).to.match(/Turned on/);

    const second = await startBot(place);
    const [card] = await second.say(alex, 'customer fabrikam');
    const lines = shownLines(card!);
    expect(lines[0]).to.equal(fabrikam.name);
    expect(lines.find((line) => line.startsWith('Azure reservations: allow customer to purchase'))).to.match(new RegExp(`: On since .*\\(${alex.name}\\)`));
    const [log] = await second.say(alex, 'log fabrikam');
    const [newest] = shownLogEntries(log!);
    expect(newest).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded' });
    expect(newest!.byline).to.include(`${alex.name} (Admin Agent) · ${fabrikam.name}`);
  });

  it('SIGTERM stops it with exit code 0 within 3 s, leaving a store that opens with the change in it', async () => {
    const place = await freshPlace();
    const bot = await startBot(place);
    await bot.say(alex, 'permission on fabrikam');
    const asked = Date.now();
    bot.child.kill('SIGTERM');
    expect(await bot.exited).to.deep.equal({ code: 0, signal: null });
    expect(Date.now() - asked).to.be.below(3000);

    const store = await place.open();
    try {
      expect((await store.customer(fabrikam.id))?.purchasePermission).to.include({ enabled: true, changedBy: alex.userId });
      const [newest] = await store.log.query({ limit: 1 });
      expect(newest).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded', customerId: fabrikam.id });
      expect(newest!.actor).to.include({ userId: alex.userId, name: alex.name });
    } finally {
      await store.close();
    }
  });

  // The embedded store's lock, in either run: several instances on one PostgreSQL database are the point of it.
  it('one process per data folder: a second bot on the same folder cannot start, naming the process that has it; the first keeps answering', async () => {
    const place = await freshPlace('embedded');
    const first = await startBot(place);
    const refused = await startBotProcess(connector, place).then(
      (second) => {
        running.push(second);
        return undefined;
      },
      (err: Error) => err.message,
    );
    expect(refused, 'the second bot should not have started').to.be.a('string');
    expect(refused).to.include('Cannot start:').and.include(`in use by process ${first.child.pid}`);
    const [card] = await first.say(alex, 'customer fabrikam');
    expect(shownLines(card!)[0]).to.equal(fabrikam.name);
  });
});
