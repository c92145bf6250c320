import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import type { Subscription } from '../../data/schemas.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';


describe('purchase permission (R1–R7)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.dispose());

  const permissionOf = async (id: string) => (await t.services.directory.customer(id))!.purchasePermission.enabled;
  const entries = async () => t.services.activity.read(await personOf(t.services, people.admin), {}, 100);
  const as = (user: TestUser) => personOf(t.services, user);

  it('R1: is off for every customer the world file does not turn on', async () => {
    expect(await permissionOf(contosoId)).to.equal(false);
    expect(await permissionOf(fabrikamId)).to.equal(false);
    expect(await permissionOf(tailspinId)).to.equal(true);
  });

  it('R3/R6: an Admin Agent turns it on; the log has Create Customer Purchase Permissions with who, when and which customer', async () => {
    t.clock.set('2026-11-24T10:15:00.000Z');
    const change = await t.services.permissions.set(await as(people.admin), contosoId, true);
    expect(change).to.include({ enabled: true, changed: true, warning: undefined });
    expect(await permissionOf(contosoId)).to.equal(true);
    const [newest] = await entries();
    expect(newest).to.deep.include({
      at: '2026-11-24T10:15:00.000Z',
      operation: 'Create Customer Purchase Permissions',
      outcome: 'Succeeded',
      customerId: contosoId,
      customerName: 'Contoso Ltd',
      actor: { tenantId: people.admin.tenantId, userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' },
      before: { enabled: false },
      after: { enabled: true },
    });
  });

  it('R6: turning it off is Delete Customer Purchase Permissions', async () => {
    await t.services.permissions.set(await as(people.admin), tailspinId, false);
    expect(await permissionOf(tailspinId)).to.equal(false);
    const [newest] = await entries();
    expect(newest).to.deep.include({ operation: Operation.DeleteCustomerPurchasePermissions, outcome: 'Succeeded', customerId: tailspinId });
  });

  it('R6: setting the state it already has changes nothing and logs nothing', async () => {
    const before = await t.services.activity.size();
    const change = await t.services.permissions.set(await as(people.admin), tailspinId, true);
    expect(change.changed).to.equal(false);
    expect(await t.services.activity.size()).to.equal(before);
  });

  it('R6: two Admin Agents turning it on at once: it changes once, and one Create Customer Purchase Permissions is logged', async () => {
    const before = await t.services.activity.size();
    const changes = await Promise.all([people.admin, people.admin2, people.admin].map(async (user) => t.services.permissions.set(await as(user), contosoId, true)));
    expect(changes.map((c) => c.changed).sort()).to.deep.equal([false, false, true]);
    expect(await permissionOf(contosoId)).to.equal(true);
    expect(await t.services.activity.size()).to.equal(before + 1);
    expect((await entries())[0]).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded', customerId: contosoId });
  });

  for (const who of ['sales', 'helpdesk'] as const) {
    it(`R2: a ${who} agent is refused, nothing changes, and the refusal is logged with the reason`, async () => {
      const error = await rejectionOf(t.services.permissions.set(await as(people[who]), contosoId, true), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(error.message).to.match(/Only Admin Agents/);
      expect(await permissionOf(contosoId)).to.equal(false);
      const [newest] = await entries();
      expect(newest).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused', customerId: contosoId });
      expect(newest!.reason?.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(newest!.actor.userId).to.equal(people[who].userId);
    });
  }

  it('R2: a customer user cannot turn their own permission on; the refusal is logged', async () => {
    const error = await rejectionOf(t.services.permissions.set(await as(people.contosoOwner), contosoId, true), CodedError);
    expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
    expect(await permissionOf(contosoId)).to.equal(false);
    expect((await entries())[0]).to.deep.include({ outcome: 'Refused', customerId: contosoId });
  });

  it('a customer user naming another customer learns nothing of it; the attempt is logged against their own customer', async () => {
    const error = await rejectionOf(t.services.permissions.set(await as(people.contosoOwner), fabrikamId, true), CodedError);
    expect(error.message).not.to.contain('Fabrikam');
    expect(await permissionOf(fabrikamId)).to.equal(false);
    const [newest] = await entries();
    expect(newest).to.deep.include({ outcome: 'Refused', customerId: contosoId, target: `customer ${fabrikamId}` });
  });

  it('R4: turning it on while the only Azure Plan is suspended is refused, and says it is suspended and to reactivate it (not to buy one)', async () => {
    const error = await rejectionOf(t.services.permissions.set(await as(people.admin), northwindId, true), CodedError);
    expect(error.code).to.equal(ErrorCode.NoEligibleSubscription);
    expect(error.message).to.match(/^Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center .*, then turn the permission on\.$/).and.not.match(/Buy/);
    expect(await permissionOf(northwindId)).to.equal(false);
    expect((await entries())[0]).to.deep.include({ outcome: 'Refused', customerId: northwindId, operation: Operation.CreateCustomerPurchasePermissions });
  });

  it('R4: the refusal says why for each kind of missing subscription (suspended, deleted, not usage-based, none) and what to do', async () => {
    const world = testWorld();
    const northwind = world.customers.find((c) => c.id === northwindId)!;
    const plan = (status: 'active' | 'suspended' | 'deleted', usageBased = true) => [{ id: `sub-${status}`, offer: 'AzurePlan', usageBased, status, owners: [] }];
    const cases: [Subscription[], RegExp][] = [
      [plan('suspended'), /^Northwind Traders' Azure Plan subscription sub-suspended is suspended, .* Reactivate it in Partner Center/],
      [plan('deleted'), /^Northwind Traders' Azure Plan subscription sub-deleted was deleted, .* Buy a new Azure Plan for Northwind Traders in Partner Center, then turn the permission on\.$/],
      [plan('active', false), /^Northwind Traders' Azure subscription sub-active is not usage-based, .* Buy a usage-based Azure Plan/],
      [[], /^Northwind Traders has no active, usage-based Azure Plan or Azure Global subscription, .* Buy an Azure Plan for Northwind Traders first, then turn the permission on\.$/],
    ];
    for (const [subscriptions, says] of cases) {
      northwind.subscriptions = subscriptions;
      const own = await openTestStore(world);
      try {
        const error = await rejectionOf(own.services.permissions.set(await personOf(own.services, people.admin), northwindId, true), CodedError);
        expect(error.message, subscriptions[0]?.status ?? 'none').to.match(says);
        expect((await own.services.directory.customer(northwindId))!.purchasePermission.enabled).to.equal(false);
      } finally {
        await own.dispose();
      }
    }
  });

  it('R5: turning it on with no Owner on an eligible subscription succeeds with a warning', async () => {
    const change = await t.services.permissions.set(await as(people.admin), fabrikamId, true);
    expect(change.changed).to.equal(true);
    expect(change.warning).to.match(/Owner/);
    expect(await permissionOf(fabrikamId)).to.equal(true);
  });

  it('R7: turning it off needs no eligible subscription', async () => {
    await t.services.permissions.set(await as(people.admin), tailspinId, false);
    expect(await permissionOf(tailspinId)).to.equal(false);
  });

  it('an unknown customer id is refused for an agent and logged', async () => {
    const error = await rejectionOf(t.services.permissions.set(await as(people.admin), 'no-such-tenant', true), CodedError);
    expect(error.code).to.equal(ErrorCode.CustomerNotFound);
    expect((await entries())[0]).to.deep.include({ outcome: 'Refused', target: 'customer no-such-tenant' });
  });
});
