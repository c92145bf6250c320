import { expect } from 'chai';
import type { LogEntry } from '../../data/schemas.ts';
import type { LogFilter } from '../../services/activityLog.ts';
import { Operation } from '../../services/operations.ts';
import { permissionKinds } from '../../services/permissionKinds.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { expectRefusal, newestEntry, permissionsOf, tokenClient, type Answer, type Caller } from '../helpers/tokenClient.ts';
import { testAudience, testEntra, type TestEntra } from '../helpers/testTokens.ts';
import { contosoId, fabrikamId, northwindId, partnerTenant, people, personOf, tailspinId, testWorld, type TestUser } from '../helpers/testWorld.ts';

const { admin: ada, sales: sam, helpdesk: hal, contosoUser: carl } = people;
const create = Operation.CreateCustomerPurchasePermissions;
const remove = Operation.DeleteCustomerPurchasePermissions;
const unknownCustomerId = 'nobody-tenant';
const permissionTarget = permissionKinds.AzureReservedInstances.target;
/** Someone who signs in to the partner's tenant but is no agent in the bot's directory (the name is only shown). */
const ghost: TestUser = { tenantId: partnerTenant, userId: 'ghost-1', name: 'Ada Admin' };

const policyIdOf = (customerId: string) => `${partnerTenant}_${customerId}`;
const policyPath = (id: string) => `/v1/SelfServePolicy/${encodeURIComponent(id)}`;

/** Partner Center's body: let this customer buy Azure reservations, billed to the partner (R3, R9). */
const newPolicy = (customerId: string) => ({
  selfServeEntity: { selfServeEntityType: 'customer', tenantID: customerId },
  grantor: { grantorType: 'billToPartner', tenantID: partnerTenant },
  permissions: [{ resource: 'AzureReservedInstances', action: 'Purchase' }],
});


/** A log entry without what differs between two runs of the same change (its place in the log and its time). */
/** An entry without what differs between any two calls: its number, its time, and the MS-CorrelationId of its operation. */
const withoutSeqAndTime = ({ seq: _seq, at: _at, correlationId: _correlationId, ...rest }: LogEntry) => rest;

describe('the Partner Center–style API under /v1 (R2–R6, R18, R19)', () => {
  let entra: TestEntra;
  before(async () => {
    entra = await testEntra();
  });

  const { call, get } = tokenClient(() => entra);
  const createPolicy = (bot: HttpBot, who: Caller, body: unknown) => call(bot, who, 'POST', '/v1/SelfServePolicy', body);
  const deletePolicy = (bot: HttpBot, who: Caller, id: string) => call(bot, who, 'DELETE', policyPath(id));

  const logOf = async (bot: HttpBot, filter: LogFilter = {}) => bot.world.services.activity.read(await personOf(bot.world.services, ada), filter, 100);
  const logSize = async (bot: HttpBot) => bot.world.services.activity.size();
  /** The permissions and the size of the log, to show that a request changed nothing (and, for reads and 401s, logged nothing). */
  const stateOf = async (bot: HttpBot) => ({ permissions: await permissionsOf(bot), logSize: await logSize(bot) });
  const actorOf = (user: TestUser, role: string) => ({ tenantId: user.tenantId, userId: user.userId, name: user.name, role });

  /** R18: a refused write adds exactly one entry, by `who`, with the reason's code; the permissions stay as they were. */
  async function expectRefusedWrite(bot: HttpBot, before: Awaited<ReturnType<typeof stateOf>>, expected: { operation: string; actor: object; code: string; customerId?: string }) {
    expect(await permissionsOf(bot), 'nothing changed').to.deep.equal(before.permissions);
    expect(await logSize(bot), 'the refusal is logged once').to.equal(before.logSize + 1);
    const entry = await newestEntry(bot);
    expect(entry).to.deep.include({ operation: expected.operation, outcome: 'Refused', actor: expected.actor });
    expect(entry.customerId, 'the customer it is about').to.equal(expected.customerId);
    expect(entry.reason?.code).to.equal(expected.code);
    expect(entry).not.to.have.any.keys('before', 'after');
  }

  describe('POST /v1/SelfServePolicy', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    it('201: Ada turns Contoso on; the policy comes back in Partner Center\'s shape with Location and ETag, and the change is logged (R3, R6)', async () => {
      const before = await stateOf(bot);
      const res = await createPolicy(bot, ada, newPolicy(contosoId));

      expect(res.status, res.text).to.equal(201);
      const id = policyIdOf(contosoId);
      expect(res.body).to.deep.include({ id, ...newPolicy(contosoId) });
      expect(res.body.attributes).to.include({ objectType: 'SelfServePolicy' });
      expect(res.body.attributes.etag).to.be.a('string').and.not.be.empty;
      expect(res.body, 'Contoso has an Owner: no R5 warning').not.to.have.property('warnings');
      expect(res.headers.get('location')).to.equal(`/v1/SelfServePolicy/${id}`);
      expect(res.headers.get('etag')).to.equal(`"${res.body.attributes.etag}"`);

      expect(await permissionsOf(bot)).to.deep.equal({ ...before.permissions, [contosoId]: true });
      expect(await logSize(bot)).to.equal(before.logSize + 1);
      expect(await newestEntry(bot)).to.deep.include({
        operation: create,
        outcome: 'Succeeded',
        actor: actorOf(ada, 'AdminAgent'),
        customerId: contosoId,
        customerName: 'Contoso Ltd',
        target: permissionTarget,
        before: { enabled: false },
        after: { enabled: true },
      });
    });

    it('201 with the R5 warning: Fabrikam is turned on although no user of it holds Owner', async () => {
      const res = await createPolicy(bot, ada, newPolicy(fabrikamId));
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.deep.include({ id: policyIdOf(fabrikamId), ...newPolicy(fabrikamId) });
      expect(res.body.warnings).to.have.length(1);
      expect(res.body.warnings[0]).to.match(/No user of Fabrikam Inc holds the Owner role on an eligible Azure subscription/);
      expect((await permissionsOf(bot))[fabrikamId]).to.equal(true);
      expect(await newestEntry(bot)).to.deep.include({ operation: create, outcome: 'Succeeded', customerId: fabrikamId, before: { enabled: false }, after: { enabled: true } });
    });

    it('409: Tailspin\'s policy already exists; as in chat, the same state changes nothing and logs nothing new (R6)', async () => {
      const before = await stateOf(bot);
      const res = await createPolicy(bot, ada, newPolicy(tailspinId));
      expectRefusal(res, 409, 'POLICY_EXISTS', new RegExp(`SelfServePolicy ${policyIdOf(tailspinId)} already exists: Tailspin Toys may already buy`));
      expect(await stateOf(bot)).to.deep.equal(before);
    });

    it('404: a customer tenant the partner does not have; the attempt is logged as a refused create', async () => {
      const before = await stateOf(bot);
      const res = await createPolicy(bot, ada, newPolicy(unknownCustomerId));
      expectRefusal(res, 404, 'CUSTOMER_NOT_FOUND', new RegExp(`No customer has the tenant id ${unknownCustomerId}`));
      await expectRefusedWrite(bot, before, { operation: create, actor: actorOf(ada, 'AdminAgent'), code: 'CUSTOMER_NOT_FOUND', customerId: undefined });
      expect((await newestEntry(bot)).target).to.include(unknownCustomerId);
    });

    it('422: Northwind has no eligible subscription; the description says its Azure Plan is suspended and to reactivate it, and the refusal is logged (R4)', async () => {
      const before = await stateOf(bot);
      const res = await createPolicy(bot, ada, newPolicy(northwindId));
      expectRefusal(res, 422, 'NO_ELIGIBLE_SUBSCRIPTION', /Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
      await expectRefusedWrite(bot, before, { operation: create, actor: actorOf(ada, 'AdminAgent'), code: 'NO_ELIGIBLE_SUBSCRIPTION', customerId: northwindId });
    });

    /** Every body names Contoso (off), so a body let through by mistake would turn Contoso on. */
    const contoso = newPolicy(contosoId);
    const badBodies: { what: string; body: unknown; names: RegExp }[] = [
      { what: 'bad JSON', body: '{"selfServeEntity": {', names: /The body is not valid JSON/ },
      { what: 'an empty body', body: '', names: /The body is empty: send a JSON object/ },
      { what: 'an unknown top-level field', body: { ...contoso, expiresOn: '2027-01-01' }, names: /\(top level\): .*"expiresOn"/ },
      { what: 'an unknown nested field', body: { ...contoso, grantor: { ...contoso.grantor, billingAccount: 'ba-1' } }, names: /grantor: .*"billingAccount"/ },
      { what: 'selfServeEntity.tenantID a number', body: { ...contoso, selfServeEntity: { selfServeEntityType: 'customer', tenantID: 42 } }, names: /selfServeEntity\.tenantID: .*expected string, received number/ },
      { what: 'permissions[0].resource "AzureSpotInstances"', body: { ...contoso, permissions: [{ resource: 'AzureSpotInstances', action: 'Purchase' }] }, names: /permissions\[0\]\.resource: must be "AzureReservedInstances" or "AzureSavingsPlan"/ },
      { what: 'the same resource twice', body: { ...contoso, permissions: [...contoso.permissions, ...contoso.permissions] }, names: /permissions: name each resource once/ },
      { what: "grantor.tenantID of another partner", body: { ...contoso, grantor: { grantorType: 'billToPartner', tenantID: 'other-partner-tenant' } }, names: /grantor\.tenantID: must be your partner tenant id, partner-tenant/ },
      { what: 'no permissions', body: { ...contoso, permissions: [] }, names: /permissions: give at least one permission/ },
    ];
    for (const { what, body, names } of badBodies) {
      it(`400 for ${what}: the description names it, the refusal is logged as Ada's (INVALID_REQUEST), nothing changes`, async () => {
        const before = await stateOf(bot);
        const res = await createPolicy(bot, ada, body);
        expectRefusal(res, 400, 'INVALID_REQUEST', names);
        await expectRefusedWrite(bot, before, { operation: create, actor: actorOf(ada, 'AdminAgent'), code: 'INVALID_REQUEST' });
      });
    }

    it('413 for a body over 64 KB, refused cleanly and logged; the server goes on serving', async () => {
      const before = await stateOf(bot);
      const res = await createPolicy(bot, ada, { ...contoso, padding: 'x'.repeat(70 * 1024) });
      expectRefusal(res, 413, 'BODY_TOO_LARGE', /over 64 KB/);
      await expectRefusedWrite(bot, before, { operation: create, actor: actorOf(ada, 'AdminAgent'), code: 'BODY_TOO_LARGE' });
      expect((await createPolicy(bot, ada, contoso)).status).to.equal(201);
    });
  });

  describe('a policy granting the savings plan permission too (AzureSavingsPlan)', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    const savingsPlanTarget = permissionKinds.AzureSavingsPlan.target;
    const both = [
      { resource: 'AzureReservedInstances', action: 'Purchase' },
      { resource: 'AzureSavingsPlan', action: 'Purchase' },
    ];
    const savingsPlanOnly = [{ resource: 'AzureSavingsPlan', action: 'Purchase' }];
    const savingsPlanOf = async (customerId: string) => (await bot.world.store.customer(customerId))!.savingsPlanPermission.enabled;

    it('201: Ada posts a policy naming both for Contoso: both are turned on, the policy lists both, and each change is logged with its own target (R3, R6)', async () => {
      const before = await logSize(bot);
      const res = await createPolicy(bot, ada, { ...newPolicy(contosoId), permissions: both });
      expect(res.status, res.text).to.equal(201);
      expect(res.body).to.deep.include({ id: policyIdOf(contosoId), permissions: both });
      expect((await permissionsOf(bot))[contosoId]).to.equal(true);
      expect(await savingsPlanOf(contosoId)).to.equal(true);
      expect(await logSize(bot)).to.equal(before + 2);
      const [savings, reservations] = await logOf(bot);
      expect(reservations).to.deep.include({ operation: create, outcome: 'Succeeded', customerId: contosoId, actor: actorOf(ada, 'AdminAgent'), target: permissionTarget, before: { enabled: false }, after: { enabled: true } });
      expect(savings).to.deep.include({ operation: create, outcome: 'Succeeded', customerId: contosoId, actor: actorOf(ada, 'AdminAgent'), target: savingsPlanTarget, before: { enabled: false }, after: { enabled: true } });

      const listed = await get(bot, ada, `/v1/SelfServePolicy?entity_id=${contosoId}`);
      expect(listed.body.items[0].permissions).to.deep.equal(both);
    });

    it('409 only if every resource asked for is already on: the savings plan for Tailspin (reservations on) is 201, then both are 409 and log nothing (R6)', async () => {
      const added = await createPolicy(bot, ada, { ...newPolicy(tailspinId), permissions: savingsPlanOnly });
      expect(added.status, added.text).to.equal(201);
      expect(added.body.permissions, 'the policy lists every permission that is on').to.deep.equal(both);
      expect(await newestEntry(bot)).to.deep.include({ operation: create, customerId: tailspinId, target: savingsPlanTarget });
      const before = await logSize(bot);
      const again = await createPolicy(bot, ada, { ...newPolicy(tailspinId), permissions: both });
      expectRefusal(again, 409, 'POLICY_EXISTS', /Tailspin Toys may already buy reservations and savings plans/);
      expect(await logSize(bot)).to.equal(before);
    });

    it('GET lists a policy while only the savings plan permission is on; DELETE turns both off (404 once neither is on)', async () => {
      expect((await createPolicy(bot, ada, { ...newPolicy(contosoId), permissions: savingsPlanOnly })).status).to.equal(201);
      const got = await get(bot, ada, policyPath(policyIdOf(contosoId)));
      expect(got.status, got.text).to.equal(200);
      expect(got.body.permissions).to.deep.equal(savingsPlanOnly);
      expect((await deletePolicy(bot, ada, policyIdOf(tailspinId))).status).to.equal(204);

      expect((await createPolicy(bot, ada, { ...newPolicy(tailspinId), permissions: both })).status).to.equal(201);
      const before = await logSize(bot);
      expect((await deletePolicy(bot, ada, policyIdOf(tailspinId))).status).to.equal(204);
      expect((await permissionsOf(bot))[tailspinId]).to.equal(false);
      expect(await savingsPlanOf(tailspinId)).to.equal(false);
      const [savings, reservations] = await logOf(bot);
      expect(await logSize(bot)).to.equal(before + 2);
      expect(reservations).to.deep.include({ operation: remove, customerId: tailspinId, target: permissionTarget, before: { enabled: true }, after: { enabled: false } });
      expect(savings).to.deep.include({ operation: remove, customerId: tailspinId, target: savingsPlanTarget, before: { enabled: true }, after: { enabled: false } });
      expectRefusal(await deletePolicy(bot, ada, policyIdOf(tailspinId)), 404, 'POLICY_NOT_FOUND');
      expect(await logSize(bot), 'R6: nothing new').to.equal(before + 2);
    });

    it('R4: the savings plan alone for Northwind (Azure Plan suspended) is refused 422, naming savings plans, and logged with its target', async () => {
      const res = await createPolicy(bot, ada, { ...newPolicy(northwindId), permissions: savingsPlanOnly });
      expectRefusal(res, 422, 'NO_ELIGIBLE_SUBSCRIPTION', /cannot be allowed to buy savings plans/);
      expect(await savingsPlanOf(northwindId)).to.equal(false);
      expect(await newestEntry(bot)).to.deep.include({ operation: create, outcome: 'Refused', customerId: northwindId, target: savingsPlanTarget });
    });
  });

  describe('Done when: creating and deleting through the API logs what chat logs (R3, R6)', () => {
    let apiBot: HttpBot;
    let chatBot: HttpBot;
    beforeEach(async () => {
      apiBot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
      chatBot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(async () => {
      await apiBot.close();
      await chatBot.close();
    });

    /** Contoso's permission entries, oldest first. */
    const contosoEntries = async (bot: HttpBot) => (await logOf(bot, { customerIds: [contosoId], operations: [create, remove] })).reverse();
    const fields = ['operation', 'outcome', 'actor', 'customerId', 'customerName', 'target', 'before', 'after'] as const;

    it('Ada turns Contoso on and off through the API on one bot and through chat on the other: the two pairs of entries agree field by field', async () => {
      expect((await createPolicy(apiBot, ada, newPolicy(contosoId))).status).to.equal(201);
      expect((await permissionsOf(apiBot))[contosoId]).to.equal(true);
      expect((await deletePolicy(apiBot, ada, policyIdOf(contosoId))).status).to.equal(204);
      expect((await permissionsOf(apiBot))[contosoId]).to.equal(false);

      // "contoso" alone would also match Contoso Pharma, and chat would ask which one.
      await chatBot.say(ada, 'permission on contoso ltd');
      expect((await permissionsOf(chatBot))[contosoId]).to.equal(true);
      await chatBot.say(ada, 'permission off contoso ltd');
      expect((await permissionsOf(chatBot))[contosoId]).to.equal(false);

      const byApi = await contosoEntries(apiBot);
      const byChat = await contosoEntries(chatBot);
      expect(byApi.map((e) => [e.operation, e.outcome])).to.deep.equal([
        [create, 'Succeeded'],
        [remove, 'Succeeded'],
      ]);
      expect(byChat).to.have.length(2);
      for (const [i, api] of byApi.entries()) {
        for (const field of fields) expect(api[field], `${api.operation}: ${field}`).to.deep.equal(byChat[i]![field]);
        expect(withoutSeqAndTime(api), `${api.operation}: no other field differs`).to.deep.equal(withoutSeqAndTime(byChat[i]!));
      }
      expect(byApi[0]).to.deep.include({ actor: actorOf(ada, 'AdminAgent'), customerName: 'Contoso Ltd', target: permissionTarget, before: { enabled: false }, after: { enabled: true } });
      expect(byApi[1]).to.deep.include({ before: { enabled: true }, after: { enabled: false } });
    });
  });

  describe('GET /v1/SelfServePolicy and /v1/SelfServePolicy/{id}', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    const idsOf = (res: Answer) => (res.body.items as { id: string }[]).map((p) => p.id);

    it('200: ?entity_id=tailspin-tenant lists exactly its policy; ?entity_id=contoso-tenant (off) lists none', async () => {
      const tailspin = await get(bot, ada, `/v1/SelfServePolicy?entity_id=${tailspinId}`);
      expect(tailspin.status, tailspin.text).to.equal(200);
      expect(tailspin.body).to.deep.include({ totalCount: 1, attributes: { objectType: 'Collection' } });
      expect(tailspin.body.items).to.have.length(1);
      expect(tailspin.body.items[0]).to.deep.include({ id: policyIdOf(tailspinId), ...newPolicy(tailspinId) });

      const contoso = await get(bot, ada, `/v1/SelfServePolicy?entity_id=${contosoId}`);
      expect(contoso.status, contoso.text).to.equal(200);
      expect(contoso.body).to.deep.include({ totalCount: 0, items: [] });
    });

    it('200: with no entity_id, every customer whose permission is on, and no other', async () => {
      expect(idsOf(await get(bot, ada, '/v1/SelfServePolicy'))).to.deep.equal([policyIdOf(tailspinId)]);
      expect((await createPolicy(bot, ada, newPolicy(contosoId))).status).to.equal(201);
      expect((await createPolicy(bot, ada, newPolicy(fabrikamId))).status).to.equal(201);
      const all = await get(bot, ada, '/v1/SelfServePolicy');
      expect(all.status).to.equal(200);
      const on = Object.entries(await permissionsOf(bot)).filter(([, enabled]) => enabled).map(([id]) => policyIdOf(id));
      expect(idsOf(all)).to.have.members(on).and.have.members([contosoId, fabrikamId, tailspinId].map(policyIdOf));
      expect(all.body.totalCount).to.equal(3);
    });

    it('200: GET /{id} returns the policy with an ETag header equal to attributes.etag; turned off and on again, the etag changes', async () => {
      const id = policyIdOf(contosoId);
      const created = await createPolicy(bot, ada, newPolicy(contosoId));
      const first = await get(bot, ada, policyPath(id));
      expect(first.status, first.text).to.equal(200);
      expect(first.body).to.deep.include({ id, ...newPolicy(contosoId) });
      expect(first.body.attributes).to.deep.equal({ etag: created.body.attributes.etag, objectType: 'SelfServePolicy' });
      expect(first.headers.get('etag')).to.equal(`"${first.body.attributes.etag}"`);

      bot.world.clock.advance(60_000);
      expect((await deletePolicy(bot, ada, id)).status).to.equal(204);
      bot.world.clock.advance(60_000);
      const recreated = await createPolicy(bot, ada, newPolicy(contosoId));
      const second = await get(bot, ada, policyPath(id));
      expect(second.status, second.text).to.equal(200);
      expect(second.body.attributes.etag).to.equal(recreated.body.attributes.etag).and.not.equal(first.body.attributes.etag);
      expect(second.headers.get('etag')).to.equal(`"${second.body.attributes.etag}"`);
    });

    const missing = [
      { what: "a customer whose permission is off (Contoso)", id: policyIdOf(contosoId) },
      { what: 'an unknown id', id: policyIdOf(unknownCustomerId) },
      { what: "another partner's prefix on a customer whose permission is on", id: `other-partner_${tailspinId}` },
    ];
    for (const { what, id } of missing) {
      it(`404 for GET /{id} of ${what}; reading logs nothing`, async () => {
        const before = await stateOf(bot);
        expectRefusal(await get(bot, ada, policyPath(id)), 404, 'POLICY_NOT_FOUND', new RegExp(`There is no SelfServePolicy ${id}`));
        expect(await stateOf(bot)).to.deep.equal(before);
      });
    }

    it('404 for GET ?entity_id= of an unknown customer', async () => {
      const before = await stateOf(bot);
      expectRefusal(await get(bot, ada, `/v1/SelfServePolicy?entity_id=${unknownCustomerId}`), 404, 'CUSTOMER_NOT_FOUND', new RegExp(`No customer has the tenant id ${unknownCustomerId}`));
      expect(await stateOf(bot)).to.deep.equal(before);
    });

    it('400 for an unknown query parameter, naming it', async () => {
      const before = await stateOf(bot);
      expectRefusal(await get(bot, ada, `/v1/SelfServePolicy?customer=${tailspinId}`), 400, 'INVALID_REQUEST', /query .*\n.*"customer"/);
      expect(await stateOf(bot)).to.deep.equal(before);
    });
  });

  describe('DELETE /v1/SelfServePolicy/{id}', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    it('204: Ada deletes Tailspin\'s policy; the permission is off, the change logged, and the policy is gone (R6, R7)', async () => {
      const before = await stateOf(bot);
      const res = await deletePolicy(bot, ada, policyIdOf(tailspinId));
      expect(res.status, res.text).to.equal(204);
      expect(res.text).to.equal('');
      expect(await permissionsOf(bot)).to.deep.equal({ ...before.permissions, [tailspinId]: false });
      expect(await logSize(bot)).to.equal(before.logSize + 1);
      expect(await newestEntry(bot)).to.deep.include({
        operation: remove,
        outcome: 'Succeeded',
        actor: actorOf(ada, 'AdminAgent'),
        customerId: tailspinId,
        customerName: 'Tailspin Toys',
        target: permissionTarget,
        before: { enabled: true },
        after: { enabled: false },
      });
      expect((await get(bot, ada, policyPath(policyIdOf(tailspinId)))).status).to.equal(404);
    });

    it('404 for a customer whose permission is off (Contoso): as in chat, the same state changes nothing and logs nothing new (R6)', async () => {
      const before = await stateOf(bot);
      expectRefusal(await deletePolicy(bot, ada, policyIdOf(contosoId)), 404, 'POLICY_NOT_FOUND', new RegExp(`There is no SelfServePolicy ${policyIdOf(contosoId)}`));
      expect(await stateOf(bot)).to.deep.equal(before);
    });

    const missing = [
      { what: 'an unknown id', id: policyIdOf(unknownCustomerId), customerId: undefined },
      { what: "another partner's prefix on Tailspin (on)", id: `other-partner_${tailspinId}`, customerId: undefined },
    ];
    for (const { what, id, customerId } of missing) {
      it(`404 for ${what}: logged as a refused delete, nothing changes`, async () => {
        const before = await stateOf(bot);
        expectRefusal(await deletePolicy(bot, ada, id), 404, 'POLICY_NOT_FOUND', new RegExp(`There is no SelfServePolicy ${id}`));
        expect(await permissionsOf(bot)).to.deep.equal(before.permissions);
        expect(await logSize(bot)).to.equal(before.logSize + 1);
        const entry = await newestEntry(bot);
        expect(entry).to.deep.include({ operation: remove, outcome: 'Refused', actor: actorOf(ada, 'AdminAgent') });
        expect(entry.customerId, 'the customer it is about').to.equal(customerId);
      });
    }

    // A bare customer id is not a policy id: DELETE once took it for the customer and turned Tailspin off.
    it('404 for DELETE of a bare customer id (no partner prefix), as GET of that id answers; Tailspin stays on', async () => {
      const before = await stateOf(bot);
      expect((await get(bot, ada, policyPath(tailspinId))).status, 'GET of the bare id').to.equal(404);
      const res = await deletePolicy(bot, ada, tailspinId);
      expect(await permissionsOf(bot), 'Tailspin is still on').to.deep.equal(before.permissions);
      expectRefusal(res, 404, 'POLICY_NOT_FOUND', new RegExp(`There is no SelfServePolicy ${tailspinId}`));
    });
  });

  describe('who may call (R2, R18)', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
    });
    afterEach(() => bot.close());

    const hoursBefore = (date: Date, hours: number) => new Date(date.getTime() - hours * 3_600_000);
    const badTokens: { what: string; caller: (bot: HttpBot) => Promise<Caller>; code?: string; says: RegExp }[] = [
      { what: 'no Authorization header', caller: async () => 'nobody', says: /Send a bearer token/ },
      { what: 'a token that is not a JWT', caller: async () => ({ bearer: 'not-a-jwt' }), says: /not a JSON Web Token/ },
      { what: 'a bad signature', caller: async (bot) => ({ bearer: await entra.token(ada, bot.world.clock(), { key: entra.otherKey }) }), says: /signature does not verify/ },
      { what: 'a wrong audience', caller: async (bot) => ({ bearer: await entra.token(ada, bot.world.clock(), { claims: { aud: 'api://another-app' } }) }), says: new RegExp(`another audience; this server accepts ${testAudience}`) },
      { what: 'a wrong issuer', caller: async (bot) => ({ bearer: await entra.token(ada, bot.world.clock(), { claims: { iss: `https://sts.windows.net/${partnerTenant}/` } }) }), says: /issuer \(https:\/\/sts\.windows\.net\/partner-tenant\/\) is not one this server trusts/ },
      { what: 'an expired token (issued two hours ago)', caller: async (bot) => ({ bearer: await entra.token(ada, bot.world.clock(), { issuedAt: hoursBefore(bot.world.clock(), 2) }) }), says: /expired/ },
    ];
    for (const { what, caller, code = 'UNAUTHENTICATED', says } of badTokens) {
      it(`401 for ${what}: says why, asks for a Bearer token, logs nothing, changes nothing`, async () => {
        const before = await stateOf(bot);
        const res = await createPolicy(bot, await caller(bot), newPolicy(contosoId));
        expectRefusal(res, 401, code, says);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
        expect(await stateOf(bot)).to.deep.equal(before);
      });
    }

    it('401 from a server started without trusted issuers, even for a well-signed token of an Admin Agent', async () => {
      const untrusting = await startHttpBot();
      try {
        const before = await stateOf(untrusting);
        const res = await createPolicy(untrusting, ada, newPolicy(contosoId));
        expectRefusal(res, 401, 'UNAUTHENTICATED', /issuer \(https:\/\/login\.microsoftonline\.com\/partner-tenant\/v2\.0\) is not one this server trusts/);
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
        expect(await stateOf(untrusting)).to.deep.equal(before);
        expect((await get(untrusting, ada, '/v1/SelfServePolicy')).status).to.equal(401);
      } finally {
        await untrusting.close();
      }
    });

    const notAdmins = [
      { user: sam, role: 'SalesAgent', label: 'Sales Agent' },
      { user: hal, role: 'HelpDeskAgent', label: 'Help Desk Agent' },
    ];
    const writes = [
      { what: 'POST Contoso (off)', operation: create, customerId: contosoId, send: (bot: HttpBot, who: TestUser) => createPolicy(bot, who, newPolicy(contosoId)) },
      { what: 'DELETE Tailspin (on)', operation: remove, customerId: tailspinId, send: (bot: HttpBot, who: TestUser) => deletePolicy(bot, who, policyIdOf(tailspinId)) },
    ];
    for (const { user, role, label } of notAdmins) {
      for (const { what, operation, customerId, send } of writes) {
        it(`403 for ${user.name} (${label}) trying ${what}: nothing changes, the attempt is logged as ROLE_NOT_ALLOWED`, async () => {
          const before = await stateOf(bot);
          expectRefusal(await send(bot, user), 403, 'ROLE_NOT_ALLOWED', new RegExp(`Only Admin Agents of Test Partner can turn .* You are a ${label}`));
          await expectRefusedWrite(bot, before, { operation, actor: actorOf(user, role), code: 'ROLE_NOT_ALLOWED', customerId });
        });
      }
    }

    it('200: Sam (Sales Agent) may still read the policies', async () => {
      const res = await get(bot, sam, `/v1/SelfServePolicy?entity_id=${tailspinId}`);
      expect(res.status, res.text).to.equal(200);
      expect(res.body.items.map((p: { id: string }) => p.id)).to.deep.equal([policyIdOf(tailspinId)]);
      expect((await get(bot, sam, policyPath(policyIdOf(tailspinId)))).status).to.equal(200);
    });

    it("403 for a customer user's well-signed token (Carl, Contoso) trying each write: the attempt is logged against Contoso, nothing of the customer named leaks (R2, R18)", async () => {
      for (const { what, operation, send } of writes) {
        const before = await stateOf(bot);
        const res = await send(bot, carl);
        expectRefusal(res, 403, 'ROLE_NOT_ALLOWED', /^Only Test Partner can turn the Azure reservations purchase permission on or off/);
        expect(res.text, what).not.to.match(/Tailspin/);
        await expectRefusedWrite(bot, before, { operation, actor: actorOf(carl, 'CustomerUser'), code: 'ROLE_NOT_ALLOWED', customerId: contosoId });
      }
    });

    it("403 for a customer user's read, not logged: the API is for the partner's agents", async () => {
      const before = await stateOf(bot);
      expectRefusal(await get(bot, carl, '/v1/SelfServePolicy'), 403, 'AGENTS_ONLY', /for Test Partner's agents/);
      expectRefusal(await get(bot, carl, '/v1/auditrecords?startDate=2026-01-01'), 403, 'AGENTS_ONLY');
      expect(await stateOf(bot)).to.deep.equal(before);
    });

    const strangers = [
      { who: 'a partner-tenant user the directory does not know', caller: ghost, customerId: undefined },
      { who: "a user of Contoso's tenant the directory does not know", caller: { tenantId: contosoId, userId: 'contoso-ghost', name: 'Connie Owner' }, customerId: contosoId },
      { who: 'a user of a tenant the partner does not know', caller: { tenantId: 'elsewhere-tenant', userId: 'elsewhere-1', name: 'Ada Admin' }, customerId: undefined },
    ];
    for (const { who, caller, customerId } of strangers) {
      it(`403 for ${who}: a write is logged with the tenant and user ids of the token and none of its names (R18); a read is not`, async () => {
        const before = await stateOf(bot);
        expectRefusal(await get(bot, caller, '/v1/SelfServePolicy'), 403, 'UNKNOWN_PERSON', new RegExp(`does not know you \\(tenant ${caller.tenantId}, user ${caller.userId}\\)`));
        expect(await stateOf(bot)).to.deep.equal(before);
        expectRefusal(await createPolicy(bot, caller, newPolicy(contosoId)), 403, 'UNKNOWN_PERSON', /does not know you/);
        await expectRefusedWrite(bot, before, { operation: create, actor: { tenantId: caller.tenantId, userId: caller.userId, name: 'Unknown user', role: 'Unknown' }, code: 'UNKNOWN_PERSON', customerId });
      });
    }
  });

  describe('GET /v1/auditrecords (R18, R19)', () => {
    let bot: HttpBot;
    /**
     * One change or refusal a day, by API and by chat:
     * 25th API Contoso on; 26th chat Fabrikam on; 27th API Sam refused deleting Tailspin; 28th chat Contoso off; 29th API Fabrikam off.
     */
    before(async () => {
      bot = await startHttpBot(testWorld(), { trusted: [entra.trusted] });
      const { clock } = bot.world;
      clock.set('2026-11-25T10:00:00.000Z');
      expect((await createPolicy(bot, ada, newPolicy(contosoId))).status).to.equal(201);
      clock.set('2026-11-26T11:00:00.000Z');
      await bot.say(ada, 'permission on fabrikam');
      clock.set('2026-11-27T12:00:00.000Z');
      expect((await deletePolicy(bot, sam, policyIdOf(tailspinId))).status).to.equal(403);
      clock.set('2026-11-28T13:00:00.000Z');
      await bot.say(ada, 'permission off contoso ltd');
      clock.set('2026-11-29T14:00:00.000Z');
      expect((await deletePolicy(bot, ada, policyIdOf(fabrikamId))).status).to.equal(204);
      expect(await permissionsOf(bot)).to.include({ [contosoId]: false, [fabrikamId]: false, [tailspinId]: true });
    });
    after(() => bot.close());

    const records = async (query: string) => {
      const res = await get(bot, ada, `/v1/auditrecords?${query}`);
      expect(res.status, res.text).to.equal(200);
      return res.body.items as Record<string, unknown>[];
    };
    const daysOf = (items: Record<string, unknown>[]) => items.map((r) => String(r.operationDate).slice(0, 10));

    it("records carry Partner Center's field names, newest first", async () => {
      const res = await get(bot, ada, '/v1/auditrecords?startDate=2026-11-25');
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.include({ totalCount: 5, attributes: { objectType: 'Collection' } });
      expect(res.body).not.to.have.property('continuationToken');
      const items = res.body.items as Record<string, unknown>[];
      expect(items.map((r) => [r.operationType, r.customerId, r.operationStatus])).to.deep.equal([
        [remove, fabrikamId, 'succeeded'],
        [remove, contosoId, 'succeeded'],
        [remove, tailspinId, 'failed'],
        [create, fabrikamId, 'succeeded'],
        [create, contosoId, 'succeeded'],
      ]);
      expect(items[1]).to.deep.include({
        partnerId: partnerTenant,
        operationType: remove,
        operationDate: '2026-11-28T13:00:00.000Z',
        operationStatus: 'succeeded',
        customerId: contosoId,
        customerName: 'Contoso Ltd',
        userPrincipalName: ada.name,
        resourceType: 'self_serve_policy',
        resourceOldValue: '{"enabled":true}',
        resourceNewValue: '{"enabled":false}',
        attributes: { objectType: 'AuditRecord' },
      });
      expect(items[2]).to.deep.include({ operationDate: '2026-11-27T12:00:00.000Z', customerName: 'Tailspin Toys', userPrincipalName: sam.name, resourceType: 'self_serve_policy', resourceOldValue: null, resourceNewValue: null });
      expect(items[2]!.customizedData).to.deep.include.members([
        { key: 'UserRole', value: 'SalesAgent' },
        { key: 'ReasonCode', value: 'ROLE_NOT_ALLOWED' },
      ]);
      expect(JSON.parse(String(items[4]!.resourceNewValue))).to.deep.equal({ enabled: true });
    });

    const ranges = [
      { query: 'startDate=2026-11-27', days: ['2026-11-29', '2026-11-28', '2026-11-27'] },
      { query: 'startDate=2026-11-26&endDate=2026-11-27', days: ['2026-11-27', '2026-11-26'], why: 'an endDate given as a date includes that whole day' },
      { query: 'startDate=2026-11-26&endDate=2026-11-27T00:00:00Z', days: ['2026-11-26'], why: 'an endDate with a time ends there' },
      { query: 'startDate=2026-11-26T12:00:00Z&endDate=2026-11-28', days: ['2026-11-28', '2026-11-27'], why: 'a startDate with a time starts there' },
    ];
    for (const { query, days, why } of ranges) {
      it(`?${query} narrows by time${why ? `: ${why}` : ''}`, async () => {
        expect(daysOf(await records(query))).to.deep.equal(days);
      });
    }

    const filters = [
      { filter: { Field: 'CompanyName', Value: 'contoso', Operator: 'substring' }, expected: [[remove, contosoId], [create, contosoId]] },
      { filter: { Field: 'CustomerId', Value: fabrikamId, Operator: 'equals' }, expected: [[remove, fabrikamId], [create, fabrikamId]] },
      { filter: { Field: 'CustomerId', Value: 'fabrikam', Operator: 'equals' }, expected: [] },
    ];
    for (const { filter, expected } of filters) {
      it(`filter=${JSON.stringify(filter)} narrows by customer`, async () => {
        const items = await records(`startDate=2026-11-25&filter=${encodeURIComponent(JSON.stringify(filter))}`);
        expect(items.map((r) => [r.operationType, r.customerId])).to.deep.equal(expected);
      });
    }

    it('size=2 pages with continuationToken and links.next; following the links gives the older entries, without overlap, to the end', async () => {
      const all = await records('startDate=2026-11-25');
      const pages: Record<string, unknown>[][] = [];
      let path: string | undefined = '/v1/auditrecords?startDate=2026-11-25&size=2';
      while (path) {
        expect(pages.length, 'a few pages, not an endless loop').to.be.below(5);
        const res: Answer = await get(bot, ada, path);
        expect(res.status, res.text).to.equal(200);
        pages.push(res.body.items);
        if (res.body.continuationToken === undefined) {
          expect(res.body).not.to.have.property('links');
          path = undefined;
        } else {
          expect(res.body.links.next).to.deep.include({ method: 'GET' });
          expect(new URL(res.body.links.next.uri, bot.url).searchParams.get('continuationToken')).to.equal(res.body.continuationToken);
          path = res.body.links.next.uri;
        }
      }
      expect(pages.map((p) => p.length)).to.deep.equal([2, 2, 1]);
      const ids = pages.flat().map((r) => r.id);
      expect(new Set(ids).size, 'no record twice').to.equal(ids.length);
      expect(pages.flat()).to.deep.equal(all);
    });

    const badQueries = [
      { what: 'without startDate', query: '', names: /startDate: / },
      { what: 'with a bad date', query: 'startDate=yesterday', names: /startDate: a date \(2026-11-24\) or a date and time/ },
      { what: 'with a filter that is not JSON', query: 'startDate=2026-11-25&filter=contoso', names: /filter: must be JSON/ },
      { what: 'with a filter Field that does not exist', query: `startDate=2026-11-25&filter=${encodeURIComponent('{"Field":"Colour","Value":"blue"}')}`, names: /filter\.Field: one of CustomerId, CompanyName/ },
    ];
    for (const { what, query, names } of badQueries) {
      it(`400 ${what}, naming the parameter; reading logs nothing`, async () => {
        const before = await stateOf(bot);
        expectRefusal(await get(bot, ada, `/v1/auditrecords?${query}`), 400, 'INVALID_REQUEST', names);
        expect(await stateOf(bot)).to.deep.equal(before);
      });
    }
  });
});
