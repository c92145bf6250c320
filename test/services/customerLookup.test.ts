import { expect } from 'chai';
import { findCustomer, ownCustomer, visibleCustomer, type CustomerLookup } from '../../services/customerLookup.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

describe('customer lookup (services/customerLookup.ts)', () => {
  let t: TestStore;
  before(async () => {
    t = await openTestStore();
  });
  after(() => t.dispose());

  const find = async (who: TestUser, query: string) => findCustomer(t.store, await personOf(t.services, who), query);
  /** The lookup in words: "found <id>", "ambiguous <names>" or "none". */
  const outcome = (lookup: CustomerLookup) =>
    lookup.kind === 'found' ? `found ${lookup.customer.id}` : lookup.kind === 'ambiguous' ? `ambiguous ${lookup.candidates.map((c) => c.name).join(', ')}` : 'none';

  const agentCases: [query: string, expected: string][] = [
    [fabrikamId, `found ${fabrikamId}`],
    ['  fabrikam-tenant  ', `found ${fabrikamId}`],
    ['fabrikam.example', `found ${fabrikamId}`],
    ['FABRIKAM.Example', `found ${fabrikamId}`],
    ['Northwind Traders', `found ${northwindId}`],
    ['northwind traders', `found ${northwindId}`],
    ['north', `found ${northwindId}`],
    ['Traders', `found ${northwindId}`],
    ['pharma', 'found contoso-pharma-tenant'],
    ['contoso', 'ambiguous Contoso Ltd, Contoso Pharma'],
    ['CONTOSO', 'ambiguous Contoso Ltd, Contoso Pharma'],
    ['contoso ltd', `found ${contosoId}`],
    ['contoso.example', `found ${contosoId}`],
    ['.example', 'ambiguous Contoso Ltd, Contoso Pharma, Fabrikam Inc, Northwind Traders, Tailspin Toys'],
    ['wingtip', 'none'],
    ['', 'none'],
    ['   ', 'none'],
  ];
  for (const [query, expected] of agentCases) {
    it(`an agent asking for "${query}": ${expected}`, async () => {
      expect(outcome(await find(people.sales, query))).to.equal(expected);
    });
  }

  it('an ambiguous query returns the candidates themselves, for a choice (never a guess)', async () => {
    const lookup = await find(people.admin, 'contoso');
    expect(lookup.kind).to.equal('ambiguous');
    if (lookup.kind !== 'ambiguous') return;
    expect(lookup.candidates.map((c) => c.id)).to.deep.equal([contosoId, 'contoso-pharma-tenant']);
  });

  describe('an exact match wins over partial ones', () => {
    let withContosoGroup: TestStore;
    before(async () => {
      const world = testWorld();
      world.customers.push({ id: 'contoso-group-tenant', name: 'Contoso', domain: 'contosogroup.example', users: [], subscriptions: [] });
      withContosoGroup = await openTestStore(world);
    });
    after(() => withContosoGroup.dispose());

    it('"contoso" finds the customer named exactly Contoso, not Contoso Ltd or Contoso Pharma', async () => {
      const lookup = await findCustomer(withContosoGroup.store, await personOf(withContosoGroup.services, people.admin), 'contoso');
      expect(outcome(lookup)).to.equal('found contoso-group-tenant');
    });

    it('"Contoso Pharma" still finds Contoso Pharma alone', async () => {
      const lookup = await findCustomer(withContosoGroup.store, await personOf(withContosoGroup.services, people.admin), 'Contoso Pharma');
      expect(outcome(lookup)).to.equal('found contoso-pharma-tenant');
    });
  });

  describe('a customer user only ever finds their own customer', () => {
    const userCases: [query: string, expected: string][] = [
      ['contoso', `found ${contosoId}`],
      ['Contoso Ltd', `found ${contosoId}`],
      ['contoso.example', `found ${contosoId}`],
      ['fabrikam', 'none'],
      [fabrikamId, 'none'],
      ['fabrikam.example', 'none'],
      ['pharma', 'none'],
      ['.example', `found ${contosoId}`],
    ];
    for (const [query, expected] of userCases) {
      it(`a Contoso user asking for "${query}": ${expected}`, async () => {
        expect(outcome(await find(people.contosoUser, query))).to.equal(expected);
      });
    }

    it('visibleCustomer: an agent sees all five, a customer user only their own', async () => {
      /** The directory's customers that `who` may see, one visibleCustomer() each. */
      const visibleTo = async (who: TestUser) => {
        const viewer = await personOf(t.services, who);
        const seen = await Promise.all((await t.store.customerNames()).map((c) => visibleCustomer(t.store, viewer, c.id)));
        return seen.filter((c) => c !== undefined);
      };
      expect(await visibleTo(people.helpdesk)).to.have.length(5);
      expect((await visibleTo(people.fabrikamUser)).map((c) => c.id)).to.deep.equal([fabrikamId]);
    });

    it('ownCustomer: a customer user\'s own customer, nothing for an agent; the directory service says the same', async () => {
      const fay = await personOf(t.services, people.fabrikamUser);
      const hal = await personOf(t.services, people.helpdesk);
      expect((await ownCustomer(t.store, fay))?.id).to.equal(fabrikamId);
      expect(await ownCustomer(t.store, hal)).to.equal(undefined);
      expect((await t.services.directory.own(fay))?.id).to.equal(fabrikamId);
      expect(await t.services.directory.visible(fay, contosoId)).to.equal(undefined);
      expect(outcome(await t.services.directory.find(fay, 'contoso'))).to.equal('none');
    });
  });
});
