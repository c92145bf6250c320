import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { openTestStore, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

describe('price list (services/priceList.ts, R10, R18)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.dispose());

  const setPrice = async (user: TestUser, amount: string, row: [string, string, string] = ['Standard_D2s_v5', 'eastus', 'P1Y']) =>
    t.services.prices.set(await personOf(t.services, user), ...row, amount);
  const partnerPriceOf = async (region: string, term: string) => (await t.store.prices()).find((p) => p.region === region && p.term === term)!.partnerPrice;
  const view = async (user: TestUser) => t.services.prices.view(await personOf(t.services, user));

  it('(R10, R18) an Admin Agent sets a price: the row changes and Set Partner Price is logged with before and after', async () => {
    t.clock.set('2026-11-24T11:00:00.000Z');
    const change = await setPrice(people.admin, '612.50');
    expect(change).to.include({ before: 600, after: 612.5, changed: true });
    expect(await partnerPriceOf('eastus', 'P1Y')).to.equal(612.5);
    const [newest] = await logEntries(t);
    expect(newest).to.deep.include({
      at: '2026-11-24T11:00:00.000Z',
      operation: Operation.SetPartnerPrice,
      outcome: 'Succeeded',
      target: 'Standard_D2s_v5 eastus P1Y',
      before: { partnerPrice: 600, currency: 'USD' },
      after: { partnerPrice: 612.5, webDirectPrice: 700, currency: 'USD' },
    });
    expect(newest!.actor).to.deep.include({ userId: 'admin-1', role: 'AdminAgent' });
  });

  it('(R10) a price set on a row that had none makes it buyable at that price', async () => {
    await setPrice(people.admin, '1400', ['standard_d2s_v5', 'EastUS', '3y']);
    expect(await partnerPriceOf('eastus', 'P3Y')).to.equal(1400);
    const { quote } = await quoteFor(t, tailspinOwner, tailspinId, { term: 'P3Y', quantity: 3 });
    expect(quote).to.deep.include({ unitPrice: 1400, total: 4200 });
  });

  it('(R10, R18) `none` withdraws the price (logged with after null); buying that row is then refused NO_PARTNER_PRICE', async () => {
    const change = await setPrice(people.admin, 'none');
    expect(change).to.include({ before: 600, after: undefined, changed: true });
    expect(await partnerPriceOf('eastus', 'P1Y')).to.equal(undefined);
    const [newest] = await logEntries(t);
    expect(newest).to.deep.include({ operation: Operation.SetPartnerPrice, before: { partnerPrice: 600, currency: 'USD' } });
    expect(newest!.after).to.deep.include({ partnerPrice: null });
    const error = await rejectionOf(quoteFor(t, tailspinOwner, tailspinId), CodedError);
    expect(error.code).to.equal(ErrorCode.NoPartnerPrice);
  });

  for (const [what, amount, row] of [
    ['the same price again', '600', undefined],
    ['the same price written with decimals', '600.00', undefined],
    ['`none` on a row that has no price', 'NONE', ['Standard_D2s_v5', 'eastus', 'P3Y']],
  ] as const) {
    it(`(R18) ${what} changes nothing and logs nothing`, async () => {
      const logSize = await t.services.activity.size();
      const before = await t.store.prices();
      const change = await setPrice(people.admin, amount, row && [...row]);
      expect(change.changed).to.equal(false);
      expect(await t.store.prices()).to.deep.equal(before);
      expect(await t.services.activity.size()).to.equal(logSize);
    });
  }

  it('(R10, R18) two Admin Agents setting the same price at once: it changes once, with one Set Partner Price from 600', async () => {
    const logSize = await t.services.activity.size();
    const changes = await Promise.all([setPrice(people.admin, '610'), setPrice(people.admin2, '610.00')]);
    expect(changes.map((c) => c.changed).sort()).to.deep.equal([false, true]);
    expect(await partnerPriceOf('eastus', 'P1Y')).to.equal(610);
    expect(await t.services.activity.size()).to.equal(logSize + 1);
    expect((await logEntries(t))[0]).to.deep.include({ operation: Operation.SetPartnerPrice, before: { partnerPrice: 600, currency: 'USD' } });
  });

  const refused: { what: string; user: TestUser; amount: string; code: ErrorCode; says: RegExp }[] = [
    { what: 'a Sales Agent', user: people.sales, amount: '500', code: ErrorCode.RoleNotAllowed, says: /Only Admin Agents of Test Partner/ },
    { what: 'a Help Desk Agent', user: people.helpdesk, amount: '500', code: ErrorCode.RoleNotAllowed, says: /Only Admin Agents of Test Partner/ },
    { what: 'a customer user', user: tailspinOwner, amount: '1', code: ErrorCode.RoleNotAllowed, says: /Only Test Partner can/ },
    ...['12.345', 'abc', '', '1e3', '12,50'].map((amount) => ({ what: `the amount ${JSON.stringify(amount)}`, user: people.admin, amount, code: ErrorCode.InvalidPrice, says: /more than 0 with at most two decimals/ })),
    ...['0', '0.00', '-1', '-0.01'].map((amount) => ({ what: `the amount ${JSON.stringify(amount)} (R21: not more than 0)`, user: people.admin, amount, code: ErrorCode.InvalidPrice, says: /^A partner price must be more than 0, .* customers would get reservations for nothing, billed to you\./ })),
  ];

  for (const { what, user, amount, code, says } of refused) {
    it(`(R2, R18) ${what} is refused ${code}; the price is unchanged; the refusal is logged`, async () => {
      const logSize = await t.services.activity.size();
      const error = await rejectionOf(setPrice(user, amount), CodedError);
      expect(error.code).to.equal(code);
      expect(error.message).to.match(says);
      expect(await partnerPriceOf('eastus', 'P1Y')).to.equal(600);
      expect(await t.services.activity.size()).to.equal(logSize + 1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.SetPartnerPrice, outcome: 'Refused', target: 'Standard_D2s_v5 eastus P1Y' });
      expect(newest!.reason?.code).to.equal(code);
      expect(newest!.actor.userId).to.equal(user.userId);
    });
  }

  it('(R10) an unknown row is refused and logged, naming what is offered', async () => {
    const error = await rejectionOf(setPrice(people.admin, '10', ['Standard_D2s_v5', 'mars', 'P1Y']), CodedError);
    expect(error.code).to.equal(ErrorCode.UnknownRegion);
    expect((await logEntries(t))[0]).to.deep.include({ operation: Operation.SetPartnerPrice, outcome: 'Refused' });
  });

  describe('view()', () => {
    it('(R10) agents see every row, with the Web Direct price beside the partner\'s', async () => {
      const rows = await view(people.sales);
      expect(rows.map((o) => [o.price.region, o.price.term, o.price.partnerPrice, o.price.webDirectPrice])).to.deep.equal([
        ['eastus', 'P1Y', 600, 700],
        ['eastus', 'P3Y', undefined, 1500],
        ['westeurope', 'P1Y', 650.5, 750],
      ]);
      expect(rows.every((o) => o.product.name === 'Virtual Machines D2s v5')).to.equal(true);
    });

    it('(R10) a customer user sees only the rows with a partner price, the ones they can buy', async () => {
      const rows = await view(tailspinOwner);
      expect(rows.map((o) => [o.price.region, o.price.term, o.price.partnerPrice])).to.deep.equal([
        ['eastus', 'P1Y', 600],
        ['westeurope', 'P1Y', 650.5],
      ]);
    });

    it('(R10) a withdrawn price disappears from the customer\'s view but not the agent\'s', async () => {
      await setPrice(people.admin, 'none', ['Standard_D2s_v5', 'westeurope', 'P1Y']);
      expect((await view(tailspinOwner)).map((o) => o.price.region)).to.deep.equal(['eastus']);
      expect(await view(people.admin)).to.have.length(3);
    });
  });
});
