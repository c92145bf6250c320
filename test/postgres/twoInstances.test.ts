import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoWorldFile, openOrSeed } from '../../bot/openOrSeed.ts';
import { openPostgresStore } from '../../data/postgresStore.ts';
import type { ChangeRequest, LogEntry, World } from '../../data/schemas.ts';
import type { Store } from '../../data/store.ts';
import { systemClock } from '../../services/clock.ts';
import { ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { readWorld } from '../../services/worldImport.ts';
import { inSharedChat } from '../helpers/activities.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../helpers/testDatabase.ts';
import type { TestUser } from '../helpers/testWorld.ts';
import { askToCancel, buy, cardOf, confirm, inParallel, outboxEmptied, pendingDeliveries, proactive, quote, random, seen, type Instance } from './chatOps.ts';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const personal = (user: TestUser) => `a:personal-${user.userId}`;
const approvalsChannel = { type: 'channel' as const, id: '19:approvals@thread.tacv2' };

describe('two bot instances on one PostgreSQL database (R16, R17, R22, R23)', function () {
  needsPostgres(this);
  this.timeout(120_000);

  let db: TestDatabase;
  let connector: FakeConnector;
  let store: Store;
  let world: World;
  let a: BotProcess & Instance;
  let b: BotProcess & Instance;
  const dataDirs: string[] = [];
  const running: BotProcess[] = [];

  /** A person of the demo world by name: an agent of the partner or a customer's user. */
  function person(name: string): TestUser {
    const agent = world.partner.agents.find((p) => p.name === name);
    if (agent) return { tenantId: world.partner.tenantId, userId: agent.userId, name };
    const customer = world.customers.find((c) => c.users.some((u) => u.name === name));
    const user = customer?.users.find((u) => u.name === name);
    if (!customer || !user) throw new Error(`${name} is not in the demo world`);
    return { tenantId: customer.id, userId: user.userId, name };
  }
  const customerId = (domain: string) => world.customers.find((c) => c.domain === domain)!.id;

  before(async () => {
    world = await readWorld(demoWorldFile);
    db = await createTestDatabase();
    connector = await startFakeConnector();
    // Started together on the empty database: both find it empty, and only one may load the demo world.
    const start = async (name: string) => {
      const dir = await mkdtemp(join(tmpdir(), `csp-two-instances-${name}-`));
      dataDirs.push(dir);
      const bot = await startBotProcess(connector, dir, { DATABASE_URL: db.url });
      running.push(bot);
      return { ...bot, name };
    };
    [a, b] = await Promise.all([start('A'), start('B')]);
    store = await openPostgresStore(db.url, { warn: () => undefined });
  });

  after(async () => {
    for (const bot of running) {
      if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill('SIGKILL');
      await bot.exited;
    }
    await store?.close();
    await connector?.close();
    await db?.drop();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** Neither instance printed an error: a turn that failed, a delivery round that threw, a stack trace. */
  function expectNothingWentWrong() {
    for (const bot of [a, b]) {
      const problems = bot.output().split('\n').filter((line) => /error|warning|exception|unhandled|^\s+at /i.test(line) && !/^HTTP API and dashboard sign-in/.test(line));
      expect(problems, `what instance ${bot.name} printed`).to.deep.equal([]);
    }
  }

  it('R18: of two instances starting together on an empty database, one loads the demo world (bot/openOrSeed.ts)', async () => {
    const loads = async (s: Store) => (await s.log.query({ operations: [Operation.LoadPartnerDirectory], limit: 10 })).length;
    const processes = { loads: await loads(store), saidLoaded: [a, b].filter((bot) => bot.output().includes('demo world loaded')).length };
    // The same step of two instances at the very same moment, on fresh databases: two processes meet there only sometimes.
    const atOnce: { loads: number; saidLoaded: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const fresh = await createTestDatabase();
      try {
        const opened = await Promise.all([0, 1].map(() => openOrSeed({ dataDir: join(tmpdir(), 'unused'), database: { url: fresh.url, options: { warn: () => undefined } } }, systemClock)));
        atOnce.push({ loads: await loads(opened[0]!.store), saidLoaded: opened.filter((o) => o.seeded).length });
        await Promise.all(opened.map((o) => o.store.close()));
      } finally {
        await fresh.drop();
      }
    }
    const once = { loads: 1, saidLoaded: 1 };
    expect({ processes, atOnce }, 'Load Partner Directory entries, and how many instances said they loaded the demo world').to.deep.equal({ processes: once, atOnce: [once, once, once] });
  });

  describe('with the people of the demo world talking to both', () => {
    let alex: TestUser, isaiah: TestUser, megan: TestUser, joni: TestUser, lee: TestUser;
    let tailspin: string;

    before(async () => {
      alex = person('Alex Wilber');
      isaiah = person('Isaiah Langer');
      megan = person('Megan Bowen');
      joni = person('Joni Sherman');
      lee = person('Lee Gu');
      tailspin = customerId('tailspintoys.onmicrosoft.com');
      // Each talks to the bot first, so that its personal chat is kept; the approvals channel gets an observer's copy.
      const everyone = ['Alex Wilber', 'Isaiah Langer', 'Megan Bowen', 'Joni Sherman', 'Lee Gu', 'Lynne Robbins', 'Miriam Graham', 'Diego Siciliani'].map(person);
      await Promise.all(everyone.map((user, i) => [a, b][i % 2]!.say(user, 'help')));
      const [set] = await b.send(inSharedChat(b.message(alex, 'settings approvals-channel'), approvalsChannel));
      expect(seen(set)).to.include("now gets a copy of every change request's approval card");
      expect(seen((await a.say(alex, 'settings notifications on'))[0])).to.include('Purchase notifications are on');
    });

    it('R16, R17, R22: 50 cancel requests, each clicked Approve or Reject 10 times at once across both: one decision each, one refund per approval, every card copy updated once', async () => {
      const next = random(20260314);
      // 50 reservations of Tailspin's, bought by Joni (the Owner of its Azure Plan) on both instances, a few at a time
      // (a person keeps at most 20 quotes, R24); Joni and Lee ask to cancel them.
      const bought = await inParallel(range(50), 3, (i) => buy([a, b][i % 2]!, store, joni, 'buy Standard_D2s_v5 eastus 1y 1'));
      const requestIds = await inParallel(bought, 3, (reservation, i) => askToCancel([a, b][i % 2]!, connector, [joni, lee][Math.floor(i / 2) % 2]!, reservation));
      await outboxEmptied(store, 30_000);
      const asked = new Map<string, ChangeRequest>();
      for (const id of requestIds) asked.set(id, (await store.request(id))!);
      for (const request of asked.values()) expect(request.copies.map((c) => c.audience).sort(), `${request.id}'s cards sent`).to.deep.equal(['approver', 'approver', 'observer', 'requester']);
      expect(connector.received.filter((c) => c.method === 'PUT'), 'no card is updated before a decision').to.deep.equal([]);

      // 10 clicks per request, 5 on each instance, by both Admin Agents, each Approve or Reject at random.
      type Click = { requestId: string; bot: Instance; agent: TestUser; outcome: 'Approved' | 'Rejected'; text?: string; ms?: number };
      const clicks = requestIds.map((requestId) =>
        range(10).map((i): Click => ({ requestId, bot: [a, b][i % 2]!, agent: [alex, isaiah][Math.floor(i / 2) % 2]!, outcome: next() < 0.5 ? 'Approved' : 'Rejected' })),
      );
      // Three requests at a time: 30 clicks under way at once.
      const started = Date.now();
      await inParallel(clicks, 3, (ofOne) =>
        Promise.all(
          ofOne.map(async (click) => {
            const copy = asked.get(click.requestId)!.copies.find((c) => c.audience === 'approver' && (c.reference.conversation as { id: string }).id === personal(click.agent))!;
            const data = { requestId: click.requestId, ...(click.outcome === 'Rejected' ? { reason: 'Not this year.' } : {}) };
            const sent = Date.now();
            const answer = await click.bot.click(click.agent, click.outcome === 'Approved' ? 'request.approve' : 'request.reject', data, copy.activityId);
            click.ms = Date.now() - sent;
            click.text = seen(answer.value);
          }),
        ),
      );
      const clickingMs = Date.now() - started;
      await outboxEmptied(store, 30_000);

      const decisions = [Operation.ApproveRequest, Operation.RejectRequest];
      const entries = await store.log.query({ customerIds: [tailspin], operations: [...decisions, Operation.CancelReservation], limit: 100_000 });
      const refunds = (await store.orders(tailspin)).filter((o) => o.type === 'Refund');
      const puts = connector.received.filter((c) => c.method === 'PUT');
      const problems: string[] = [];
      const outcomes = new Set<string>();
      for (const ofOne of clicks) {
        const request = (await store.request(ofOne[0]!.requestId))!;
        outcomes.add(request.state);
        const { id, state, closedBy } = request;
        const said = (problem: string) => problems.push(`${id}: ${problem}`);
        if (state !== 'Approved' && state !== 'Rejected') {
          said(`is ${state}`);
          continue;
        }
        const decidedBy = `${state} by ${closedBy!.name} on`;
        const winners = ofOne.filter((c) => c.text!.includes(decidedBy) && !/already (approved|rejected)/i.test(c.text!));
        const repeats = ofOne.filter((c) => /You already (approved|rejected) this request on .*; nothing more was changed/.test(c.text!));
        const refused = ofOne.filter((c) => new RegExp(`${closedBy!.name} already ${state.toLowerCase()} this request on .*, so your click changed nothing`).test(c.text!));
        if (winners.length !== 1) said(`${winners.length} clicks were answered with the decision`);
        if (winners.length + repeats.length + refused.length !== 10) said(`answers neither the decision, a repeat nor "already decided": ${ofOne.filter((c) => ![...winners, ...repeats, ...refused].includes(c)).map((c) => c.text).join(' | ')}`);
        if (![...winners, ...repeats].every((c) => c.agent.userId === closedBy!.userId && c.outcome === state)) said('a click other than the decider repeating their decision was not refused');

        const logged = entries.filter(({ target = '' }) => target === id || target.startsWith(`${id}: `) || target.endsWith(`(request ${id})`));
        const succeeded = logged.filter((e) => e.outcome === 'Succeeded' && decisions.includes(e.operation as never));
        if (succeeded.length !== 1 || succeeded[0]!.operation !== (state === 'Approved' ? Operation.ApproveRequest : Operation.RejectRequest)) said(`decision entries: ${succeeded.map((e) => e.operation)}`);
        const refusedEntries = logged.filter((e) => e.outcome === 'Refused');
        if (refusedEntries.length !== refused.length || !refusedEntries.every((e) => e.reason?.code === ErrorCode.RequestAlreadyDecided)) said(`${refused.length} clicks refused, ${refusedEntries.length} refusals logged`);

        const cancels = logged.filter((e) => e.operation === Operation.CancelReservation);
        const ownRefunds = refunds.filter((o) => o.requestId === id);
        const reservation = (await store.reservation(request.reservationId))!;
        const carriedOut = state === 'Approved' ? 1 : 0;
        if (cancels.length !== carriedOut || ownRefunds.length !== carriedOut) said(`${state}, with ${ownRefunds.length} refund orders and ${cancels.length} cancel entries`);
        if (reservation.status !== (state === 'Approved' ? 'Cancelled' : 'Active')) said(`${state}, and its reservation is ${reservation.status}`);

        for (const copy of request.copies) {
          const updates = puts.filter((c) => c.activityId === copy.activityId);
          if (updates.length !== 1) said(`the ${copy.audience} copy ${copy.activityId} was updated ${updates.length} times`);
          else if (!seen(cardOf(updates[0]!.activity)).includes(decidedBy)) said(`the ${copy.audience} copy does not show "${decidedBy}"`);
        }
        const told = connector.received.filter((c) => proactive(c) && c.conversationId === personal(request.requestedBy) && c.activity.text?.startsWith(`${id} (cancel ${request.reservationId}): ${state} by ${closedBy!.name}`));
        if (told.length !== 1) said(`${request.requestedBy.name} was told the outcome ${told.length} times`);
      }
      const slowest = Math.max(...clicks.flat().map((c) => c.ms!));
      expect(problems, `what broke R16/R17 (the 500 clicks took ${clickingMs} ms, the slowest ${slowest} ms)`).to.deep.equal([]);
      expect([...outcomes].sort(), 'both decisions were made').to.deep.equal(['Approved', 'Rejected']);
      expect(puts, 'no update but of a copy of these requests').to.have.length(50 * 4);
      expectNothingWentWrong();
    });

    it('R22: Buy on one quote clicked 10 times at once across both instances buys it once, with one log entry', async () => {
      const quoteId = await quote(a, joni, 'buy Standard_D2s_v5 eastus 3y 2');
      const answers = await Promise.all(range(10).map((i) => confirm([a, b][i % 2]!, joni, quoteId)));
      const order = (await store.orderOfQuote(quoteId))!;
      expect(order, 'the order of the quote').to.exist;
      expect(answers.map((x) => x.orderId), 'every click names the one order').to.deep.equal(range(10).map(() => order.id));
      expect(answers.filter((x) => x.text.includes(`Bought: order ${order.id}`)), 'one click bought it').to.have.length(1);
      expect(answers.filter((x) => x.text.includes('This purchase was already confirmed, so it was bought once')), 'the others were told').to.have.length(9);
      expect((await store.orders(tailspin)).filter((o) => o.quoteId === quoteId), 'orders of the quote').to.have.length(1);
      expect((await store.reservations(tailspin)).filter((r) => r.orderId === order.id), 'reservations of the order').to.have.length(1);
      const entries = await store.log.query({ customerIds: [tailspin], operations: [Operation.PurchaseReservation], limit: 100_000 });
      expect(entries.filter((e) => e.outcome === 'Succeeded' && (e.after as { order: string }).order === order.id), 'Purchase entries of the order').to.have.length(1);
      expectNothingWentWrong();
    });

    it('R17, R22: cancels approved at once on the two instances, whose refunds together pass USD 50,000 in 12 months: one is refused, saying the allowance left', async () => {
      // Three customers, each with two reservations of USD 35,800 whose cancels are approved at the same moment, one on each instance.
      const customers = [
        { domain: 'contoso.onmicrosoft.com', user: person('Lynne Robbins') },
        { domain: 'contosopharma.onmicrosoft.com', user: person('Miriam Graham') },
        { domain: 'fabrikam.onmicrosoft.com', user: person('Diego Siciliani') },
      ];
      const asked = await Promise.all(
        customers.map(async ({ domain, user }) => {
          const reservations = [await buy(a, store, alex, `buy for ${domain} Standard_E8s_v5 westeurope 3y 4`), await buy(b, store, alex, `buy for ${domain} Standard_E8s_v5 westeurope 3y 4`)];
          return { domain, id: customerId(domain), requests: [await askToCancel(a, connector, user, reservations[0]!), await askToCancel(b, connector, user, reservations[1]!)] };
        }),
      );
      await outboxEmptied(store, 30_000);
      const putsBefore = connector.received.filter((c) => c.method === 'PUT').length;

      const answers = await Promise.all(
        asked.map(({ requests: [first, second] }) => Promise.all([a.click(alex, 'request.approve', { requestId: first }), b.click(isaiah, 'request.approve', { requestId: second })])),
      );
      await outboxEmptied(store, 30_000);

      for (const [i, { domain, id, requests }] of asked.entries()) {
        const states = await Promise.all(requests.map(async (r) => (await store.request(r))!.state));
        expect(states.slice().sort(), `${domain}: one approved, one still pending`).to.deep.equal(['Approved', 'Pending']);
        const refusedAnswer = seen(answers[i]![states.indexOf('Pending')]!.value);
        expect(refusedAnswer, `${domain}: the refused approval`).to.match(/A refund of USD [\d,.]+ would pass the refund cap of USD 50,000\.00 per customer in any 12 months: counting the refunds since \d{4}-\d{2}-\d{2}, only USD [\d,.]+ more can be refunded/);
        const refunds = (await store.orders(id)).filter((o) => o.type === 'Refund');
        expect(refunds.map((o) => o.requestId), `${domain}: refund orders`).to.deep.equal([requests[states.indexOf('Approved')]]);
        expect(refunds.reduce((sum, o) => sum + o.amount, 0), `${domain}: refunded in 12 months`).to.be.at.most(50_000);
        const entries = await store.log.query({ customerIds: [id], operations: [Operation.ApproveRequest, Operation.CancelReservation], limit: 100 });
        expect(entries.map((e) => [e.operation, e.outcome, e.reason?.code]).sort(), `${domain}: log`).to.deep.equal(
          [
            [Operation.ApproveRequest, 'Refused', ErrorCode.RefundCapExceeded],
            [Operation.ApproveRequest, 'Succeeded', undefined],
            [Operation.CancelReservation, 'Succeeded', undefined],
          ].sort(),
        );
      }
      // Only the approved requests' four copies each show a decision.
      expect(connector.received.filter((c) => c.method === 'PUT').length - putsBefore, 'card updates').to.equal(3 * 4);
      expectNothingWentWrong();
    });

    it('R22, R23: one instance SIGKILLed mid-traffic: the other keeps answering, nothing acknowledged is lost, and what the killed one had claimed from the outbox is delivered by the other', async () => {
      const since = (await store.log.query({ limit: 1 }))[0]!.seq;
      let killedAt = Infinity;
      let stopped = false;
      /** Writes one after another until stopped (on B, until it is killed); keeps what each acknowledged write said. */
      type Writer = { bot: Instance; who: TestUser; acknowledged: string[]; afterKill: number; failures: string[]; done: Promise<void> };
      const writer = (bot: Instance, who: TestUser, write: () => Promise<string>): Writer => {
        const w: Writer = { bot, who, acknowledged: [], afterKill: 0, failures: [], done: Promise.resolve() };
        w.done = (async () => {
          while (!stopped && !(bot === b && Date.now() >= killedAt)) {
            const at = Date.now();
            try {
              w.acknowledged.push(await write());
              if (at > killedAt) w.afterKill++;
            } catch (err) {
              // On the instance killed, a write cut short by the kill was never acknowledged; anything else is a failure to answer.
              if (bot !== b || Date.now() < killedAt) w.failures.push(`${new Date(at).toISOString()} ${(err as Error).message}`);
            }
          }
        })();
        return w;
      };
      const enabled = async (domain: string) => (await store.customer(customerId(domain)))!.purchasePermission.enabled;
      /** Turns one customer's permission on and off in turn: acknowledged as "<domain> on|off". */
      const toggler = (bot: Instance, who: TestUser, domain: string, on: boolean) =>
        writer(bot, who, async () => {
          const state = on ? 'on' : 'off';
          const text = seen((await bot.say(who, `permission ${state} ${domain}`))[0]);
          if (!text.includes(`Turned ${state}`)) throw new Error(`permission ${state} ${domain} answered: ${text}`);
          on = !on;
          return `${domain} ${state}`;
        });
      /** Buys one reservation after another for Tailspin: acknowledged as the order's id. */
      const buyer = (bot: Instance, who: TestUser) =>
        writer(bot, who, async () => (await confirm(bot, who, await quote(bot, who, `buy ${who === joni ? '' : 'for tailspintoys.onmicrosoft.com '}Standard_D2s_v5 eastus 1y 1`))).orderId);

      const heldQuote = await quote(b, joni, 'buy Standard_D2s_v5 eastus 1y 1');
      const toggled = [
        { domain: 'contoso.onmicrosoft.com', bot: a, who: alex },
        { domain: 'contosopharma.onmicrosoft.com', bot: b, who: isaiah },
        { domain: 'fabrikam.onmicrosoft.com', bot: a, who: isaiah },
      ];
      const starts = await Promise.all(toggled.map(({ domain }) => enabled(domain)));
      const togglers = toggled.map(({ domain, bot, who }, i) => Object.assign(toggler(bot, who, domain, !starts[i]), { domain }));
      const buyers = [buyer(a, joni), buyer(b, joni), buyer(a, megan), buyer(b, megan)];
      const writers = [...togglers, ...buyers];

      await sleep(1500);
      // B dies while sending: the Bot Connector holds every message, so that what B has claimed from the outbox is
      // under way (a click is answered in the HTTP response: B buys, and B's delivery worker claims the notices).
      // A is paused meanwhile (well under its writers' 5 s patience), so that its worker, which checks the shared
      // outbox every second, cannot be the one that claims them.
      connector.hold();
      const heldAt = connector.received.length;
      a.child.kill('SIGSTOP');
      let heldOrder: string;
      try {
        ({ orderId: heldOrder } = await confirm(b, joni, heldQuote));
        await connector.waitFor(1, (c) => connector.received.indexOf(c) >= heldAt && proactive(c), 5000);
        await sleep(300);
        killedAt = Date.now();
        b.child.kill('SIGKILL');
        expect((await b.exited).signal).to.equal('SIGKILL');
      } finally {
        a.child.kill('SIGCONT');
      }
      connector.release();

      await sleep(2500);
      stopped = true;
      await Promise.all(writers.map((w) => w.done));
      for (const w of writers.filter((w) => w.bot === a)) {
        expect(w.failures, `${w.who.name} on A: every write answered`).to.deep.equal([]);
        expect(w.afterKill, `${w.who.name} on A: writes acknowledged after the kill`).to.be.above(0);
      }
      for (const w of writers.filter((w) => w.bot === b)) expect(w.failures, `${w.who.name} on B before the kill`).to.deep.equal([]);

      // Acknowledged purchases: each in the store with its reservation and one log entry; every purchase has its entry.
      const orders = (await store.orders(tailspin)).filter((o) => o.type === 'Purchase');
      const reservations = await store.reservations(tailspin);
      const purchaseEntries = (await store.log.query({ customerIds: [tailspin], operations: [Operation.PurchaseReservation], limit: 100_000 })).filter((e) => e.outcome === 'Succeeded');
      const orderOf = (e: LogEntry) => (e.after as { order: string }).order;
      const acknowledgedOrders = [heldOrder, ...buyers.flatMap((w) => w.acknowledged)];
      expect(acknowledgedOrders.filter((id) => !orders.some((o) => o.id === id && reservations.some((r) => r.id === o.reservationId))), 'acknowledged orders lost').to.deep.equal([]);
      expect(orders.map((o) => o.id).sort(), 'every order has one log entry, and every entry its order').to.deep.equal(purchaseEntries.map(orderOf).sort());
      // Acknowledged permission changes: each customer's entries since the traffic began are the acknowledged ones,
      // and one more at most on B, whose last write may have committed unanswered; the stored state is the last entry's.
      for (const w of togglers) {
        const { domain } = w;
        const entries = (await store.log.query({ customerIds: [customerId(domain)], operations: [Operation.CreateCustomerPurchasePermissions, Operation.DeleteCustomerPurchasePermissions], limit: 1000 }))
          .filter((e) => e.seq > since)
          .reverse();
        const states = entries.map((e) => `${domain} ${(e.after as { enabled: boolean }).enabled ? 'on' : 'off'}`);
        expect(w.acknowledged.length, `${domain}: changes acknowledged by ${w.bot.name}`).to.be.above(0);
        expect(states.slice(0, w.acknowledged.length), `${domain}: the acknowledged changes, each logged, in order`).to.deep.equal(w.acknowledged);
        expect(states.length - w.acknowledged.length, `${domain}: changes logged but not acknowledged`).to.be.at.most(w.bot === b ? 1 : 0);
        expect((await enabled(domain)) ? `${domain} on` : `${domain} off`, `${domain}: the stored permission`).to.equal(states.at(-1));
      }

      // A sends its own at once; what B had claimed stays pending, its next attempt after the claim's send timeout and
      // first backoff (15 + 10 s, bot/main.ts keeps the default DeliveryPolicy), and A sends it then.
      await sleep(1000);
      const stranded = (await pendingDeliveries(store)).filter((d) => Date.parse(d.nextAttemptAt) > Date.now());
      expect(stranded.length, 'deliveries B had claimed when it was killed').to.be.above(0);
      expect(stranded.map((d) => d.attempts), 'each claimed once, by B').to.deep.equal(stranded.map(() => 1));
      await outboxEmptied(store, 45_000);
      for (const { id } of stranded) expect(await store.delivery(id), `delivery ${id}, B's claim, sent by A`).to.deep.include({ state: 'Sent', attempts: 2 });
      for (const { to, message } of stranded.filter((d) => d.message.kind === 'purchaseNotice')) {
        const orderId = (message as { orderId: string }).orderId;
        const calls = connector.received.filter((c) => proactive(c) && c.conversationId === (to.reference.conversation as { id: string }).id && JSON.stringify(c.activity).includes(orderId));
        expect(calls.length, `notices of ${orderId} to ${to.userId}: the one B sent as it died, and A's`).to.equal(2);
      }
      expect(await store.log.query({ operations: [Operation.DeliverMessage], limit: 10 }), 'deliveries that failed for good').to.deep.equal([]);
      expect(seen((await a.say(alex, 'help'))[0]), 'A still answers').to.include('help');
      expectNothingWentWrong();
    });
  });
});
