import { expect } from 'chai';
import { worldSchema } from '../../data/schemas.ts';
import { importWorld } from '../../services/worldImport.ts';
import { startFakeMicrosoftCloud, type FakeMicrosoftCloud } from '../fakes/fakeMicrosoftCloud.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { proactiveTo, startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { tokenExchangeFrom } from '../helpers/activities.ts';
import { shownText } from '../helpers/shown.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';
import { until } from '../helpers/until.ts';
import { people, tailspinId, contosoId, fabrikamId, testWorld, type TestUser } from '../helpers/testWorld.ts';

/** The partner's own directory as an operator loads it for Partner Center mode: agents and prices, no customers. */
const partnerDirectory = () => ({ ...testWorld(), customers: [] });

describe('Partner Center mode: the bot against a fake Partner Center, Azure and Entra ID (HTTPS on loopback)', function () {
  this.timeout(60_000);
  let cloud: FakeMicrosoftCloud;
  let connector: FakeConnector;
  let place: StorePlace;
  let bot: BotProcess;

  beforeEach(async () => {
    cloud = await startFakeMicrosoftCloud();
    connector = await startFakeConnector();
    place = await createStorePlace({ prefix: 'csp-bot-cloud-' });
    const store = await place.open();
    await importWorld(store, worldSchema.parse(partnerDirectory()), 'the partner directory', fixedClock());
    await store.close();
    bot = await startBotProcess(connector, place, { ...cloud.env, SYNC_INTERVAL_MINUTES: '60' });
    await until(() => /Synced with Partner Center/.test(bot.output()), 'the start-up sync');
  });
  afterEach(async () => {
    if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    await bot.exited;
    await Promise.all([cloud.close(), connector.close(), place.dispose()]);
  });

  /** POST /v1/SelfServePolicy to the bot, as the agent, with a token Entra ID issued them. */
  async function policyPost(agent: TestUser, customerId: string) {
    const res = await fetch(`${bot.url}/v1/SelfServePolicy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await cloud.userToken(agent)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        selfServeEntity: { selfServeEntityType: 'customer', tenantID: customerId },
        grantor: { grantorType: 'billToPartner', tenantID: people.admin.tenantId },
        permissions: [{ resource: 'AzureReservedInstances', action: 'Purchase' }],
      }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it("lists Partner Center's customers, brought in by the sync at start", async () => {
    const [card] = await bot.say(people.admin, 'customers');
    const text = shownText(card!);
    for (const name of ['Contoso Ltd', 'Contoso Pharma', 'Fabrikam Inc', 'Northwind Traders', 'Tailspin Toys']) expect(text).to.include(name);
  });

  it('turns the permission on through POST /v1/SelfServePolicy as the agent, with one MS-RequestId kept across a retry after 429, and logs its MS-CorrelationId', async () => {
    cloud.partnerCenter.throttle(1, 1, (r) => r.method === 'POST');
    const answer = await policyPost(people.admin, contosoId);
    expect(answer.status).to.equal(201);
    const posts = cloud.partnerCenter.requests.filter((r) => r.method === 'POST' && r.path === '/v1/SelfServePolicy');
    expect(posts.map((p) => p.status)).to.deep.equal([429, 201]);
    expect(posts[0]!.headers['ms-requestid']).to.match(/^[0-9a-f-]{36}$/);
    expect(posts[1]!.headers['ms-requestid'], 'the retry is the same request').to.equal(posts[0]!.headers['ms-requestid']);
    expect(cloud.partnerCenter.state.policyOf(contosoId)).to.deep.equal(['AzureReservedInstances']);
    expect(cloud.partnerCenter.state.policyCount()).to.equal(2);
    // Partner Center saw the agent, not the app: the write went on behalf of them (App+User).
    const claims = JSON.parse(Buffer.from(String(posts[1]!.headers.authorization).split('.')[1]!, 'base64url').toString());
    expect(claims).to.include({ oid: people.admin.userId, tid: people.admin.tenantId, aud: 'https://api.partnercenter.microsoft.com' });
    const [log] = await bot.say(people.admin, 'log contoso.example');
    expect(shownText(log!)).to.match(/Create Customer Purchase Permissions/);
    const correlationId = posts[1]!.headers['ms-correlationid'];
    expect(correlationId).to.match(/^[0-9a-f-]{36}$/);
    const csv = await (await fetch(`${bot.url}/v1/auditrecords?startDate=2020-01-01`, { headers: { authorization: `Bearer ${await cloud.userToken(people.admin)}` } })).text();
    expect(csv).to.include(correlationId);
  });

  it('from chat, asks Teams for the agent\'s sign-in (single sign-on), then turns the permission on as them', async () => {
    const command = 'permission on contoso.example';
    const [refusal, signInCard] = await bot.send(bot.message(people.admin, command), 2);
    expect(shownText(refusal!)).to.match(/^Partner Center must know it is you to turn on the Azure reservations purchase permission, so nothing was changed/);
    const oauth = signInCard!.attachments![0]!;
    expect(oauth.contentType).to.equal('application/vnd.microsoft.card.oauth');
    expect((oauth.content as { tokenExchangeResource: { uri: string } }).tokenExchangeResource.uri).to.equal(cloud.env.AUTH_AUDIENCE);
    expect(cloud.partnerCenter.state.policyOf(contosoId), 'nothing changed').to.equal(undefined);

    // Someone else's token in the admin's chat is refused (412: Teams then shows the card's sign-in button).
    const forged = await bot.post(tokenExchangeFrom(people.admin, await cloud.userToken(people.admin2), connector.url));
    expect(forged.status).to.equal(412);
    const exchange = tokenExchangeFrom(people.admin, await cloud.userToken(people.admin), connector.url);
    expect((await bot.post(exchange)).status).to.equal(200);
    const [signedIn] = await connector.waitFor(1, (call) => call.activityId === exchange.id);
    expect(shownText(signedIn!.activity)).to.match(/^Signed in/);

    const [done] = await bot.say(people.admin, command);
    expect(shownText(done!)).to.match(/Turned on/);
    expect(cloud.partnerCenter.state.policyOf(contosoId)).to.deep.equal(['AzureReservedInstances']);
    const post = cloud.partnerCenter.requests.find((r) => r.method === 'POST' && r.status === 201)!;
    const claims = JSON.parse(Buffer.from(String(post.headers.authorization).split('.')[1]!, 'base64url').toString());
    expect(claims).to.include({ oid: people.admin.userId });
  });

  it("warns when Azure's role assignments show no Owner at the customer (R5)", async () => {
    const answer = await policyPost(people.admin, fabrikamId);
    expect(answer.status).to.equal(201);
    expect(String(answer.body.warnings)).to.match(/No user of Fabrikam Inc holds the Owner role/);
  });

  it('refuses a customer user without Owner in Azure, and lets one who holds it through a group buy (R5, R8)', async () => {
    const newcomer = { tenantId: tailspinId, userId: 'tailspin-newcomer', name: 'Nia Newcomer' };
    const [refusal] = await bot.say(newcomer, 'buy');
    expect(shownText(refusal!)).to.match(/You need the Owner role \(Azure RBAC\) on the subscription/);
    const member = { tenantId: tailspinId, userId: 'tailspin-group-member', name: 'Gus Member' };
    cloud.azure.addToGroup('tailspin-buyers', member.userId);
    cloud.azure.grantRole('sub-tailspin-plan', 'tailspin-buyers', 'Owner', 'Group');
    const [form] = await bot.say(member, 'buy');
    expect(shownText(form!)).to.match(/^Buy an Azure reservation\nTailspin Toys/);
  });

  it('notices a policy deleted in the Partner Center dashboard at the next sync, and logs it as changed outside the bot', async () => {
    cloud.partnerCenter.state.deletePolicy(tailspinId);
    const [news] = await bot.say(people.admin, 'sync');
    expect(shownText(news!)).to.match(/Tailspin Toys: the purchase permission was turned off outside the bot/);
    const [card] = await bot.say(people.admin, 'customer tailspin');
    expect(shownText(card!)).to.match(/Azure reservations: allow customer to purchase\W+Off/);
    const [log] = await bot.say(people.admin, 'log tailspin delete');
    expect(shownText(log!)).to.match(/Partner Center \(changed outside the bot\)/);
  });

  it('records a reservation bought in the Azure portal within one sync, and tells the Admin Agents (R11, R12)', async () => {
    await bot.say(people.admin, 'settings notifications on');
    cloud.azure.buyInPortal(tailspinId, { sku: 'Standard_D2s_v5', location: 'eastus', quantity: 3, term: 'P1Y', billingPlan: 'Upfront', billingScopeId: '/subscriptions/sub-tailspin-plan', appliedScopeType: 'Shared' });
    const [news] = await bot.say(people.admin, 'sync');
    expect(shownText(news!)).to.match(/Tailspin Toys: 3 × Virtual Machines D2s v5 \(R-\d+\) was bought in the Azure portal/);
    const [notice] = await connector.waitFor(1, proactiveTo(people.admin));
    expect(shownText(notice!.activity)).to.match(/Tailspin Toys/);
    const [orders] = await bot.say(people.admin, 'orders tailspin');
    expect(shownText(orders!)).to.match(/Bought in the Azure portal/);
  });

  it('a write whose answer is lost is sent again with the same MS-RequestId and done once; one never answered is a 504 within 5 s, and the next sync records what Partner Center holds', async () => {
    cloud.partnerCenter.hang(1, (r) => r.method === 'POST');
    const [created, createdMs] = await timed(() => policyPost(people.admin, contosoId));
    expect(createdMs).to.be.below(5000);
    expect(created.status).to.equal(201);
    const posts = cloud.partnerCenter.requests.filter((r) => r.method === 'POST');
    expect(posts).to.have.length(2);
    expect(posts[1]!.headers['ms-requestid']).to.equal(posts[0]!.headers['ms-requestid']);
    expect(cloud.partnerCenter.state.policyOf(contosoId)).to.deep.equal(['AzureReservedInstances']);

    cloud.partnerCenter.hang(10, (r) => r.method === 'POST');
    const [lost, lostMs] = await timed(() => policyPost(people.admin, fabrikamId));
    expect(lostMs).to.be.below(5000);
    expect(lost.status).to.equal(504);
    expect(String(lost.body.description)).to.match(/did not answer in time, so I cannot tell whether my request to turn on the Azure reservations purchase permission went through/);
    expect(cloud.partnerCenter.state.policyOf(fabrikamId), 'Partner Center did it').to.deep.equal(['AzureReservedInstances']);
    const [news] = await bot.say(people.admin, 'sync');
    expect(shownText(news!)).to.match(/Fabrikam Inc: the purchase permission was turned on outside the bot; recorded/);
  });

  it('with Partner Center and Azure down, every command answers within 5 s, says so, and the store still serves', async () => {
    await Promise.all([cloud.partnerCenter.down(), cloud.azure.down()]);
    for (const [who, text, expected] of [
      [people.admin, 'sync', /Partner Center did not answer/],
      [people.admin, 'customers', /Tailspin Toys/],
      [{ tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' }, 'buy', /Azure did not answer/],
    ] as const) {
      const [reply, ms] = await timed(() => bot.say(who, text));
      expect(ms, text).to.be.below(5000);
      expect(shownText(reply[0]!), text).to.match(expected);
    }
    const [answer, ms] = await timed(() => policyPost(people.admin, contosoId));
    expect(ms).to.be.below(5000);
    expect(answer.status).to.equal(503);
    expect(String(answer.body.description)).to.match(/^Partner Center did not answer, so I could not turn on the Azure reservations purchase permission and nothing was changed/);
    // Entra ID down too: a token the bot has never seen cannot be checked, and it says so.
    await cloud.entra.down();
    const [unchecked, uncheckedMs] = await timed(() => policyPost(people.admin2, contosoId));
    expect(uncheckedMs).to.be.below(5000);
    expect(unchecked.status).to.equal(503);
    expect(bot.output()).not.to.match(/\n\s+at /);
  });
});

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}
