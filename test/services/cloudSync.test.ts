import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import type { CloudReservation } from '../../services/microsoftCloud.ts';
import { Operation } from '../../services/operations.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { ScriptedCloud } from '../helpers/scriptedCloud.ts';
import { contosoId, openTestStore, people, personOf, tailspinId, type TestStore } from '../helpers/testWorld.ts';

const portalReservation = (over: Partial<CloudReservation> = {}): CloudReservation => ({
  orderId: 'a1b2c3d4-0000-4000-8000-000000000001',
  reservationId: 'e5f6a7b8-0000-4000-8000-000000000002',
  sku: 'Standard_D2s_v5',
  region: 'eastus',
  quantity: 2,
  term: 'P1Y',
  billingPlan: 'Monthly',
  billingSubscriptionId: 'sub-tailspin-plan',
  scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' },
  autoRenew: false,
  purchasedAt: '2026-11-23T08:00:00.000Z',
  expiresOn: '2027-11-23',
  state: 'Active',
  ...over,
});

let t: TestStore;
let cloud: ScriptedCloud;
/** A store with the test world whose services talk to a scripted Partner Center holding the same world. */
function withScriptedCloud() {
  beforeEach(async () => {
    t = await openTestStore(undefined, undefined, { cloud: async (store) => (cloud = await ScriptedCloud.of(store)) });
  });
  afterEach(() => t.dispose());
}

describe('sync with Partner Center and Azure (the port, scripted)', () => {
  withScriptedCloud();

  const admin = () => personOf(t.services, people.admin);
  const log = async () => t.services.activity.read(await admin(), {}, 100);

  it('changes nothing when the cloud holds what the store holds, and logs nothing', async () => {
    const before = (await log()).length;
    const report = await t.services.sync.run(await admin());
    expect(report).to.deep.include({ customers: 5, added: [], updated: [], permissions: [], purchases: [], problems: [] });
    expect(await log()).to.have.length(before);
  });

  it('adds a customer Partner Center has and the store does not, with its subscriptions, and logs it (permission off until recorded, R1)', async () => {
    cloud.world.push({ id: 'adatum-tenant', name: 'Adatum', domain: 'adatum.example', subscriptions: [{ id: 'sub-adatum', offer: 'AzurePlan', usageBased: true, status: 'active' }], permissions: { AzureReservedInstances: true, AzureSavingsPlan: false } });
    const report = await t.services.sync.run('schedule');
    expect(report.added).to.deep.equal(['Adatum']);
    const adatum = (await t.services.directory.customer('adatum-tenant'))!;
    expect(adatum).to.deep.include({ name: 'Adatum', domain: 'adatum.example', users: [] });
    expect(adatum.subscriptions).to.deep.equal([{ id: 'sub-adatum', offer: 'AzurePlan', usageBased: true, status: 'active', owners: [] }]);
    expect(adatum.purchasePermission.enabled, 'Partner Center has a policy for it').to.equal(true);
    expect((await t.services.directory.customerNames()).map((c) => c.id)).to.include('adatum-tenant');
    const [permission, added] = await log();
    expect(added).to.deep.include({ operation: Operation.SyncCustomer, customerId: 'adatum-tenant', target: 'added from Partner Center', outcome: 'Succeeded' });
    expect(permission).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, customerId: 'adatum-tenant', before: { enabled: false }, after: { enabled: true } });
    expect(permission!.actor).to.deep.include({ role: 'System', name: 'Partner Center (changed outside the bot)' });
  });

  it('records a policy deleted in the Partner Center dashboard as changed outside the bot, once, with the sync\'s correlation id (R6, R18)', async () => {
    cloud.world.find((c) => c.id === tailspinId)!.permissions.AzureReservedInstances = false;
    const report = await t.services.sync.run(await admin());
    expect(report.permissions).to.deep.equal([{ customer: 'Tailspin Toys', resource: 'AzureReservedInstances', enabled: false }]);
    expect((await t.services.directory.customer(tailspinId))!.purchasePermission.enabled).to.equal(false);
    const [entry] = await log();
    expect(entry).to.deep.include({ operation: Operation.DeleteCustomerPurchasePermissions, customerId: tailspinId, outcome: 'Succeeded', before: { enabled: true }, after: { enabled: false } });
    expect(entry!.actor).to.deep.include({ role: 'System', name: 'Partner Center (changed outside the bot)' });
    expect(entry!.correlationId).to.match(/^[0-9a-f-]{36}$/);
    const count = (await log()).length;
    await t.services.sync.run('schedule');
    expect(await log(), 'a second sync finds nothing new').to.have.length(count);
  });

  it('records a savings plan permission turned on in the Partner Center dashboard as changed outside the bot, logged with its own target, once (R6, R18)', async () => {
    cloud.world.find((c) => c.id === contosoId)!.permissions.AzureSavingsPlan = true;
    const report = await t.services.sync.run('schedule');
    expect(report.permissions).to.deep.equal([{ customer: 'Contoso Ltd', resource: 'AzureSavingsPlan', enabled: true }]);
    const contoso = (await t.services.directory.customer(contosoId))!;
    expect(contoso.savingsPlanPermission).to.deep.include({ enabled: true, changedBy: 'outside-the-bot' });
    expect(contoso.purchasePermission.enabled, 'the reservations permission is another one').to.equal(false);
    const [entry] = await log();
    expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, customerId: contosoId, target: 'Azure savings plan: allow customer to purchase', outcome: 'Succeeded', before: { enabled: false }, after: { enabled: true } });
    expect(entry!.actor).to.deep.include({ role: 'System', name: 'Partner Center (changed outside the bot)' });
    const count = (await log()).length;
    await t.services.sync.run('schedule');
    expect(await log(), 'a second sync finds nothing new').to.have.length(count);
  });

  it('tells of a new customer whose domain another customer holds in the bot, adds nothing for it, and syncs the others', async () => {
    cloud.world.push({ id: 'contoso-clone', name: 'Contoso Clone', domain: 'CONTOSO.example', subscriptions: [], permissions: { AzureReservedInstances: false, AzureSavingsPlan: false } });
    cloud.world.find((c) => c.id === tailspinId)!.permissions.AzureReservedInstances = false;
    const report = await t.services.sync.run('schedule');
    expect(report.added).to.deep.equal([]);
    expect(report.problems).to.deep.equal([`Contoso Clone (contoso-clone): its domain CONTOSO.example is Contoso Ltd's in the bot (${contosoId}).`]);
    expect(await t.services.directory.customer('contoso-clone')).to.equal(undefined);
    expect(report.permissions.map((p) => p.customer)).to.deep.equal(['Tailspin Toys']);
  });

  it('syncs the others when Partner Center will not show one customer, and says which and why', async () => {
    cloud.unreadable.add(contosoId);
    cloud.world.find((c) => c.id === contosoId)!.subscriptions[0]!.status = 'suspended';
    cloud.world.find((c) => c.id === tailspinId)!.permissions.AzureReservedInstances = false;
    const report = await t.services.sync.run('schedule');
    expect(report.customers).to.equal(5);
    expect(report.problems).to.deep.equal([`Contoso Ltd (${contosoId}): Partner Center said "Forbidden" (HTTP 403).`]);
    expect(report.permissions.map((p) => p.customer)).to.deep.equal(['Tailspin Toys']);
    expect((await t.services.directory.customer(contosoId))!.subscriptions[0]!.status, 'Contoso is left as it was').to.equal('active');
  });

  it('records a subscription Partner Center suspended, so that R4 then refuses the permission', async () => {
    cloud.world.find((c) => c.id === contosoId)!.subscriptions[0]!.status = 'suspended';
    expect((await t.services.sync.run('schedule')).updated).to.deep.equal(['Contoso Ltd']);
    const [entry] = await log();
    expect(entry).to.deep.include({ operation: Operation.SyncCustomer, customerId: contosoId, target: 'changed in Partner Center' });
    const err = await rejectionOf(t.services.permissions.set(await admin(), contosoId, true), CodedError);
    expect(err.code).to.equal(ErrorCode.NoEligibleSubscription);
    expect(cloud.writes, 'Partner Center was not asked').to.deep.equal([]);
  });

  describe('(R11, R12) reservations bought in the Azure portal', () => {
    const notificationsOn = async () => t.services.settings.setPurchaseNotifications(await admin(), true);
    const talked = async () => t.services.conversations.remember(await admin(), { conversation: { id: 'chat-admin-1' } });

    it('are recorded in Reservations, Order history and the log as bought by the customer, at the partner price, and not announced at the first sync', async () => {
      await notificationsOn();
      await talked();
      cloud.bought.set(tailspinId, [portalReservation()]);
      const report = await t.services.sync.run('schedule');
      expect(report.purchases).to.have.length(1);
      const [reservation] = await t.services.purchases.reservations(await admin(), tailspinId);
      expect(reservation).to.deep.include({ sku: 'Standard_D2s_v5', quantity: 2, unitPrice: 600, total: 1200, currency: 'USD', billingPlan: 'Monthly', expiresOn: '2027-11-23', status: 'Active' });
      expect(reservation!.boughtBy).to.deep.include({ tenantId: tailspinId, role: 'CustomerUser', name: 'Bought in the Azure portal' });
      expect(reservation!.azure).to.deep.equal({ orderId: portalReservation().orderId, reservationId: portalReservation().reservationId });
      const [order] = await t.services.purchases.orders(await admin(), tailspinId);
      expect(order).to.deep.include({ type: 'Purchase', amount: 1200, reservationId: reservation!.id, at: '2026-11-23T08:00:00.000Z' });
      expect(order!.billedTo.tenantId, 'R9: billed to the partner').to.equal(people.admin.tenantId);
      const [entry] = await log();
      expect(entry).to.deep.include({ operation: Operation.PurchaseReservation, customerId: tailspinId, outcome: 'Succeeded' });
      expect(await t.delivered(), 'the first sync finds what predates the bot: nobody is told').to.equal(0);
    });

    it('found by a later sync are announced to the Admin Agents when notifications are on, once however often the sync runs', async () => {
      await notificationsOn();
      await talked();
      await t.services.sync.run('schedule');
      cloud.bought.set(tailspinId, [portalReservation()]);
      await t.services.sync.run('schedule');
      await t.services.sync.run('schedule');
      expect(await t.services.purchases.reservations(await admin(), tailspinId)).to.have.length(1);
      expect(await t.delivered()).to.equal(1);
      expect(t.messenger.sent.map((s) => s.notice.customer.id)).to.deep.equal([tailspinId]);
    });
  });

  it('is for Admin Agents only: a Sales Agent is refused, and the attempt is logged (R2, R18)', async () => {
    const sales = await personOf(t.services, people.sales);
    const err = await rejectionOf(t.services.sync.run(sales), CodedError);
    expect(err.code).to.equal(ErrorCode.RoleNotAllowed);
    const [entry] = await log();
    expect(entry).to.deep.include({ operation: Operation.SyncPartnerCenter, outcome: 'Refused' });
  });

  it('with Partner Center down, says so and changes nothing', async () => {
    cloud.down = true;
    const before = (await log()).length;
    const err = await rejectionOf(t.services.sync.run(await admin()), CodedError);
    expect(err.code).to.equal(ErrorCode.CloudUnavailable);
    expect(err.message).to.match(/^Partner Center did not answer, so I could not list your customers/);
    expect(await log()).to.have.length(before);
  });
});

describe('the permission through Partner Center (the port, scripted)', () => {
  withScriptedCloud();
  const admin = () => personOf(t.services, people.admin);

  it('(R3, R6) asks Partner Center first, as the agent, then records it with the same correlation id in the log', async () => {
    cloud.owners.add('sub-contoso-plan|contoso-owner');
    const change = await t.services.permissions.set(await admin(), contosoId, true, { userToken: 'agent-token' });
    expect(change).to.include({ changed: true, warning: undefined });
    expect(cloud.writes).to.have.length(1);
    expect(cloud.writes[0]).to.deep.include({ customerId: contosoId, resource: 'AzureReservedInstances', enabled: true, userToken: 'agent-token' });
    const [entry] = await t.services.activity.read(await admin(), {}, 1);
    expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, correlationId: cloud.writes[0]!.correlationId });
  });

  it('(R3, R6) the savings plan permission goes to Partner Center as AzureSavingsPlan, as the agent, and is logged with the same correlation id', async () => {
    const change = await t.services.permissions.set(await admin(), contosoId, true, { userToken: 'agent-token', resource: 'AzureSavingsPlan' });
    expect(change).to.include({ resource: 'AzureSavingsPlan', enabled: true, changed: true });
    expect(cloud.writes).to.have.length(1);
    expect(cloud.writes[0]).to.deep.include({ customerId: contosoId, resource: 'AzureSavingsPlan', enabled: true, userToken: 'agent-token' });
    expect(cloud.world.find((c) => c.id === contosoId)!.permissions).to.deep.equal({ AzureReservedInstances: false, AzureSavingsPlan: true });
    const [entry] = await t.services.activity.read(await admin(), {}, 1);
    expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, target: 'Azure savings plan: allow customer to purchase', correlationId: cloud.writes[0]!.correlationId });
  });

  it('(R6) a savings plan permission Partner Center already had is recorded as changed outside the bot, not as the agent\'s', async () => {
    cloud.world.find((c) => c.id === contosoId)!.permissions.AzureSavingsPlan = true;
    const change = await t.services.permissions.set(await admin(), contosoId, true, { resource: 'AzureSavingsPlan' });
    expect(change.changed).to.equal(false);
    expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(true);
    const [entry] = await t.services.activity.read(await admin(), {}, 1);
    expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, target: 'Azure savings plan: allow customer to purchase' });
    expect(entry!.actor).to.deep.include({ role: 'System', name: 'Partner Center (changed outside the bot)' });
  });

  it('(R5) warns by what Azure says of Owners, not by the store', async () => {
    const change = await t.services.permissions.set(await admin(), contosoId, true);
    expect(change.warning).to.match(/No user of Contoso Ltd holds the Owner role/);
  });

  it('a customer user of a known tenant is one, without being listed; R5 at purchase asks Azure', async () => {
    const stranger = await t.services.directory.identify(contosoId, 'someone-new');
    expect(stranger).to.deep.include({ kind: 'customerUser', customerId: contosoId, name: 'A user of Contoso Ltd' });
    expect(await t.services.directory.identify('unknown-tenant', 'someone')).to.equal(undefined);
  });

  it('with Partner Center down, the permission is not changed and the refusal says so (R18)', async () => {
    cloud.down = true;
    const err = await rejectionOf(t.services.permissions.set(await admin(), contosoId, true), CodedError);
    expect(err.code).to.equal(ErrorCode.CloudUnavailable);
    expect((await t.services.directory.customer(contosoId))!.purchasePermission.enabled).to.equal(false);
    const [entry] = await t.services.activity.read(await admin(), {}, 1);
    expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused' });
  });
});
