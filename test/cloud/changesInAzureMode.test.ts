import { expect } from 'chai';
import { worldSchema } from '../../data/schemas.ts';
import { importWorld } from '../../services/worldImport.ts';
import type { RecordedRequest } from '../fakes/loopbackServer.ts';
import { startFakeMicrosoftCloud, type FakeMicrosoftCloud } from '../fakes/fakeMicrosoftCloud.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { proactiveTo, startFakeConnector, type ConnectorCall, type FakeConnector } from '../helpers/fakeConnector.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { requestWorld } from '../helpers/requesting.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';
import { until } from '../helpers/until.ts';
import { people, tailspinId, type TestUser } from '../helpers/testWorld.ts';

const tia: TestUser = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' };
const isCheckout = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/checkout');
const capacityCalls = (cloud: FakeMicrosoftCloud, leaf: string) => cloud.azure.requests.filter((r) => r.method !== 'GET' && r.path.toLowerCase().endsWith(leaf.toLowerCase()));

/**
 * Issue 17's "done when", the way people reach it: the bot runs as a process in Partner Center mode against the fake
 * Partner Center, Azure and Entra ID; a customer buys in chat, asks for changes with the request card's buttons, an
 * Admin Agent approves with a click, and what Azure answers is what everyone is told.
 */
describe('Partner Center mode: purchases through carts and approved changes carried out in Azure (R8, R17)', function () {
  this.timeout(90_000);
  let cloud: FakeMicrosoftCloud;
  let connector: FakeConnector;
  let place: StorePlace;
  let bot: BotProcess;

  beforeEach(async () => {
    cloud = await startFakeMicrosoftCloud(requestWorld());
    cloud.azure.capacity.longRunning({ inProgressPolls: 2, retryAfterSeconds: 0 });
    connector = await startFakeConnector();
    place = await createStorePlace({ prefix: 'csp-bot-azure-' });
    const store = await place.open();
    await importWorld(store, worldSchema.parse({ ...requestWorld(), customers: [] }), 'the partner directory', fixedClock());
    await store.close();
    bot = await startBotProcess(connector, place, { ...cloud.env, SYNC_INTERVAL_MINUTES: '60' });
    await until(() => /Synced with Partner Center/.test(bot.output()), 'the start-up sync');
    // Both have a personal chat with the bot, so that cards and outcomes can reach them.
    await bot.say(people.admin, 'help');
    await bot.say(tia, 'help');
  });
  afterEach(async () => {
    if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await bot.exited;
    await Promise.all([cloud.close(), connector.close(), place.dispose()]);
  });

  /** Tia buys 2 × D2s v5 in eastus for a year in chat: the one-line form, then Buy on the review card. */
  async function tiaBuys(): Promise<string> {
    const [review] = await bot.say(tia, 'buy Standard_D2s_v5 eastus 1y 2');
    const buy = executeActions(review!.attachments![0]!.content).find((a) => a.verb === 'purchase.confirm')!;
    const answer = await bot.click(tia, 'purchase.confirm', buy.data);
    const shown = shownText(answer.value);
    expect(shown, shown).to.match(/R-1001/);
    return 'R-1001';
  }

  /** Tia asks for `change` with the request card's Send, and Ada approves it with a click. */
  async function askedAndApproved(change: Record<string, unknown>): Promise<string> {
    const asked = await bot.click(tia, 'request.create', { reservationId: 'R-1001', ...change });
    const requestId = /REQ-\d+/.exec(shownText(asked.value))![0];
    const approved = await bot.click(people.admin, 'request.approve', { requestId });
    expect(shownText(approved.value)).to.match(/It is being carried out in Azure; you will be told when it is done\./);
    return requestId;
  }

  /** The next message in Tia's personal chat that matches. */
  const toldTia = async (pattern: RegExp): Promise<string> => {
    const match = (call: ConnectorCall) => proactiveTo(tia)(call) && pattern.test(shownText(call.activity));
    const [call] = await connector.waitFor(1, match, 30_000);
    return shownText(call!.activity);
  };

  it('a purchase is one Partner Center checkout even when the first attempt times out, recorded with Azure\'s reservation', async () => {
    cloud.partnerCenter.hang(1, isCheckout);
    await tiaBuys();
    const checkouts = cloud.partnerCenter.requests.filter(isCheckout);
    expect(checkouts.length, 'the hung checkout was tried again').to.be.greaterThan(1);
    expect(new Set(checkouts.map((c) => c.headers['ms-requestid'])).size, 'with the same MS-RequestId').to.equal(1);
    expect(cloud.partnerCenter.state.checkouts, 'bought once').to.have.length(1);
    const [reservations] = await bot.say(tia, 'reservations');
    expect(shownText(reservations!)).to.match(/R-1001/);
    // The sync finds it in Azure as the bot's own purchase, not as one made in the portal.
    const [sync] = await bot.say(people.admin, 'sync');
    expect(shownText(sync!)).to.not.match(/bought in the Azure portal/);
  });

  it("an approved cancel is calculateRefund then return with its session, and the customer is told Azure's refund", async () => {
    await tiaBuys();
    await askedAndApproved({ kind: 'Cancel' });
    const told = await toldTia(/is cancelled; refund/);
    const [quote] = capacityCalls(cloud, '/calculateRefund');
    const [returned] = capacityCalls(cloud, '/return');
    const sessionId = (JSON.parse(returned!.body) as { properties: { sessionId: string } }).properties.sessionId;
    expect(sessionId).to.match(/\S/);
    expect(quote, 'asked first').to.not.equal(undefined);
    const [refund] = cloud.azure.capacity.refunds;
    expect(refund!.sessionId).to.equal(sessionId);
    const amount = refund!.refund.amount.toLocaleString('en-US', { minimumFractionDigits: 2 });
    expect(told).to.include(`refund ${refund!.refund.currency} ${amount}`);
    const [orders] = await bot.say(tia, 'orders');
    expect(shownText(orders!)).to.include(amount);
  });

  it('an exchange, a scope change and an auto-renew change each reach Azure and show in the bot', async () => {
    await tiaBuys();
    await askedAndApproved({ kind: 'Renew', autoRenew: 'on' });
    await toldTia(/Auto-renew of R-1001 is now on/);
    await askedAndApproved({ kind: 'Scope', scope: 'single|sub-tailspin-plan' });
    await toldTia(/The scope of R-1001 is changed/);
    const [inAzure] = cloud.azure.state.reservationOrders.get(tailspinId)!.flatMap((o) => o.reservations);
    expect(inAzure).to.include({ renew: true, appliedScopeType: 'Single' });
    await askedAndApproved({ kind: 'Exchange', offer: 'Standard_D4s_v5|eastus|P3Y', quantity: '1' });
    const told = await toldTia(/R-1001 is exchanged for R-\d+/);
    expect(cloud.azure.capacity.exchanges).to.have.length(1);
    const newId = /exchanged for (R-\d+)/.exec(told)![1]!;
    const [list] = await bot.say(tia, 'reservations');
    expect(shownText(list!)).to.include(newId);
  });

  it('a change Azure refuses is shown and logged, and an Admin Agent can retry it', async () => {
    await tiaBuys();
    cloud.azure.capacity.refuseNext('update', { code: 'ScopeNotAllowed', message: 'The applied scope is not allowed by your organization\'s policy.', at: 'request' });
    const requestId = await askedAndApproved({ kind: 'Scope', scope: 'single|sub-tailspin-plan' });
    const told = await toldTia(/Azure did not carry it out/);
    expect(told).to.match(/The applied scope is not allowed by your organization's policy/);
    const [card] = await bot.say(people.admin, `request ${requestId}`);
    expect(shownText(card!)).to.match(/\[Retry in Azure\]/);
    const [log] = await bot.say(people.admin, 'log tailspin');
    expect(shownText(log!)).to.match(/Change Reservation Scope[\s\S]*Refused/);
    const retried = await bot.click(people.admin, 'request.retry', { requestId });
    expect(shownText(retried.value)).to.match(/Sent to Azure again/);
    await toldTia(/The scope of R-1001 is changed/);
    const [inAzure] = cloud.azure.state.reservationOrders.get(tailspinId)!.flatMap((o) => o.reservations);
    expect(inAzure).to.include({ appliedScopeType: 'Single' });
  });
});
