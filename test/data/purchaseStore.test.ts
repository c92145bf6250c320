import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PurchaseIds } from '../../data/repository.ts';
import { type Conversation, type Order, type Quote, type Reservation, type StoreInput } from '../../data/schemas.ts';
import { directoryFile, openStore, type Store } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { partnerTenant, tailspinId, testStoreData } from '../helpers/testWorld.ts';

/**
 * The test world as a version-1 store.json held it: no products, settings, reservations, orders,
 * quotes or conversations; every price row had a partner price. `withPrices = false` leaves the rows out.
 */
function version1Store(withPrices = true): Record<string, unknown> {
  const { products: _products, prices, ...rest } = testStoreData();
  return { ...rest, schemaVersion: 1, prices: withPrices ? prices.map((p) => ({ ...p, partnerPrice: p.partnerPrice ?? 1400 })) : [] };
}

const quote = (id: string, createdAt: string): Quote => ({
  id,
  customerId: tailspinId,
  preparedBy: { tenantId: tailspinId, userId: 'tailspin-owner' },
  createdAt,
  request: { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 2, billingPlan: 'Upfront', billingSubscriptionId: 'sub-tailspin-plan', scope: { type: 'Shared' } },
  unitPrice: 600,
  total: 1200,
  currency: 'USD',
});

const buyer = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' } as const;

/** What Purchases.confirm builds for the quote `quoteId`, with the ids the store hands out. */
const purchaseOf = (quoteId: string) => ({ orderId, reservationId }: PurchaseIds): { order: Order; reservation: Reservation } => ({
  order: {
    id: orderId,
    type: 'Purchase',
    customerId: tailspinId,
    at: '2026-11-24T09:00:00.000Z',
    by: buyer,
    billedTo: { tenantId: partnerTenant, name: 'Test Partner' },
    reservationId,
    quoteId,
    description: '2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
    billingPlan: 'Upfront',
    amount: 1200,
    currency: 'USD',
  },
  reservation: {
    id: reservationId,
    orderId,
    customerId: tailspinId,
    sku: 'Standard_D2s_v5',
    productName: 'Virtual Machines D2s v5',
    region: 'eastus',
    quantity: 2,
    term: 'P1Y',
    billingPlan: 'Upfront',
    billingSubscriptionId: 'sub-tailspin-plan',
    scope: { type: 'Shared' },
    autoRenew: false,
    purchasedAt: '2026-11-24T09:00:00.000Z',
    expiresOn: '2027-11-24',
    status: 'Active',
    boughtBy: buyer,
    unitPrice: 600,
    total: 1200,
    currency: 'USD',
  },
});

describe('purchases in the store (data/jsonPurchases.ts, data/store.ts, data/storeFile.ts)', () => {
  let dataDir: string;
  const open: Store[] = [];
  const openIn = async (initial?: StoreInput) => {
    const store = await openStore(dataDir, initial);
    open.push(store);
    return store;
  };
  const reopen = async (store: Store) => {
    await store.close();
    return openIn();
  };
  const fileOnDisk = async () => JSON.parse(await readFile(directoryFile(dataDir), 'utf8'));

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csp-bot-purchases-'));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('(R11) a recorded purchase is on disk once recordPurchase resolves: a reopened store has the order and reservation', async () => {
    const store = await openIn(testStoreData());
    const { order, reservation, alreadyBought } = await store.purchases.recordPurchase('q-1', purchaseOf('q-1'));
    expect(alreadyBought).to.equal(false);
    const again = await reopen(store);
    expect(again.purchases.orders(tailspinId)).to.deep.equal([order]);
    expect(again.purchases.reservations(tailspinId)).to.deep.equal([reservation]);
    expect(await again.purchases.boughtQuote('q-1')).to.deep.equal({ order, reservation });
    expect(again.purchases.orders('contoso-tenant')).to.deep.equal([]);
  });

  it('(R11) ids are numbered in order: O-1001/R-1001, then O-1002/R-1002', async () => {
    const store = await openIn(testStoreData());
    const first = await store.purchases.recordPurchase('q-1', purchaseOf('q-1'));
    const second = await store.purchases.recordPurchase('q-2', purchaseOf('q-2'));
    expect([first.order.id, first.reservation.id, first.reservation.orderId]).to.deep.equal(['O-1001', 'R-1001', 'O-1001']);
    expect([second.order.id, second.reservation.id, second.order.reservationId]).to.deep.equal(['O-1002', 'R-1002', 'R-1002']);
  });

  it('(R11) recordPurchase twice at once for the same quote records one purchase; the second says alreadyBought', async () => {
    const store = await openIn(testStoreData());
    let made = 0;
    const make = (ids: PurchaseIds) => {
      made += 1;
      return purchaseOf('q-1')(ids);
    };
    const [a, b] = await Promise.all([store.purchases.recordPurchase('q-1', make), store.purchases.recordPurchase('q-1', make)]);
    expect([a.alreadyBought, b.alreadyBought]).to.deep.equal([false, true]);
    expect(b.order).to.deep.equal(a.order);
    expect(b.reservation).to.deep.equal(a.reservation);
    expect(made).to.equal(1);
    expect(store.purchases.orders(tailspinId)).to.have.length(1);
    const onDisk = await fileOnDisk();
    expect(onDisk.orders).to.have.length(1);
    expect(onDisk.reservations).to.have.length(1);
  });

  it('saveQuote keeps the new quote and drops those created before the cutoff (one at the cutoff stays)', async () => {
    const store = await openIn(testStoreData());
    await store.purchases.saveQuote(quote('old', '2026-11-23T08:59:59.999Z'), '2026-11-22T00:00:00.000Z');
    await store.purchases.saveQuote(quote('edge', '2026-11-23T09:00:00.000Z'), '2026-11-22T00:00:00.000Z');
    await store.purchases.saveQuote(quote('new', '2026-11-24T09:00:00.000Z'), '2026-11-23T09:00:00.000Z');
    expect(store.purchases.quote('old')).to.equal(undefined);
    expect(store.purchases.quote('edge')).to.deep.equal(quote('edge', '2026-11-23T09:00:00.000Z'));
    expect((await fileOnDisk()).quotes.map((q: Quote) => q.id)).to.deep.equal(['edge', 'new']);
  });

  describe('a version-1 store.json (before purchases)', () => {
    for (const withPrices of [false, true]) {
      it(`opens${withPrices ? ' with its price rows' : ' (no price rows)'}: no reservations, notifications off, and is written back as version 2 after one change`, async () => {
        await writeFile(directoryFile(dataDir), JSON.stringify(version1Store(withPrices), null, 2));
        const store = await openIn();
        expect(store.purchases.reservations(tailspinId)).to.deep.equal([]);
        expect(store.purchases.orders(tailspinId)).to.deep.equal([]);
        expect(store.directory.settings()).to.deep.equal({ purchaseNotifications: false, requestLifetimeDays: 7 });
        expect(store.directory.prices()).to.have.length(withPrices ? 3 : 0);
        expect((await fileOnDisk()).schemaVersion, 'opening alone writes nothing').to.equal(1);

        await store.directory.setSettings({ purchaseNotifications: true, requestLifetimeDays: 7 });
        const written = await fileOnDisk();
        expect(written.schemaVersion).to.equal(2);
        expect(written).to.deep.include({ settings: { purchaseNotifications: true, requestLifetimeDays: 7 }, reservations: [], orders: [], quotes: [], conversations: [], requests: [] });
        const again = await reopen(store);
        expect(again.directory.settings()).to.deep.equal({ purchaseNotifications: true, requestLifetimeDays: 7 });
      });
    }
  });

  it('a price row whose sku is not in products is refused, naming the row; the file is unchanged', async () => {
    const data = testStoreData() as { prices: unknown[] };
    data.prices.push({ sku: 'Standard_E4s_v5', region: 'eastus', term: 'P1Y', partnerPrice: 900, webDirectPrice: 1000, currency: 'USD' });
    const broken = Buffer.from(JSON.stringify(data, null, 2));
    await writeFile(directoryFile(dataDir), broken);
    const error = await rejectionOf(openIn(), StoreError);
    expect(error.message).to.match(/not a valid store/);
    expect(error.message.split('\n')).to.include('prices[3].sku: Standard_E4s_v5 is not in products');
    expect(await readFile(directoryFile(dataDir))).to.deep.equal(broken);
  });

  describe('conversations (data/jsonConversations.ts, R12)', () => {
    const conversation = (userId: string, id: string, updatedAt: string): Conversation => ({ tenantId: partnerTenant, userId, reference: { conversation: { id } }, updatedAt });

    it('saveConversation replaces the earlier reference of the same person, keeps others, and survives reopening', async () => {
      const store = await openIn(testStoreData());
      await store.conversations.saveConversation(conversation('admin-1', 'first', '2026-11-24T09:00:00.000Z'));
      await store.conversations.saveConversation(conversation('admin-2', 'other', '2026-11-24T09:30:00.000Z'));
      await store.conversations.saveConversation(conversation('admin-1', 'second', '2026-11-24T10:00:00.000Z'));
      expect(store.conversations.conversation(partnerTenant, 'admin-1')).to.deep.equal(conversation('admin-1', 'second', '2026-11-24T10:00:00.000Z'));

      const again = await reopen(store);
      expect(again.conversations.conversation(partnerTenant, 'admin-1')?.reference).to.deep.equal({ conversation: { id: 'second' } });
      expect(again.conversations.conversation(partnerTenant, 'admin-2')?.reference).to.deep.equal({ conversation: { id: 'other' } });
      expect(again.data().conversations.filter((c) => c.userId === 'admin-1')).to.have.length(1);
      expect(again.conversations.conversation(tailspinId, 'admin-1'), 'a person is their tenant and user id together').to.equal(undefined);
    });
  });
});
