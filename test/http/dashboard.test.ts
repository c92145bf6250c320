import { expect } from 'chai';
import { DevSignIn } from '../../bot/auth/devSignIn.ts';
import type { CustomerRow, DevPerson, LogPageView, LogRow, MeView, OrderRow, PermissionAnswer, RequestRow, ReservationRow } from '../../bot/dashboard/dashboardTypes.ts';
import type { LogEntry, WorldInput } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import { buy, tailspinOwner } from '../helpers/buying.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { expectRefusal, newestEntry, permissionsOf, tokenClient, type Caller } from '../helpers/tokenClient.ts';
import { ask, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { shownText } from '../helpers/shown.ts';
import { testEntra, type TestEntra } from '../helpers/testTokens.ts';
import { contosoId, fabrikamId, northwindId, partnerTenant, people, personOf, tailspinId, testWorld, type TestUser } from '../helpers/testWorld.ts';

const { admin: ada, admin2: abe, sales: sam, helpdesk: hal, contosoOwner: connie, contosoUser: carl, stranger } = people;
const tia = tailspinOwner;
const create = Operation.CreateCustomerPurchasePermissions;
const remove = Operation.DeleteCustomerPurchasePermissions;


describe('the dashboard over HTTP (R2–R4, R15–R19)', () => {
  let entra: TestEntra;
  before(async () => {
    entra = await testEntra();
  });

  const { call, get } = tokenClient(() => entra);

  const logOf = async (bot: HttpBot, limit = 1000) => bot.world.services.activity.read(await personOf(bot.world.services, ada), {}, limit);

  describe('the page and its files (no token needed)', () => {
    let bot: HttpBot;
    before(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    after(() => bot.close());

    it('GET /dashboard is the HTML page, which only Teams (and itself) may frame', async () => {
      const res = await get(bot, 'nobody', '/dashboard');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.text).to.include('<script type="module" src="/dashboard/dashboard.js"></script>').and.include('/dashboard/dashboard.css');
      const csp = res.headers.get('content-security-policy') ?? '';
      const frameAncestors = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors '));
      expect(frameAncestors, csp).to.exist;
      expect(frameAncestors!.split(/\s+/)).to.include('https://teams.microsoft.com').and.not.include('*');
      expect(csp).to.match(/(^|;\s*)default-src 'self'/);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    });

    it("GET /dashboard?theme=dark (the manifest's contentUrl carries the theme) serves the same page", async () => {
      const [plain, themed] = [await get(bot, 'nobody', '/dashboard'), await get(bot, 'nobody', '/dashboard?theme=dark')];
      expect(themed.status).to.equal(200);
      expect(themed.text).to.equal(plain.text);
      expect(themed.headers.get('content-security-policy')).to.equal(plain.headers.get('content-security-policy'));
    });

    it('GET /dashboard/dashboard.js is the page script with teams-js bundled in (no import left for a browser to resolve)', async () => {
      const res = await get(bot, 'nobody', '/dashboard/dashboard.js');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/javascript/);
      // Strings of @microsoft/teams-js itself, and one of the page's own code.
      expect(res.text).to.include('No Parent window found').and.include('app.initialize').and.include('/dashboard/api/me');
      expect(res.text).not.to.match(/from\s*["']@microsoft\/teams-js["']/);
      expect(res.text).not.to.match(/\brequire\(["']/);
    });

    const files: [string, RegExp, string][] = [
      ['/dashboard/dashboard.css', /^text\/css/, '--surface'],
      ['/dashboard/privacy.html', /^text\/html/, '<h1>Privacy</h1>'],
      ['/dashboard/terms.html', /^text\/html/, '<h1>Terms of use</h1>'],
    ];
    for (const [path, type, content] of files) {
      it(`GET ${path} is served`, async () => {
        const res = await get(bot, 'nobody', path);
        expect(res.status).to.equal(200);
        expect(res.headers.get('content-type')).to.match(type);
        expect(res.text).to.include(content);
      });
    }

    for (const path of ['/dashboard/nothing.html', '/dashboard/index.html', '/dashboard/constructor', '/dashboard/hasOwnProperty', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/..%2Fdashboard%2FdashboardRoutes.ts']) {
      it(`GET ${path} is 404 and shows no file of the server`, async () => {
        const res = await get(bot, 'nobody', path);
        expect(res.status).to.equal(404);
        expect(res.text).not.to.include('dependencies').and.not.include('mountDashboard').and.not.include('<script');
      });
    }
  });

  describe('/dashboard/api/me', () => {
    let bot: HttpBot;
    before(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    after(() => bot.close());

    const cases: [TestUser, MeView][] = [
      [ada, { name: 'Ada Admin', kind: 'agent', roleLabel: 'Admin Agent', partnerName: 'Test Partner', canChange: true }],
      [sam, { name: 'Sam Sales', kind: 'agent', roleLabel: 'Sales Agent', partnerName: 'Test Partner', canChange: false }],
      [hal, { name: 'Hal Helpdesk', kind: 'agent', roleLabel: 'Help Desk Agent', partnerName: 'Test Partner', canChange: false }],
      [carl, { name: 'Carl User', kind: 'customerUser', roleLabel: 'customer user', partnerName: 'Test Partner', customerName: 'Contoso Ltd', canChange: false }],
      [connie, { name: 'Connie Owner', kind: 'customerUser', roleLabel: 'customer user', partnerName: 'Test Partner', customerName: 'Contoso Ltd', canChange: false }],
    ];
    for (const [user, view] of cases) {
      it(`${user.name}: ${view.roleLabel}${view.canChange ? ' who can change' : ', read-only'}`, async () => {
        const res = await get<MeView>(bot, user, '/dashboard/api/me');
        expect(res.status, res.text).to.equal(200);
        expect(res.body).to.deep.equal(view);
      });
    }

    it('the name in the token is not trusted: a token for Carl that says "Ada Admin" is Carl', async () => {
      const token = await entra.token(carl, bot.world.clock(), { claims: { name: 'Ada Admin' } });
      expect((await get<MeView>(bot, { bearer: token }, '/dashboard/api/me')).body).to.deep.include({ name: 'Carl User', kind: 'customerUser', canChange: false });
    });

    it('a good token for someone the partner does not know (another tenant) is 403, saying the bot does not know them', async () => {
      const res = await get(bot, stranger, '/dashboard/api/me');
      expectRefusal(res, 403, 'UNKNOWN_PERSON', "Test Partner's reservations bot does not know you (tenant unknown-tenant, user stranger)");
      expect(res.text).not.to.include('Ada Admin');
    });

    it('a known tenant with an unknown user id is 403 as well', async () => {
      expectRefusal(await get(bot, { tenantId: partnerTenant, userId: 'admin-99', name: 'Ada Admin' }, '/dashboard/api/me'), 403, 'UNKNOWN_PERSON', 'does not know you');
    });

    const unauthenticated: [string, () => Promise<Caller>, RegExp][] = [
      ['no token', async () => 'nobody', /Authorization: Bearer/],
      ['a token signed by another key', async () => ({ bearer: await entra.token(ada, bot.world.clock(), { key: entra.otherKey }) }), /signature does not verify/],
      ['an expired token', async () => ({ bearer: await entra.token(ada, bot.world.clock(), { issuedAt: new Date(bot.world.clock().getTime() - 2 * 3600_000) }) }), /expired/],
      ['a token for another audience', async () => ({ bearer: await entra.token(ada, bot.world.clock(), { claims: { aud: 'api://elsewhere/app' } }) }), /another audience/],
    ];
    for (const [what, caller, reason] of unauthenticated) {
      it(`${what} is 401 with a WWW-Authenticate: Bearer challenge`, async () => {
        const res = await get(bot, await caller(), '/dashboard/api/me');
        expectRefusal(res, 401, 'UNAUTHENTICATED', reason);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      });
    }
  });

  describe('a partner whose name ends in "s": Lucerne Cloud Partners, the demo partner', () => {
    let bot: HttpBot;
    before(async () => {
      const world = testWorld();
      bot = await startHttpBot({ ...world, partner: { ...world.partner, name: 'Lucerne Cloud Partners' } }, { trusted: [entra.trusted] });
    });
    after(() => bot.close());

    it("refusals make its name possessive as Lucerne Cloud Partners', never Partners's", async () => {
      expect(expectRefusal(await get(bot, stranger, '/dashboard/api/me'), 403, 'UNKNOWN_PERSON')).to.match(/^Lucerne Cloud Partners' reservations bot does not know you/);
      expect(expectRefusal(await get(bot, carl, '/dashboard/api/customers'), 403, 'AGENTS_ONLY')).to.equal("Only Lucerne Cloud Partners' agents can see this.");
    });
  });

  describe('customers and their purchase permission (R1–R6, R18)', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    const putPermission = (who: Caller, customerId: string, body: unknown) => call<PermissionAnswer>(bot, who, 'PUT', `/dashboard/api/customers/${customerId}/permission`, body);

    for (const agent of [ada, sam, hal]) {
      it(`${agent.name} lists every customer with the permission's state and, where it cannot be turned on, why`, async () => {
        const res = await get<CustomerRow[]>(bot, agent, '/dashboard/api/customers');
        expect(res.status, res.text).to.equal(200);
        expect(res.body.map((c) => [c.id, c.name, c.enabled, c.ineligible?.short])).to.deep.equal([
          [contosoId, 'Contoso Ltd', false, undefined],
          ['contoso-pharma-tenant', 'Contoso Pharma', false, undefined],
          [fabrikamId, 'Fabrikam Inc', false, undefined],
          [northwindId, 'Northwind Traders', false, 'Azure Plan suspended'],
          [tailspinId, 'Tailspin Toys', true, undefined],
        ]);
      });
    }

    it("Northwind's row says its Azure Plan is suspended and what to do, not that it has none (R4); a PUT turning it on anyway is still refused", async () => {
      const northwind = (await get<CustomerRow[]>(bot, ada, '/dashboard/api/customers')).body.find((c) => c.id === northwindId)!;
      expect(northwind.ineligible).to.have.all.keys('short', 'text');
      expect(northwind.ineligible!.short).to.equal('Azure Plan suspended');
      expect(northwind.ineligible!.text).to.match(/^Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
      expect(northwind.ineligible!.text).not.to.match(/has no|buy an Azure Plan/i);

      const size = await bot.world.services.activity.size();
      expectRefusal(await putPermission(ada, northwindId, { enabled: true }), 422, 'NO_ELIGIBLE_SUBSCRIPTION');
      expect((await permissionsOf(bot))[northwindId]).to.equal(false);
      expect((await bot.world.services.activity.size()), 'the refusal is logged (R18)').to.equal(size + 1);
      expect(await newestEntry(bot)).to.deep.include({ operation: create, outcome: 'Refused', customerId: northwindId });
    });

    it('a customer user cannot list the customers (agents only): 403', async () => {
      const res = await get(bot, carl, '/dashboard/api/customers');
      expectRefusal(res, 403, 'AGENTS_ONLY', "Only Test Partner's agents");
      expect(res.text).not.to.include('Fabrikam');
    });

    it('Ada turns Contoso on: 200 with the notice and the row on; the log gets exactly the entry `permission on contoso ltd` writes in chat', async () => {
      const entriesBefore = await bot.world.services.activity.size();
      const res = await putPermission(ada, contosoId, { enabled: true });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.notice).to.deep.equal({ tone: 'good', text: "Turned on: Contoso Ltd's users with Owner on an Azure Plan subscription can now buy reservations, billed to you." });
      expect(res.body.customer).to.deep.include({ id: contosoId, name: 'Contoso Ltd', enabled: true, changed: '2026-11-24 09:00 UTC by Ada Admin' });
      expect(res.body.customer.warning).to.equal(undefined);
      expect(res.body.customer.ineligible).to.equal(undefined);
      expect((await permissionsOf(bot))[contosoId]).to.equal(true);
      expect((await bot.world.services.activity.size()), 'one entry').to.equal(entriesBefore + 1);
      const fromDashboard = await newestEntry(bot);

      const chat = await startHttpBot(testWorld());
      try {
        // "contoso" alone also matches Contoso Pharma, and chat asks which one.
        const replies = await chat.say(ada, 'permission on contoso ltd');
        expect(replies.map((r) => shownText(r)).join('\n'), 'chat shows the same notice').to.include(res.body.notice.text);
        const fromChat = await newestEntry(chat);
        // Each operation has its own MS-CorrelationId; nothing else differs.
        const { seq: _dashboardSeq, correlationId: dashboardCorrelation, ...dashboardEntry } = fromDashboard;
        const { seq: _chatSeq, correlationId: chatCorrelation, ...chatEntry } = fromChat;
        expect(dashboardCorrelation).to.match(/^[0-9a-f-]{36}$/).and.not.equal(chatCorrelation);
        expect(dashboardEntry).to.deep.equal(chatEntry);
        expect(dashboardEntry).to.deep.equal({
          at: '2026-11-24T09:00:00.000Z',
          actor: { tenantId: partnerTenant, userId: ada.userId, name: ada.name, role: 'AdminAgent' },
          operation: create,
          customerId: contosoId,
          customerName: 'Contoso Ltd',
          target: 'Azure reservations: allow customer to purchase',
          outcome: 'Succeeded',
          before: { enabled: false },
          after: { enabled: true },
        });
      } finally {
        await chat.close();
      }
    });

    it('Ada turns it on again: "already on", nothing new in the log (R6); then off, logged as Delete', async () => {
      await putPermission(ada, contosoId, { enabled: true });
      const size = await bot.world.services.activity.size();
      const again = await putPermission(ada, contosoId, { enabled: true });
      expect(again.status).to.equal(200);
      expect(again.body.notice.text).to.equal('The permission was already on; nothing changed.');
      expect((await bot.world.services.activity.size())).to.equal(size);

      const off = await putPermission(ada, contosoId, { enabled: false });
      expect(off.status).to.equal(200);
      expect(off.body.customer.enabled).to.equal(false);
      expect(off.body.notice.text).to.include('Turned off: Contoso Ltd can no longer buy reservations');
      expect(await newestEntry(bot)).to.deep.include({ operation: remove, outcome: 'Succeeded', customerId: contosoId, before: { enabled: true }, after: { enabled: false } });
    });

    it('Fabrikam (no Owner) is turned on with a warning (R5), on the notice and the row', async () => {
      const res = await putPermission(ada, fabrikamId, { enabled: true });
      expect(res.status).to.equal(200);
      expect(res.body.notice.tone).to.equal('warning');
      expect(res.body.notice.text).to.match(/^Turned on\. No user of Fabrikam Inc holds the Owner role/);
      expect(res.body.customer).to.include({ enabled: true });
      expect(res.body.customer.warning).to.include('nobody can buy');
    });

    const refused: { who: TestUser; customer: string; status: number; code: string; says: RegExp; loggedAgainst: string }[] = [
      { who: sam, customer: contosoId, status: 403, code: 'ROLE_NOT_ALLOWED', says: /^Only Admin Agents of Test Partner can turn the Azure reservations purchase permission on or off\. You are a Sales Agent/, loggedAgainst: contosoId },
      { who: hal, customer: contosoId, status: 403, code: 'ROLE_NOT_ALLOWED', says: /You are a Help Desk Agent/, loggedAgainst: contosoId },
      { who: carl, customer: contosoId, status: 403, code: 'ROLE_NOT_ALLOWED', says: /^Only Test Partner can turn/, loggedAgainst: contosoId },
      // A customer user naming another customer learns nothing of it; the attempt is logged against their own.
      { who: carl, customer: fabrikamId, status: 403, code: 'ROLE_NOT_ALLOWED', says: /^Only Test Partner can turn/, loggedAgainst: contosoId },
      { who: ada, customer: northwindId, status: 422, code: 'NO_ELIGIBLE_SUBSCRIPTION', says: /Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/, loggedAgainst: northwindId },
      { who: ada, customer: 'no-such-tenant', status: 404, code: 'CUSTOMER_NOT_FOUND', says: /No customer matches "no-such-tenant"/, loggedAgainst: '' },
    ];
    for (const { who, customer, status, code, says, loggedAgainst } of refused) {
      it(`${who.name} turning ${customer} on: ${status} ${code}, nothing changes, the refusal is logged (R18)`, async () => {
        const before = await permissionsOf(bot);
        const res = await putPermission(who, customer, { enabled: true });
        expectRefusal(res, status, code, says);
        expect(await permissionsOf(bot)).to.deep.equal(before);
        if (who.tenantId === contosoId) expect(res.text).not.to.include('Fabrikam');
        const entry = await newestEntry(bot);
        expect(entry).to.deep.include({ operation: create, outcome: 'Refused', actor: { tenantId: who.tenantId, userId: who.userId, name: who.name, role: who === carl ? 'CustomerUser' : (await personOf(bot.world.services, who)).role } });
        expect(entry.reason?.code).to.equal(code);
        expect(entry.customerId ?? '').to.equal(loggedAgainst);
      });
    }

    const badBodies: [string, unknown, RegExp][] = [
      ['enabled "yes"', { enabled: 'yes' }, /\benabled: true or false/],
      ['no enabled', {}, /\benabled: true or false/],
      ['an unknown field', { enabled: true, customerId: fabrikamId }, /customerId/],
      ['a body that is not JSON', '{"enabled": tru', /not valid JSON/],
      ['an empty body', '', /body is empty/],
    ];
    for (const [what, body, says] of badBodies) {
      it(`a PUT with ${what} is 400 naming what is wrong; nothing changes or is logged`, async () => {
        const before = await permissionsOf(bot);
        const size = await bot.world.services.activity.size();
        expectRefusal(await putPermission(ada, contosoId, body), 400, 'INVALID_REQUEST', says);
        expect(await permissionsOf(bot)).to.deep.equal(before);
        expect((await bot.world.services.activity.size())).to.equal(size);
      });
    }

    it('a PUT without a token is 401 and changes nothing (an unverified caller is not logged)', async () => {
      const size = await bot.world.services.activity.size();
      expectRefusal(await putPermission('nobody', contosoId, { enabled: true }), 401, 'UNAUTHENTICATED');
      expect((await permissionsOf(bot))[contosoId]).to.equal(false);
      expect((await bot.world.services.activity.size())).to.equal(size);
    });
  });

  /**
   * The request world with Contoso allowed to buy: Tia's R-1001 (Tailspin) with REQ-1001 to cancel it, and
   * Connie's R-1002 (Contoso) with REQ-1002 to turn its auto-renew on, both pending on 2026-03-01.
   */
  async function botWithRequests(): Promise<HttpBot> {
    const world = requestWorld();
    const withContoso: WorldInput = { ...world, customers: world.customers.map((c) => (c.id === contosoId ? { ...c, purchasePermission: true } : c)) };
    const bot = await startHttpBot(withContoso, { trusted: [entra.trusted] });
    const tailspinRes = await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-02-02T10:00:00.000Z');
    const contosoRes = (await buy(bot.world, connie, contosoId, { billingSubscriptionId: 'sub-contoso-plan' })).reservation.id;
    expect([tailspinRes, contosoRes]).to.deep.equal(['R-1001', 'R-1002']);
    bot.world.clock.set('2026-03-01T12:00:00.000Z');
    expect((await ask(bot.world, tia, tailspinRes, { kind: 'Cancel' })).request.id).to.equal('REQ-1001');
    expect((await ask(bot.world, connie, contosoRes, { kind: 'Renew', autoRenew: true })).request.id).to.equal('REQ-1002');
    return bot;
  }

  describe('change requests (R15–R18)', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await botWithRequests();
    });
    afterEach(() => bot.close());

    const decide = (who: Caller, id: string, body: unknown) => call<RequestRow>(bot, who, 'POST', `/dashboard/api/requests/${id}/decision`, body);
    const stored = async (id: string) => (await bot.world.store.request(id))!;
    const requestRows = async (who: TestUser) => {
      const res = await get<RequestRow[]>(bot, who, '/dashboard/api/requests');
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };

    for (const [agent, canDecide] of [[ada, true], [abe, true], [sam, false], [hal, false]] as const) {
      it(`${agent.name} sees both pending requests, canDecide ${canDecide}`, async () => {
        const rows = await requestRows(agent);
        expect(rows.map((r) => [r.id, r.customerName, r.state, r.requestedBy, r.canDecide])).to.have.deep.members([
          ['REQ-1001', 'Tailspin Toys', 'Pending', 'Tia Owner', canDecide],
          ['REQ-1002', 'Contoso Ltd', 'Pending', 'Connie Owner', canDecide],
        ]);
        expect(rows).to.have.length(2);
      });
    }

    it("Carl (Contoso's user) sees only Contoso's request, and cannot decide it", async () => {
      const rows = await requestRows(carl);
      expect(rows.map((r) => [r.id, r.customerName, r.canDecide])).to.deep.equal([['REQ-1002', 'Contoso Ltd', false]]);
      const res = await get(bot, carl, '/dashboard/api/requests');
      expect(res.text).not.to.include('Tailspin').and.not.include('REQ-1001').and.not.include('R-1001');
    });

    it("a cancel's row has the refund estimate, the days unused and the refund allowance; once approved, the approval's figures (R17)", async () => {
      // R-1001: USD 1,200.00 for 2026-01-31 to 2027-01-31 (365 days); asked on 2026-03-01, 336 days unused: 1200 × 336 / 365.
      expect((await requestRows(ada)).find((r) => r.id === 'REQ-1001')!.figures).to.deep.equal([
        { title: 'Refund (estimate as of 2026-03-01)', value: 'USD 1,104.66' },
        { title: 'Days unused', value: '336 of 365' },
        { title: 'Counted at', value: '2 units at USD 600.00, the price paid' },
        { title: 'Refund allowance before it', value: 'USD 50,000.00 left in the rolling 12 months' },
      ]);
      bot.world.clock.set('2026-03-03T09:00:00.000Z');
      const approved = await decide(ada, 'REQ-1001', { decision: 'approve' });
      // Two days later: 1200 × 334 / 365.
      expect(approved.body.figures).to.deep.equal([
        { title: 'Refund (on 2026-03-03)', value: 'USD 1,098.08' },
        { title: 'Days unused', value: '334 of 365' },
        { title: 'Counted at', value: '2 units at USD 600.00, the price paid' },
        { title: 'Refund allowance before it', value: 'USD 50,000.00 left in the rolling 12 months' },
      ]);
      expect((await bot.world.store.orders(tailspinId)).find((o) => o.type === 'Refund')!.amount, 'the refund carried out is the one shown').to.equal(1098.08);
      expect((await requestRows(sam)).find((r) => r.id === 'REQ-1001')!.figures).to.deep.equal(approved.body.figures);
    });

    it("an exchange's row has the credit, the days unused, the new total and what is due beyond the credit; a renewal's has no figures", async () => {
      const reservationId = await tailspinReservation(bot.world, '2026-02-15');
      bot.world.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(bot.world, tia, reservationId, { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 1 });
      const rows = await requestRows(ada);
      // USD 1,200.00 for 2026-02-15 to 2027-02-15 (365 days), 351 unused: 1200 × 351 / 365 = 1,153.97; 1,200.00 − 1,153.97 due.
      expect(rows.find((r) => r.id === request.id)!.figures).to.deep.equal([
        { title: 'Credit (estimate as of 2026-03-01)', value: 'USD 1,153.97' },
        { title: 'Days unused', value: '351 of 365' },
        { title: 'Counted at', value: '2 units at USD 600.00, the price paid' },
        { title: 'New total commitment', value: 'USD 1,200.00' },
        { title: 'Due beyond the credit', value: 'USD 46.03' },
      ]);
      expect(rows.find((r) => r.id === 'REQ-1002')!.figures).to.deep.equal([]);
    });

    it('Ada approves REQ-1001: 200 with the row Approved; the store has it Approved and the reservation cancelled; the log has the approval', async () => {
      const res = await decide(ada, 'REQ-1001', { decision: 'approve' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ id: 'REQ-1001', state: 'Approved', canDecide: false, closed: 'Ada Admin, 2026-03-01 12:00 UTC' });
      expect(await stored('REQ-1001')).to.deep.include({ state: 'Approved', closedAt: '2026-03-01T12:00:00.000Z' });
      expect((await stored('REQ-1001')).closedBy).to.include({ tenantId: partnerTenant, userId: ada.userId });
      expect((await bot.world.store.reservations(tailspinId)).find((r) => r.id === 'R-1001')).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-01' });
      const approval = (await logOf(bot)).find((e) => e.operation === Operation.ApproveRequest)!;
      expect(approval).to.deep.include({ outcome: 'Succeeded', customerId: tailspinId, before: { state: 'Pending' }, after: { state: 'Approved' } });
      expect(approval.actor).to.include({ userId: ada.userId, role: 'AdminAgent' });
      expect(approval.target).to.match(/^REQ-1001: /);
      expect((await requestRows(ada)).find((r) => r.id === 'REQ-1001')).to.include({ state: 'Approved', canDecide: false });
    });

    it("Abe's decision after Ada's is 409 naming Ada; nothing changes; the refusal is logged", async () => {
      await decide(ada, 'REQ-1001', { decision: 'approve' });
      for (const body of [{ decision: 'approve' }, { decision: 'reject', reason: 'Too late, but no' }]) {
        const res = await decide(abe, 'REQ-1001', body);
        expectRefusal(res, 409, 'REQUEST_ALREADY_DECIDED', /^Ada Admin already approved this request on 2026-03-01 12:00 UTC/);
        expect(await stored('REQ-1001')).to.deep.include({ state: 'Approved' });
        expect((await stored('REQ-1001')).closedBy).to.include({ userId: ada.userId });
        expect((await stored('REQ-1001')).reason).to.equal(undefined);
        const entry = await newestEntry(bot);
        expect(entry).to.deep.include({ outcome: 'Refused', customerId: tailspinId });
        expect(entry.actor.userId).to.equal(abe.userId);
      }
    });

    it("Ada's own second approval (a retry) answers the decided row and logs nothing more", async () => {
      await decide(ada, 'REQ-1001', { decision: 'approve' });
      const size = await bot.world.services.activity.size();
      const again = await decide(ada, 'REQ-1001', { decision: 'approve' });
      expect(again.status).to.equal(200);
      expect(again.body).to.include({ state: 'Approved', closed: 'Ada Admin, 2026-03-01 12:00 UTC' });
      expect((await bot.world.services.activity.size())).to.equal(size);
    });

    for (const [who, id] of [[sam, 'REQ-1001'], [hal, 'REQ-1002'], [carl, 'REQ-1002'], [connie, 'REQ-1002']] as const) {
      it(`${who.name} approving ${id}: 403, still pending, the refusal logged`, async () => {
        const res = await decide(who, id, { decision: 'approve' });
        expectRefusal(res, 403, 'ROLE_NOT_ALLOWED', /^Only (Admin Agents of )?Test Partner can approve or reject change requests/);
        expect((await stored(id)).state).to.equal('Pending');
        const entry = await newestEntry(bot);
        expect(entry).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused' });
        expect(entry.actor.userId).to.equal(who.userId);
        expect(entry.reason?.code).to.equal('ROLE_NOT_ALLOWED');
      });
    }

    for (const body of [{ decision: 'reject' }, { decision: 'reject', reason: '' }, { decision: 'reject', reason: '   ' }]) {
      it(`a rejection without a reason (${JSON.stringify(body)}) is refused, asking for the reason; still pending`, async () => {
        const res = await decide(ada, 'REQ-1002', body);
        expect([400, 422], res.text).to.include(res.status);
        expect(String((res.body as { description?: string }).description)).to.match(/^Say why you reject the request/).and.include('reason');
        expect((await stored('REQ-1002')).state).to.equal('Pending');
      });
    }

    it('a rejection with a reason: 200, Rejected with the reason, in the store and the log', async () => {
      const res = await decide(ada, 'REQ-1002', { decision: 'reject', reason: 'Renewals are decided in January.' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.include({ id: 'REQ-1002', state: 'Rejected', reason: 'Renewals are decided in January.', canDecide: false });
      expect(await stored('REQ-1002')).to.deep.include({ state: 'Rejected', reason: 'Renewals are decided in January.' });
      expect(await newestEntry(bot)).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Succeeded', customerId: contosoId, after: { state: 'Rejected', reason: 'Renewals are decided in January.' } });
    });

    const badDecisions: [unknown, RegExp][] = [
      [{ decision: 'maybe' }, /\bdecision: approve or reject/],
      [{}, /\bdecision: approve or reject/],
      [{ decision: 'approve', requestId: 'REQ-1002' }, /requestId/],
      [{ decision: 'reject', reason: 'x'.repeat(501) }, /\breason\b/],
    ];
    for (const [body, says] of badDecisions) {
      it(`a decision body ${JSON.stringify(body).slice(0, 60)} is 400 naming the field; still pending`, async () => {
        expectRefusal(await decide(ada, 'REQ-1001', body), 400, 'INVALID_REQUEST', says);
        expect((await stored('REQ-1001')).state).to.equal('Pending');
      });
    }

    it('a decision on a request that does not exist is 404', async () => {
      expectRefusal(await decide(ada, 'REQ-9999', { decision: 'approve' }), 404, 'REQUEST_NOT_FOUND', 'REQ-9999');
    });
  });

  describe('reservations and orders (R11, R19)', () => {
    let bot: HttpBot;
    before(async () => {
      bot = await botWithRequests();
    });
    after(() => bot.close());

    const reservationIds = async (who: TestUser, query = '') => {
      const res = await get<ReservationRow[]>(bot, who, `/dashboard/api/reservations${query}`);
      expect(res.status, res.text).to.equal(200);
      return res.body.map((r) => r.id);
    };
    const orderRows = async (who: TestUser, query = '') => {
      const res = await get<OrderRow[]>(bot, who, `/dashboard/api/orders${query}`);
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };

    for (const query of ['', `?customer=${tailspinId}`, `?customer=${contosoId}`, '?customer=no-such-tenant']) {
      it(`Carl sees only Contoso's reservation and order (${query || 'no ?customer'})`, async () => {
        expect(await reservationIds(carl, query)).to.deep.equal(['R-1002']);
        const orders = await orderRows(carl, query);
        expect(orders.map((o) => [o.type, o.by])).to.deep.equal([['Purchase', 'Connie Owner (Customer user)']]);
        const raw = (await get(bot, carl, `/dashboard/api/orders${query}`)).text + (await get(bot, carl, `/dashboard/api/reservations${query}`)).text;
        expect(raw).not.to.include('Tia Owner').and.not.include('R-1001');
      });
    }

    it("Tia sees only Tailspin's, even when she names Contoso", async () => {
      expect(await reservationIds(tia, `?customer=${contosoId}`)).to.deep.equal(['R-1001']);
      expect((await orderRows(tia, `?customer=${contosoId}`)).map((o) => o.by)).to.deep.equal(['Tia Owner (Customer user)']);
    });

    it('a reservation row shows what R13 lists: product and region, quantity, term, scope, status, dates, auto-renew, buyer and price', async () => {
      const [row] = (await get<ReservationRow[]>(bot, sam, `/dashboard/api/reservations?customer=${tailspinId}`)).body;
      expect(row).to.deep.equal({
        id: 'R-1001',
        product: 'Virtual Machines D2s v5 (Standard_D2s_v5), eastus',
        quantity: 2,
        term: row!.term,
        scope: row!.scope,
        status: 'Active',
        purchased: row!.purchased,
        expires: '2027-01-31',
        autoRenew: false,
        boughtBy: 'Tia Owner (Customer user)',
        total: 'USD 1,200.00',
      });
      expect(row!.term).to.match(/1 year/i);
      expect(row!.purchased).to.include('2026-01-31');
    });

    for (const agent of [ada, sam, hal]) {
      it(`${agent.name} reads a customer's reservations and orders with ?customer=, and is told to give one without it`, async () => {
        expect(await reservationIds(agent, `?customer=${tailspinId}`)).to.deep.equal(['R-1001']);
        expect(await reservationIds(agent, `?customer=${contosoId}`)).to.deep.equal(['R-1002']);
        expect((await orderRows(agent, `?customer=${contosoId}`)).map((o) => o.by)).to.deep.equal(['Connie Owner (Customer user)']);
        expectRefusal(await get(bot, agent, '/dashboard/api/reservations'), 400, 'INVALID_REQUEST', /^customer: give the customer id/);
        expectRefusal(await get(bot, agent, '/dashboard/api/orders'), 400, 'INVALID_REQUEST', /^customer: give the customer id/);
      });
    }

    it('without a token: 401', async () => {
      expectRefusal(await get(bot, 'nobody', `/dashboard/api/reservations?customer=${contosoId}`), 401, 'UNAUTHENTICATED');
      expectRefusal(await get(bot, 'nobody', `/dashboard/api/orders?customer=${contosoId}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('the activity log (R18, R19)', () => {
    let bot: HttpBot;
    /** Every entry, newest first, as the store holds them. */
    let all: LogEntry[];
    const at = (iso: string) => bot.world.clock.set(iso);
    const put = async (who: TestUser, customerId: string, enabled: boolean) => {
      await call(bot, who, 'PUT', `/dashboard/api/customers/${customerId}/permission`, { enabled });
    };

    // The world is imported on 2026-11-24 (a Load Partner Directory entry and Tailspin's permission, by System).
    before(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
      at('2026-11-25T10:00:00.000Z');
      await put(ada, contosoId, true);
      at('2026-11-25T11:00:00.000Z');
      await put(sam, fabrikamId, true);
      at('2026-11-26T23:59:59.999Z');
      await put(ada, contosoId, false);
      at('2026-11-27T00:00:00.000Z');
      await put(ada, fabrikamId, true);
      at('2026-11-27T12:00:00.000Z');
      await put(hal, contosoId, true);
      all = await logOf(bot);
      expect(all.filter((e) => e.at >= '2026-11-25').map((e) => [e.operation, e.actor.userId, e.customerId, e.outcome])).to.deep.equal([
        [create, hal.userId, contosoId, 'Refused'],
        [create, ada.userId, fabrikamId, 'Succeeded'],
        [remove, ada.userId, contosoId, 'Succeeded'],
        [create, sam.userId, fabrikamId, 'Refused'],
        [create, ada.userId, contosoId, 'Succeeded'],
      ]);
    });
    after(() => bot.close());

    const page = async (query: string, who: TestUser = ada) => {
      const res = await get<LogPageView>(bot, who, `/dashboard/api/log${query}`);
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };
    const seqsOf = (rows: LogRow[]) => rows.map((r) => r.seq);
    const seqsWhere = (match: (e: LogEntry) => boolean) => all.filter(match).map((e) => e.seq);
    const op = encodeURIComponent;

    const filters: [string, string, (e: LogEntry) => boolean][] = [
      ['customer', `?customer=${contosoId}`, (e) => e.customerId === contosoId],
      ['operation (exact name)', `?operation=${op(remove)}`, (e) => e.operation === remove],
      ['person (user id)', `?person=${sam.userId}`, (e) => e.actor.userId === sam.userId],
      ['person system', '?person=system', (e) => e.actor.userId === 'system'],
      ['from a day', '?from=2026-11-27', (e) => e.at >= '2026-11-27'],
      ['from and to (the to day included, to its last millisecond)', '?from=2026-11-25&to=2026-11-26', (e) => e.at >= '2026-11-25' && e.at < '2026-11-27'],
      ['to the import day', '?to=2026-11-24', (e) => e.at < '2026-11-25'],
      ['one day', '?from=2026-11-27&to=2026-11-27', (e) => e.at.startsWith('2026-11-27')],
      ['customer, operation and person together', `?customer=${fabrikamId}&operation=${op(create)}&person=${ada.userId}`, (e) => e.customerId === fabrikamId && e.operation === create && e.actor.userId === ada.userId],
    ];
    for (const [what, query, match] of filters) {
      it(`filters by ${what}: ${query}`, async () => {
        const expected = seqsWhere(match);
        expect(expected, 'the case matches something').not.to.be.empty;
        expect(expected.length, 'and not everything').to.be.below(all.length);
        const body = await page(query);
        expect(seqsOf(body.entries)).to.deep.equal(expected);
        expect(body).not.to.have.property('next');
      });
    }

    it('a row says when, who, what, about whom, and the outcome with its reason', async () => {
      const [row] = (await page(`?person=${hal.userId}`)).entries;
      expect(row).to.deep.include({ at: '2026-11-27 12:00 UTC', person: 'Hal Helpdesk', role: 'Help Desk Agent', operation: create, customer: 'Contoso Ltd', outcome: 'Refused' });
      expect(row!.detail).to.match(/^Only Admin Agents of Test Partner can turn/);
      const [change] = (await page(`?operation=${op(remove)}`)).entries;
      expect(change).to.deep.include({ person: 'Ada Admin', role: 'Admin Agent', outcome: 'Succeeded' });
      expect(change!.detail, 'before and after, in words as the log card says them (issue 13, item 11)').to.equal('Permission: On → Off');
    });

    it('pages of `size`, older ones by `before`: no overlap, nothing missed, no `next` on the last page', async () => {
      const pages: LogPageView[] = [];
      let query = '?size=2';
      for (;;) {
        const body = await page(query);
        pages.push(body);
        if (body.next === undefined) break;
        expect(pages.length, 'the paging ends').to.be.below(20);
        query = `?size=2&before=${body.next}`;
      }
      const seqs = pages.flatMap((p) => seqsOf(p.entries));
      expect(seqs).to.deep.equal(all.map((e) => e.seq));
      expect(new Set(seqs).size).to.equal(seqs.length);
      expect(pages.slice(0, -1).every((p) => p.entries.length === 2)).to.equal(true);
      expect(pages.at(-1)!.entries.length).to.be.within(1, 2);
    });

    it('with a filter, the last page is the one that holds the last entry, even when it is full', async () => {
      const contoso = seqsWhere((e) => e.customerId === contosoId);
      expect(contoso).to.have.length(3);
      const full = await page(`?customer=${contosoId}&size=3`);
      expect(seqsOf(full.entries)).to.deep.equal(contoso);
      expect(full, 'no empty page after a full last one').not.to.have.property('next');

      const first = await page(`?customer=${contosoId}&size=2`);
      expect(seqsOf(first.entries)).to.deep.equal(contoso.slice(0, 2));
      expect(first.next).to.be.a('number');
      const second = await page(`?customer=${contosoId}&size=2&before=${first.next}`);
      expect(seqsOf(second.entries)).to.deep.equal(contoso.slice(2));
      expect(second).not.to.have.property('next');
    });

    it('without `size`, a page is the newest 25', async () => {
      const busy = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
      try {
        for (let i = 0; i < 30; i++) await call(busy, sam, 'PUT', `/dashboard/api/customers/${contosoId}/permission`, { enabled: true });
        const newest = (await logOf(busy)).map((e) => e.seq);
        expect(newest.length).to.be.above(30);
        const res = await get<LogPageView>(busy, ada, '/dashboard/api/log');
        expect(seqsOf(res.body.entries)).to.deep.equal(newest.slice(0, 25));
        expect(res.body.next).to.equal(newest[24]);
      } finally {
        await busy.close();
      }
    });

    const badQueries: [string, RegExp][] = [
      ['?operation=Create', /\boperation: /],
      [`?operation=${op(create.toLowerCase())}`, /\boperation: /],
      ['?from=25/11/2026', /\bfrom: a date such as 2026-11-24/],
      ['?to=2026-11-31', /\bto: a date such as 2026-11-24/],
      ['?size=0', /\bsize\b/],
      ['?size=101', /\bsize\b/],
      ['?before=abc', /\bbefore\b/],
      ['?customer=', /\bcustomer\b/],
      ['?colour=blue', /colour/],
      [`?customer=${contosoId}&customer=${fabrikamId}`, /customer is given more than once/],
    ];
    for (const [query, says] of badQueries) {
      it(`a bad query ${query} is 400 naming the parameter`, async () => {
        expectRefusal(await get(bot, ada, `/dashboard/api/log${query}`), 400, 'INVALID_REQUEST', says);
      });
    }

    it('agents only: Carl is 403 (even filtering by his own customer), nobody is 401', async () => {
      expectRefusal(await get(bot, carl, `/dashboard/api/log?customer=${contosoId}`), 403, 'AGENTS_ONLY');
      expectRefusal(await get(bot, carl, '/dashboard/api/log-filters'), 403, 'AGENTS_ONLY');
      expectRefusal(await get(bot, 'nobody', '/dashboard/api/log'), 401, 'UNAUTHENTICATED');
    });

    it('Sam and Hal read the log as well (read-only roles may read everything)', async () => {
      for (const agent of [sam, hal]) expect(seqsOf((await page(`?customer=${contosoId}`, agent)).entries), agent.name).to.deep.equal(seqsWhere((e) => e.customerId === contosoId));
    });

    it('the filter choices list every customer, every operation, and everyone who can act', async () => {
      const res = await get(bot, sam, '/dashboard/api/log-filters');
      expect(res.status).to.equal(200);
      expect(res.body.customers.map((c: { id: string }) => c.id)).to.deep.equal((await bot.world.services.directory.customers()).map((c) => c.id));
      expect(res.body.operations).to.include(create).and.include(remove).and.include(Operation.ApproveRequest);
      expect(res.body.people.map((p: { id: string }) => p.id)).to.include.members([ada.userId, sam.userId, carl.userId, 'system']);
    });
  });

  describe('the CSV export (R19)', () => {
    const formulaName = '=HYPERLINK("http://evil.example","Click me")';
    /** Names that each need quoting for one reason only. */
    const quotedNames = { 'comma-tenant': 'Smith, Jones Ltd', 'quote-tenant': 'The "Best" Company', 'newline-tenant': 'Two\nLines Ltd' };
    /** A name with characters outside ASCII, that Excel garbles without a byte-order mark. */
    const signsName = 'Zürich × Basel → Nord AG';
    let bot: HttpBot;
    before(async () => {
      const world = testWorld();
      const plan = (id: string) => [{ id, offer: 'AzurePlan' as const, usageBased: true, status: 'active' as const, owners: [] }];
      world.customers.push(
        { id: 'formula-tenant', name: formulaName, domain: 'formula.example', users: [], subscriptions: plan('sub-formula') },
        ...Object.entries(quotedNames).map(([id, name]) => ({ id, name, domain: `${id}.example`, users: [], subscriptions: plan(`sub-${id}`) })),
        { id: 'signs-tenant', name: signsName, domain: 'signs.example', users: [], subscriptions: plan('sub-signs') },
      );
      bot = await startHttpBot(world, { trusted: [entra.trusted] });
      bot.world.clock.set('2026-11-25T10:00:00.000Z');
      for (const id of ['formula-tenant', ...Object.keys(quotedNames), 'signs-tenant']) expect((await call(bot, ada, 'PUT', `/dashboard/api/customers/${id}/permission`, { enabled: true })).status).to.equal(200);
      await call(bot, sam, 'PUT', `/dashboard/api/customers/${contosoId}/permission`, { enabled: true });
    });
    after(() => bot.close());

    const header = ['seq', 'at', 'tenantId', 'userId', 'person', 'role', 'operation', 'customerId', 'customer', 'target', 'outcome', 'reasonCode', 'reason', 'before', 'after'];
    const csv = (query: string, who: Caller = ada) => get(bot, who, `/dashboard/api/log.csv${query}`);
    const recordsOf = (text: string) => parseCsv(text).map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i]])));

    it('is a CSV attachment with a file name, a header row, and one row per matching entry (the same as the JSON log)', async () => {
      const query = `?operation=${encodeURIComponent(create)}&person=${ada.userId}`;
      const res = await csv(query);
      expect(res.status, res.text).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/csv/);
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename="activity-log-2026-11-25.csv"');
      const rows = parseCsv(res.text);
      expect(rows[0]).to.deep.equal(header);
      for (const row of rows) expect(row, JSON.stringify(row)).to.have.length(header.length);
      const json = (await get<LogPageView>(bot, ada, `/dashboard/api/log${query}`)).body.entries;
      expect(rows.slice(1).map((r) => Number(r[0]))).to.deep.equal(json.map((r) => r.seq));
      expect(rows).to.have.length(6);
      expect(res.text.endsWith('\r\n'), 'RFC 4180 lines end in CRLF').to.equal(true);
    });

    it('starts with the UTF-8 byte-order mark, so a spreadsheet reads "×" and "→" as they are', async () => {
      const res = await fetch(`${bot.url}/dashboard/api/log.csv?customer=signs-tenant`, { headers: { authorization: `Bearer ${await entra.token(ada, bot.world.clock())}` } });
      expect(res.status).to.equal(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      expect(bytes.includes(Buffer.from([0xc3, 0x97])), '"×" in UTF-8').to.equal(true);
      expect(bytes.includes(Buffer.from([0xe2, 0x86, 0x92])), '"→" in UTF-8').to.equal(true);
      const text = bytes.subarray(3).toString('utf8');
      expect(text.startsWith('seq,'), 'the header follows the mark').to.equal(true);
      const records = recordsOf(text).slice(1);
      expect(records.map((r) => [r.customerId, r.customer])).to.deep.equal([['signs-tenant', signsName]]);
    });

    const quoted: [string, string][] = [
      ['comma-tenant', '"Smith, Jones Ltd"'],
      ['quote-tenant', '"The ""Best"" Company"'],
      ['newline-tenant', '"Two\nLines Ltd"'],
    ];
    for (const [id, field] of quoted) {
      it(`quotes ${JSON.stringify(quotedNames[id as keyof typeof quotedNames])} as ${JSON.stringify(field)} (RFC 4180); it reads back as it was`, async () => {
        const res = await csv(`?customer=${id}`);
        expect(res.text.split('\r\n')[1]).to.include(`,${id},${field},`);
        const records = recordsOf(res.text).slice(1);
        expect(records).to.have.length(1);
        expect(records[0]).to.deep.include({ customerId: id, customer: quotedNames[id as keyof typeof quotedNames], operation: create, outcome: 'Succeeded', before: '{"enabled":false}', after: '{"enabled":true}' });
        expect(res.text).to.include('"{""enabled"":false}"');
      });
    }

    it('defuses a value a spreadsheet would run as a formula: it starts with a quote', async () => {
      const res = await csv('?customer=formula-tenant');
      const [record] = recordsOf(res.text).slice(1);
      expect(record!.customer).to.equal(`'${formulaName}`);
      expect(res.text).to.include(`"'=HYPERLINK(""http://evil.example"",""Click me"")"`);
      expect(res.text).not.to.match(/(^|,)=HYPERLINK/m);
    });

    it("a refusal's row has its reason code and message; the filters are the JSON log's", async () => {
      const res = await csv(`?customer=${contosoId}&from=2026-11-25&to=2026-11-25`);
      const records = recordsOf(res.text).slice(1);
      expect(records.map((r) => [r.userId, r.role, r.operation, r.outcome, r.reasonCode])).to.deep.equal([[sam.userId, 'SalesAgent', create, 'Refused', 'ROLE_NOT_ALLOWED']]);
      expect(records[0]!.reason).to.match(/^Only Admin Agents of Test Partner can turn .*, so you can see it but not change it\./);
      expect(parseCsv((await csv('?from=2026-11-26')).text)).to.deep.equal([header]);
    });

    it('refuses what the JSON log refuses: a bad operation or paging parameters (400), a customer user (403), nobody (401)', async () => {
      expectRefusal(await csv('?operation=Create'), 400, 'INVALID_REQUEST', /\boperation: /);
      expectRefusal(await csv('?size=10'), 400, 'INVALID_REQUEST', /size/);
      expectRefusal(await csv(`?customer=${contosoId}`, carl), 403, 'AGENTS_ONLY');
      const anonymous = await get(bot, 'nobody', '/dashboard/api/log.csv');
      expectRefusal(anonymous, 401, 'UNAUTHENTICATED');
      expect(anonymous.headers.get('content-disposition')).to.equal(null);
    });
  });

  describe('the development sign-in', () => {
    it('is off by default: /dashboard/dev/people and /dashboard/dev/sign-in are 404', async () => {
      const bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
      try {
        expect((await get(bot, 'nobody', '/dashboard/api/sign-in')).body).to.deep.equal({ development: false });
        expect((await get(bot, 'nobody', '/dashboard/dev/people')).status).to.equal(404);
        const signIn = await call(bot, 'nobody', 'POST', '/dashboard/dev/sign-in', { tenantId: partnerTenant, userId: ada.userId });
        expect(signIn.status).to.equal(404);
        expect(signIn.text).not.to.include('token');
      } finally {
        await bot.close();
      }
    });

    describe('when on', () => {
      let bot: HttpBot;
      before(async () => {
        const devSignIn = await DevSignIn.create(() => bot.world.clock());
        bot = await startHttpBot(testWorld(), { trusted: [entra.trusted], devSignIn });
      });
      after(() => bot.close());

      const signIn = (body: unknown) => call<{ token: string }>(bot, 'nobody', 'POST', '/dashboard/dev/sign-in', body);

      it('says so to the page, which asks before offering it', async () => {
        expect((await get(bot, 'nobody', '/dashboard/api/sign-in')).body).to.deep.equal({ development: true });
      });

      it("lists the directory's people: the partner's agents and every customer's users", async () => {
        const res = await get<DevPerson[]>(bot, 'nobody', '/dashboard/dev/people');
        expect(res.status).to.equal(200);
        const partner = (role: string, user: TestUser) => ({ tenantId: partnerTenant, userId: user.userId, name: user.name, role, organisation: 'Test Partner' });
        const customerUser = (user: TestUser, organisation: string) => ({ tenantId: user.tenantId, userId: user.userId, name: user.name, role: 'CustomerUser', organisation });
        expect(res.body).to.deep.equal([
          partner('AdminAgent', ada),
          partner('AdminAgent', abe),
          partner('SalesAgent', sam),
          partner('HelpDeskAgent', hal),
          customerUser(connie, 'Contoso Ltd'),
          customerUser(carl, 'Contoso Ltd'),
          customerUser(people.fabrikamUser, 'Fabrikam Inc'),
          customerUser(tia, 'Tailspin Toys'),
        ]);
      });

      for (const [user, expected] of [
        [sam, { name: 'Sam Sales', kind: 'agent', canChange: false }],
        [carl, { name: 'Carl User', kind: 'customerUser', customerName: 'Contoso Ltd' }],
      ] as const) {
        it(`issues a token for ${user.name} that the dashboard accepts as ${user.name}`, async () => {
          const res = await signIn({ tenantId: user.tenantId, userId: user.userId });
          expect(res.status, res.text).to.equal(200);
          const me = await get<MeView>(bot, { bearer: res.body.token }, '/dashboard/api/me');
          expect(me.status, me.text).to.equal(200);
          expect(me.body).to.deep.include(expected);
        });
      }

      it("a dev token carries its person's rights: Sam's PUT is refused and logged as Sam", async () => {
        const { token } = (await signIn({ tenantId: partnerTenant, userId: sam.userId })).body;
        expectRefusal(await call(bot, { bearer: token }, 'PUT', `/dashboard/api/customers/${contosoId}/permission`, { enabled: true }), 403, 'ROLE_NOT_ALLOWED');
        expect((await newestEntry(bot)).actor).to.include({ userId: sam.userId, role: 'SalesAgent' });
      });

      it('the Entra ID tokens are accepted beside it', async () => {
        expect((await get<MeView>(bot, ada, '/dashboard/api/me')).body).to.include({ name: 'Ada Admin' });
      });

      const refusedPeople: [string, unknown, RegExp][] = [
        ['an unknown person', { tenantId: partnerTenant, userId: 'admin-99' }, /Nobody in the directory has that tenant id and user id/],
        ['the stranger', { tenantId: stranger.tenantId, userId: stranger.userId }, /Nobody in the directory/],
        ["Carl's user id in the partner's tenant", { tenantId: partnerTenant, userId: carl.userId }, /Nobody in the directory/],
        ['no user id', { tenantId: partnerTenant }, /userId/],
        ['an extra field', { tenantId: partnerTenant, userId: ada.userId, role: 'AdminAgent' }, /role/],
      ];
      for (const [what, body, says] of refusedPeople) {
        it(`a sign-in for ${what} is 400 and gives no token`, async () => {
          const res = await signIn(body);
          expectRefusal(res, 400, 'INVALID_REQUEST', says);
          expect(res.body).not.to.have.property('token');
        });
      }

      it('a dev token is refused by a server without the development sign-in (401), and by one with another dev key', async () => {
        const { token } = (await signIn({ tenantId: partnerTenant, userId: ada.userId })).body;
        const plain = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
        const otherDev = await startHttpBot(testWorld(), { trusted: [entra.trusted], devSignIn: await DevSignIn.create(() => otherDev.world.clock()) });
        try {
          expectRefusal(await get(plain, { bearer: token }, '/dashboard/api/me'), 401, 'UNAUTHENTICATED', /is not one this server trusts/);
          expectRefusal(await call(plain, { bearer: token }, 'PUT', `/dashboard/api/customers/${contosoId}/permission`, { enabled: true }), 401, 'UNAUTHENTICATED');
          expect((await permissionsOf(plain))[contosoId]).to.equal(false);
          expectRefusal(await get(otherDev, { bearer: token }, '/dashboard/api/me'), 401, 'UNAUTHENTICATED', /signature does not verify/);
        } finally {
          await plain.close();
          await otherDev.close();
        }
      });

      it('a dev token lasts 8 hours by the server clock', async () => {
        const { token } = (await signIn({ tenantId: partnerTenant, userId: ada.userId })).body;
        const start = bot.world.clock().toISOString();
        try {
          bot.world.clock.advance(7.9 * 3600_000);
          expect((await get(bot, { bearer: token }, '/dashboard/api/me')).status).to.equal(200);
          bot.world.clock.advance(0.2 * 3600_000);
          expectRefusal(await get(bot, { bearer: token }, '/dashboard/api/me'), 401, 'UNAUTHENTICATED', /expired/);
        } finally {
          bot.world.clock.set(start);
        }
      });
    });
  });
});

/** RFC 4180: records separated by CRLF, fields by commas; a quoted field may hold commas, line breaks and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"' && field === '') {
      const end = /^"((?:[^"]|"")*)"/.exec(text.slice(i));
      if (!end) throw new Error(`an unterminated quoted field at ${i}`);
      field = end[1]!.replaceAll('""', '"');
      i += end[0].length;
      if (!(text[i] === ',' || text.startsWith('\r\n', i))) throw new Error(`a quoted field is followed by ${JSON.stringify(text[i])} at ${i}`);
      continue;
    }
    if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (text[i] === '"' || text[i] === '\n' || text[i] === '\r') throw new Error(`${JSON.stringify(text[i])} in an unquoted field at ${i}`);
      field += text[i];
      i += 1;
    }
  }
  if (field !== '' || record.length) throw new Error('the last record does not end in CRLF');
  return records;
}
