import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogEntry } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { demoPeople } from '../helpers/demoPeople.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';

const { alex } = demoPeople;
const lives = 50;
/** Customers of the demo world whose permission may be turned on (an active Azure Plan). */
const switchable = ['contoso.onmicrosoft.com', 'contosopharma.onmicrosoft.com', 'fabrikam.onmicrosoft.com'];

/** A small seeded generator, so that a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const text = (replies: unknown) => JSON.stringify(replies);

/** Each entry's `before` is the previous entry's `after`: a change without its entry would break the chain. */
function expectChain(entries: LogEntry[], field: string, what: string): unknown {
  let last: unknown;
  for (const [i, e] of entries.entries()) {
    const before = (e.before as Record<string, unknown>)[field];
    if (i > 0) expect(before, `${what}: entry ${e.seq} starts from what the entry before it left`).to.deep.equal(last);
    last = (e.after as Record<string, unknown>)[field];
  }
  return last;
}

describe('the bot killed 50 times at random moments during a stream of writes (R22)', function () {
  this.timeout(900_000);
  let connector: FakeConnector;
  let place: StorePlace;

  before(async () => {
    connector = await startFakeConnector();
    place = await createStorePlace({ prefix: 'csp-bot-killed-' });
  });
  after(async () => {
    await connector.close();
    await place.dispose();
  });

  it('every restart succeeds; no acknowledged write is lost; every change has its log entry and every entry its change', async () => {
    const next = random(20261205);
    const prices: number[] = [];
    const permissions: string[] = [];
    const orders: string[] = [];
    let amount = 500;
    let bot: BotProcess | undefined;

    for (let life = 0; life < lives; life++) {
      bot = await startBotProcess(connector, place);
      const running = bot;
      let killed = false;
      const writer = async (kind: number) => {
        while (!killed) {
          try {
            if (kind === 0) {
              const price = (amount += 1) / 100 + 600;
              const replies = await running.say(alex, `price Standard_D2s_v5 eastus 1y ${price.toFixed(2)}`);
              if (text(replies).includes(price.toFixed(2))) prices.push(price);
            } else if (kind === 1) {
              const domain = switchable[Math.floor(next() * switchable.length)]!;
              const on = next() < 0.5;
              const replies = await running.say(alex, `permission ${on ? 'on' : 'off'} ${domain}`);
              if (/Turned (on|off)/.test(text(replies))) permissions.push(`${domain} ${on ? 'on' : 'off'}`);
            } else {
              const [review] = await running.say(alex, 'buy for fabrikam.onmicrosoft.com Standard_D2s_v5 eastus 1y 1');
              const quoteId = text(review).match(/"quoteId":"([^"]+)"/)?.[1];
              if (!quoteId) continue;
              const answer = await running.click(alex, 'purchase.confirm', { quoteId });
              const bought = text(answer).match(/Bought: order (O-\d+)/);
              if (bought) orders.push(bought[1]!);
            }
          } catch {
            // The kill cut this write short: it was never acknowledged.
          }
        }
      };
      const writers = [0, 1, 2].map(writer);
      await sleep(100 + next() * 700);
      running.child.kill('SIGKILL');
      killed = true;
      await running.exited;
      await Promise.all(writers);
      connector.clear();
    }

    // The last life's start proved the store opens; now it is read directly, with no process holding it.
    const warnings: string[] = [];
    const store = await place.open({ warn: (message) => warnings.push(message) });
    try {
      // What a kill may leave in the embedded store's folder: its lock, a journal line or a log line half written, log
      // entries only the journal has. PostgreSQL has nothing to recover (a killed connection's transaction rolls back).
      const recoveries = [/store\.lock: taken over from process \d+/, /cut an incomplete last transaction/, /dropped an incomplete last entry/, /log entr(y|ies) from the journal that an interrupted write had left out/];
      expect(warnings.filter((w) => !recoveries.some((r) => r.test(w))), 'warnings other than recoveries from a kill').to.deep.equal([]);
      if (place.backend === 'embedded') expect(warnings.filter((w) => recoveries[0]!.test(w)), 'the last kill\'s lock').to.have.length(1);
      expect(prices.length + permissions.length + orders.length, 'writes acknowledged across the 50 lives').to.be.greaterThan(lives);
      const all = await store.log.query({ limit: 1_000_000 });
      const seqs = all.map((e) => e.seq).reverse();
      expect(seqs.filter((seq, i) => i > 0 && seq <= seqs[i - 1]!), 'log sequence numbers that repeat or go back').to.deep.equal([]);
      // PostgreSQL numbers entries from a sequence: a transaction rolled back (by a kill) or run again leaves a gap,
      // by design (data/migrations/001_store.sql). The embedded store numbers only what commits.
      if (place.backend === 'embedded') expect(seqs, 'log sequence numbers, without a gap or a repeat').to.deep.equal(seqs.map((_, i) => seqs[0]! + i));

      const priceEntries = all.filter((e) => e.operation === Operation.SetPartnerPrice && e.target === 'Standard_D2s_v5 eastus P1Y').reverse();
      const logged = new Set(priceEntries.map((e) => (e.after as { partnerPrice: number }).partnerPrice));
      expect(prices.filter((p) => !logged.has(p)), 'acknowledged prices without their log entry').to.deep.equal([]);
      const row = (await store.prices()).find((p) => p.sku === 'Standard_D2s_v5' && p.region === 'eastus' && p.term === 'P1Y')!;
      expect(expectChain(priceEntries, 'partnerPrice', 'the eastus 1-year price'), 'the price the last entry left is the stored one').to.equal(row.partnerPrice);
      expect(row.partnerPrice, 'the last acknowledged price or a later one').to.be.at.least(prices.at(-1)!);

      for (const domain of switchable) {
        const customer = (await store.customers((await store.customerNames()).filter((c) => c.domain === domain).map((c) => c.id)))[0]!;
        const entries = (await store.log.query({ customerIds: [customer.id], operations: [Operation.CreateCustomerPurchasePermissions, Operation.DeleteCustomerPurchasePermissions], limit: 100_000 }))
          .filter((e) => e.outcome === 'Succeeded')
          .reverse();
        expect(entries.length, `${domain}: an entry for every acknowledged change`).to.be.at.least(permissions.filter((p) => p.startsWith(`${domain} `)).length);
        const last = expectChain(entries, 'enabled', `${domain}'s permission`);
        expect(customer.purchasePermission.enabled, `${domain}: the state the last entry left`).to.equal(last ?? customer.purchasePermission.enabled);
      }

      const fabrikam = (await store.customerNames()).find((c) => c.domain === 'fabrikam.onmicrosoft.com')!;
      const stored = (await store.orders(fabrikam.id)).filter((o) => o.type === 'Purchase');
      const purchaseEntries = all.filter((e) => e.operation === Operation.PurchaseReservation && e.outcome === 'Succeeded');
      const orderOf = (e: LogEntry) => (e.after as { order: string }).order;
      expect(orders.filter((id) => !stored.some((o) => o.id === id)), 'acknowledged orders lost').to.deep.equal([]);
      expect(stored.map((o) => o.id).sort(), 'every order has one log entry, and every entry its order').to.deep.equal(purchaseEntries.map(orderOf).sort());
    } finally {
      await store.close();
    }
  });
});
