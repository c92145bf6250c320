import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import type { PurchaseInput } from '../../services/purchases.ts';
import { everything, logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, storeContents, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

interface RefusalCase {
  title: string;
  user: TestUser;
  customerId: string;
  /** Turn Contoso's permission on first. */
  contosoOn?: boolean;
  input: Partial<PurchaseInput>;
  code: ErrorCode;
  says?: RegExp[];
  /** What the message must not give away. */
  never?: RegExp[];
}

const contosoPlan = { billingSubscriptionId: 'sub-contoso-plan' };
const badQuantity = (quantity: string | number): RefusalCase => ({
  title: `a quantity of ${JSON.stringify(quantity)}`,
  user: tailspinOwner,
  customerId: tailspinId,
  input: { quantity },
  code: ErrorCode.InvalidQuantity,
  says: [/whole number from 1 to 1000/, new RegExp(`"${String(quantity).replace('.', '\\.')}"`)],
});

const cases: RefusalCase[] = [
  {
    title: '(R7) a customer user while the permission is off',
    user: people.contosoOwner,
    customerId: contosoId,
    input: contosoPlan,
    code: ErrorCode.PurchaseNotAllowed,
    says: [/"Azure reservations: allow customer to purchase" is off/, /Ask your contact at Test Partner/],
  },
  {
    title: '(R5) a customer user without Owner on the billing subscription',
    user: people.contosoUser,
    customerId: contosoId,
    contosoOn: true,
    input: contosoPlan,
    code: ErrorCode.OwnerRequired,
    says: [/Owner role/, /"Contoso Plan" \(sub-contoso-plan\)/],
  },
  {
    title: '(R4) billing to a subscription that is not Azure Plan / Azure Global',
    user: people.contosoOwner,
    customerId: contosoId,
    contosoOn: true,
    input: { billingSubscriptionId: 'sub-contoso-m365' },
    code: ErrorCode.SubscriptionNotEligible,
    says: [/sub-contoso-m365/, /Azure Plan or Azure Global/, /Choose one of: "Contoso Plan" \(sub-contoso-plan\)/],
  },
  {
    title: '(R4, R14) billing to another customer\'s subscription',
    user: tailspinOwner,
    customerId: tailspinId,
    input: contosoPlan,
    code: ErrorCode.SubscriptionNotEligible,
    says: [/"sub-contoso-plan" is not one of Tailspin Toys' subscriptions/],
    never: [/Contoso Ltd/, /Contoso Plan/],
  },
  {
    title: '(R4) an agent buying for a customer whose only Azure Plan is suspended: says so, and to reactivate it',
    user: people.admin,
    customerId: northwindId,
    input: { billingSubscriptionId: 'sub-northwind-suspended' },
    code: ErrorCode.SubscriptionNotEligible,
    says: [/^Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so no reservation can be bought for Northwind Traders\. Reactivate it in Partner Center/],
    never: [/Buy an Azure Plan/, /turn the permission on/],
  },
  { title: 'an unknown product', user: tailspinOwner, customerId: tailspinId, input: { sku: 'Standard_Z9' }, code: ErrorCode.UnknownProduct, says: [/"Standard_Z9"/, /`prices`/] },
  { title: 'an unknown region', user: tailspinOwner, customerId: tailspinId, input: { region: 'mars' }, code: ErrorCode.UnknownRegion, says: [/"mars"/, /offered in: eastus, westeurope/] },
  { title: '(R13) a term not offered (P5Y)', user: tailspinOwner, customerId: tailspinId, input: { term: 'P5Y' }, code: ErrorCode.TermNotOffered, says: [/"P5Y"/, /Terms offered: 1 year, 3 years/] },
  {
    title: '(R10) a customer user asking for a row without a partner price',
    user: tailspinOwner,
    customerId: tailspinId,
    input: { term: 'P3Y' },
    code: ErrorCode.NoPartnerPrice,
    says: [/no price for Standard_D2s_v5 in eastus for 3 years/, /Ask your contact at Test Partner/],
    never: [/`price /],
  },
  {
    title: '(R10) an agent asking for a row without a partner price',
    user: people.sales,
    customerId: fabrikamId,
    input: { term: 'P3Y', billingSubscriptionId: 'sub-fabrikam-plan' },
    code: ErrorCode.NoPartnerPrice,
    says: [/\*\*price\*\* Standard_D2s_v5 eastus P3Y \*amount\*/],
  },
  ...[0, 1001, '2.5', 'abc', '-1'].map(badQuantity),
  {
    title: '(R14) a management group that is not the customer\'s',
    user: people.admin,
    customerId: contosoId,
    input: { ...contosoPlan, scope: { type: 'ManagementGroup', managementGroupId: 'fabrikam-mg' } },
    code: ErrorCode.InvalidScope,
    says: [/"fabrikam-mg" is not one of Contoso Ltd's management groups/],
  },
  {
    title: '(R14) a single-subscription scope on another customer\'s subscription',
    user: tailspinOwner,
    customerId: tailspinId,
    input: { scope: { type: 'Single', subscriptionId: 'sub-fabrikam-plan' } },
    code: ErrorCode.InvalidScope,
    says: [/"sub-fabrikam-plan" is not one of Tailspin Toys's? active Azure subscriptions/],
    never: [/Fabrikam Inc/],
  },
  {
    title: '(R14) a resource group with an invalid name',
    user: tailspinOwner,
    customerId: tailspinId,
    input: { scope: { type: 'ResourceGroup', subscriptionId: 'sub-tailspin-plan', resourceGroup: 'bad name!' } },
    code: ErrorCode.InvalidScope,
    says: [/"bad name!" is not a valid resource group name/],
  },
];

describe('purchase refusals (R4, R5, R7, R10, R13, R14, R18)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.dispose());

  for (const { title, user, customerId, contosoOn, input, code, says = [], never = [] } of cases) {
    it(`${title}: refused ${code} with a message that says why; nothing bought; one Refused entry (R18)`, async () => {
      if (contosoOn) await t.services.permissions.set(await personOf(t.services, people.admin), contosoId, true);
      const logSize = await t.services.activity.size();
      const error = await rejectionOf(quoteFor(t, user, customerId, input), CodedError);
      expect(error.code).to.equal(code);
      for (const pattern of says) expect(error.message).to.match(pattern);
      for (const pattern of never) expect(error.message).not.to.match(pattern);
      expect(await everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
      expect((await storeContents(t.store)).quotes, 'no quote is kept, by anyone').to.deep.equal([]);
      expect(await t.services.activity.size()).to.equal(logSize + 1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: user.tenantId === people.admin.tenantId ? customerId : user.tenantId });
      expect(newest!.reason).to.deep.equal({ code, message: error.message });
      expect(newest!.actor.userId).to.equal(user.userId);
    });
  }

  it('(R8) the same purchase with every part right is quoted (the cases above fail for their one reason)', async () => {
    await t.services.permissions.set(await personOf(t.services, people.admin), contosoId, true);
    const view = await quoteFor(t, people.contosoOwner, contosoId, contosoPlan);
    expect(view.quote).to.deep.include({ customerId: contosoId, unitPrice: 600, total: 1200 });
    const agentView = await quoteFor(t, people.sales, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan', scope: { type: 'ResourceGroup', subscriptionId: 'sub-fabrikam-plan', resourceGroup: 'rg-prod.(eu)_1' } });
    expect(agentView.quote.request.scope).to.deep.include({ resourceGroup: 'rg-prod.(eu)_1' });
  });
});
