import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import type { Subscription } from '../../data/schemas.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { quoteFor } from '../helpers/buying.ts';


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

  describe('the savings plan permission, "Azure savings plan: allow customer to purchase" (same rules, R1–R6)', () => {
    const savingsPlan = { resource: 'AzureSavingsPlan' } as const;
    const target = 'Azure savings plan: allow customer to purchase';
    const savingsPlanOf = async (id: string) => (await t.services.directory.customer(id))!.savingsPlanPermission.enabled;

    it('R1: is off for every customer, also where the reservations one is on', async () => {
      for (const id of [contosoId, fabrikamId, northwindId, tailspinId]) expect(await savingsPlanOf(id), id).to.equal(false);
    });

    it('R3/R6: an Admin Agent turns it on, then off; each is logged with the savings plan target, and the reservations permission stays as it was', async () => {
      t.clock.set('2026-11-24T10:15:00.000Z');
      const on = await t.services.permissions.set(await as(people.admin), contosoId, true, savingsPlan);
      expect(on).to.include({ resource: 'AzureSavingsPlan', enabled: true, changed: true, warning: undefined });
      expect(on.customer.savingsPlanPermission).to.deep.equal({ enabled: true, changedAt: '2026-11-24T10:15:00.000Z', changedBy: 'admin-1' });
      expect(await permissionOf(contosoId), 'the reservations permission').to.equal(false);
      const off = await t.services.permissions.set(await as(people.admin), contosoId, false, savingsPlan);
      expect(off).to.include({ enabled: false, changed: true });
      expect(await savingsPlanOf(contosoId)).to.equal(false);
      const [deleted, created] = await entries();
      expect(created).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded', customerId: contosoId, target, before: { enabled: false }, after: { enabled: true } });
      expect(created!.actor).to.deep.include({ userId: 'admin-1', role: 'AdminAgent' });
      expect(deleted).to.deep.include({ operation: Operation.DeleteCustomerPurchasePermissions, outcome: 'Succeeded', customerId: contosoId, target, before: { enabled: true }, after: { enabled: false } });
    });

    it('R2: a Sales Agent is refused, nothing changes, and the refusal is logged naming the savings plan permission', async () => {
      const error = await rejectionOf(t.services.permissions.set(await as(people.sales), contosoId, true, savingsPlan), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(error.message).to.match(/^Only Admin Agents of Test Partner can turn the Azure savings plan purchase permission on or off\./);
      expect(await savingsPlanOf(contosoId)).to.equal(false);
      const [newest] = await entries();
      expect(newest).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused', customerId: contosoId, target });
      expect(newest!.reason?.code).to.equal(ErrorCode.RoleNotAllowed);
    });

    it('R4: turning it on while the only Azure Plan is suspended is refused, saying savings plans cannot be allowed and what to do', async () => {
      const error = await rejectionOf(t.services.permissions.set(await as(people.admin), northwindId, true, savingsPlan), CodedError);
      expect(error.code).to.equal(ErrorCode.NoEligibleSubscription);
      expect(error.message).to.match(/^Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy savings plans\. Reactivate it in Partner Center/);
      expect(await savingsPlanOf(northwindId)).to.equal(false);
      expect((await entries())[0]).to.deep.include({ outcome: 'Refused', customerId: northwindId, operation: Operation.CreateCustomerPurchasePermissions, target });
    });

    it('R5: turning it on with no Owner on an eligible subscription succeeds with a warning about savings plans', async () => {
      const change = await t.services.permissions.set(await as(people.admin), fabrikamId, true, savingsPlan);
      expect(change.changed).to.equal(true);
      expect(change.warning).to.match(/No user of Fabrikam Inc holds the Owner role .* so nobody there can buy a savings plan yet/);
    });

    it('R6: setting the state it already has changes nothing and logs nothing', async () => {
      await t.services.permissions.set(await as(people.admin), contosoId, true, savingsPlan);
      const before = await t.services.activity.size();
      const change = await t.services.permissions.set(await as(people.admin), contosoId, true, savingsPlan);
      expect(change).to.include({ resource: 'AzureSavingsPlan', changed: false });
      expect(await t.services.activity.size()).to.equal(before);
    });

    it('R7/R8 keep to the reservations permission: with only the savings plan one on, a customer user still cannot buy a reservation', async () => {
      await t.services.permissions.set(await as(people.admin), contosoId, true, savingsPlan);
      const error = await rejectionOf(quoteFor(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan' }), CodedError);
      expect(error.code).to.equal(ErrorCode.PurchaseNotAllowed);
      expect(error.message).to.match(/"Azure reservations: allow customer to purchase" is off/);
    });
  });
});
