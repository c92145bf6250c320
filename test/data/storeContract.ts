import { expect } from 'chai';
import type { Store } from '../../data/store.ts';
import {
  admin,
  admin2,
  buyer,
  contosoId,
  conversation,
  delivery,
  fabrikamId,
  logEntry,
  order,
  partnerTenant,
  pause,
  purchaseOf,
  quote,
  request,
  reservation,
  seedDirectory,
  system,
  tailspinId,
} from './storeRecords.ts';

/** A store under test, empty, and how to get rid of it (close it if still open, delete its data). */
export interface StoreUnderTest {
  store: Store;
  dispose(): Promise<void>;
}

/** The error a promise rejects with; fails if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

/**
 * The Store contract (data/store.ts), for any backend: `makeStore` gives a new, empty store. Every backend
 * must pass all of it.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let under: StoreUnderTest[] = [];
    /** A new empty store, disposed of after the test. */
    const emptyStore = async () => {
      const made = await makeStore();
      under.push(made);
      return made.store;
    };
    /** A new store holding the seed directory. */
    const seededStore = async () => {
      const store = await emptyStore();
      await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
      return store;
    };
    afterEach(async () => {
      await Promise.all(under.map((u) => u.dispose()));
      under = [];
    });

    describe('an empty store and the directory', () => {
      it('has no directory: partner() and settings() reject saying so; the lists are empty', async () => {
        const store = await emptyStore();
        expect(await store.hasDirectory()).to.equal(false);
        expect((await rejection(store.partner())).message).to.match(/no directory/);
        expect((await rejection(store.settings())).message).to.match(/no directory/);
        expect(await store.customerNames()).to.deep.equal([]);
        expect(await store.customer(contosoId)).to.equal(undefined);
        expect(await store.requests()).to.deep.equal([]);
        expect(await store.log.count()).to.equal(0);
      });

      it('a world import (replaceDirectory) gives it a directory, and the default settings', async () => {
        const store = await emptyStore();
        const seen = await store.transaction(async (tx) => {
          await tx.replaceDirectory(seedDirectory());
          return { partner: await tx.partner(), names: await tx.customerNames(), directory: await tx.hasDirectory() };
        });
        expect(seen.directory, 'the transaction sees its own import').to.equal(true);
        expect(seen.partner.name).to.equal('Test Partner');
        expect(seen.names.map((c) => c.id)).to.deep.equal([contosoId, fabrikamId, tailspinId]);
        expect(await store.hasDirectory()).to.equal(true);
        expect(await store.partner()).to.deep.equal(seedDirectory().partner);
        expect(await store.settings()).to.deep.equal({ purchaseNotifications: false, requestLifetimeDays: 7 });
        expect(await store.customerNames()).to.deep.equal([
          { id: contosoId, name: 'Contoso Ltd', domain: 'contoso.example' },
          { id: fabrikamId, name: 'Fabrikam Inc', domain: 'fabrikam.example' },
          { id: tailspinId, name: 'Tailspin Toys', domain: 'tailspin.example' },
        ]);
        expect(await store.products()).to.deep.equal(seedDirectory().products);
        expect(await store.prices()).to.deep.equal(seedDirectory().prices);
      });

      it('customersMatching: an exact id, domain or name in any case first, else a part of a name or domain; a transaction sees its own renames', async () => {
        const store = await seededStore();
        const ids = async (text: string) => (await store.customersMatching(text)).map((c) => c.id);
        expect(await ids('CONTOSO.EXAMPLE'), 'the domain, in another case').to.deep.equal([contosoId]);
        expect(await ids(` ${fabrikamId} `), 'the id').to.deep.equal([fabrikamId]);
        expect(await ids('tailspin toys'), 'the name').to.deep.equal([tailspinId]);
        expect(await ids('.example'), 'a part of every domain, in directory order').to.deep.equal([contosoId, fabrikamId, tailspinId]);
        expect(await ids('o'), 'a part of a name or a domain').to.deep.equal([contosoId, tailspinId]);
        expect(await ids('   '), 'blank').to.deep.equal([]);
        expect(await ids('woodgrove'), 'nobody').to.deep.equal([]);
        const [found] = await store.customersMatching('contoso ltd');
        found!.name = 'Changed in the copy';
        expect((await store.customer(contosoId))!.name, 'a copy').to.equal('Contoso Ltd');
        const inside = await store.transaction(async (tx) => {
          const contoso = (await tx.customer(contosoId))!;
          await tx.saveCustomer({ ...contoso, name: 'Northwind Traders', domain: 'northwind.example' });
          return { renamed: (await tx.customersMatching('northwind')).map((c) => c.id), old: (await tx.customersMatching('contoso')).map((c) => c.id), outside: await ids('northwind') };
        });
        expect(inside).to.deep.equal({ renamed: [contosoId], old: [], outside: [] });
        expect(await ids('NORTHWIND.EXAMPLE')).to.deep.equal([contosoId]);
        expect(await ids('contoso')).to.deep.equal([]);
      });

      it('replaceDirectory replaces the partner, customers, products and prices, and keeps reservations, orders, requests, settings and the log', async () => {
        const store = await seededStore();
        const bought = await store.transaction(async (tx) => {
          await tx.saveSettings({ purchaseNotifications: true, requestLifetimeDays: 3 });
          await tx.addRequest((id) => request(id));
          await tx.log(logEntry());
          return tx.addPurchase(purchaseOf('q-1'));
        });
        const next = seedDirectory();
        next.partner.name = 'Renamed Partner';
        next.customers = next.customers.filter((c) => c.id !== fabrikamId);
        next.prices = next.prices.slice(0, 1);
        await store.transaction((tx) => tx.replaceDirectory(next));
        expect((await store.partner()).name).to.equal('Renamed Partner');
        expect((await store.customerNames()).map((c) => c.id)).to.deep.equal([contosoId, tailspinId]);
        expect(await store.customer(fabrikamId)).to.equal(undefined);
        expect(await store.prices()).to.have.length(1);
        expect(await store.settings()).to.deep.equal({ purchaseNotifications: true, requestLifetimeDays: 3 });
        expect(await store.reservations(tailspinId)).to.deep.equal([bought.reservation]);
        expect(await store.orders(tailspinId)).to.deep.equal([bought.order]);
        expect((await store.requests()).map((r) => r.id)).to.deep.equal(['REQ-1001']);
        expect(await store.log.count()).to.equal(1);
      });

      it('a directory that breaks its rules is refused, and the transaction keeps nothing', async () => {
        const store = await seededStore();
        const broken = seedDirectory();
        broken.customers[1]!.domain = 'CONTOSO.example';
        const error = await rejection(store.transaction((tx) => tx.replaceDirectory(broken)));
        expect(error.message).to.match(/duplicate customer domain/);
        expect((await store.customer(fabrikamId))?.domain).to.equal('fabrikam.example');
      });

      it('saveCustomer, savePrice and saveSettings change one record each; customers(ids) answers in the order asked', async () => {
        const store = await seededStore();
        const contoso = (await store.customer(contosoId))!;
        contoso.purchasePermission = { enabled: true, changedAt: '2026-11-24T10:00:00.000Z', changedBy: 'admin-1' };
        const price = { ...(await store.prices())[1]!, partnerPrice: 1400 };
        await store.transaction(async (tx) => {
          await tx.saveCustomer(contoso);
          await tx.savePrice(price);
          await tx.saveSettings({ purchaseNotifications: true, requestLifetimeDays: 7 });
        });
        expect((await store.customer(contosoId))!.purchasePermission.enabled).to.equal(true);
        expect((await store.customers([tailspinId, 'nobody', contosoId])).map((c) => c.id)).to.deep.equal([tailspinId, contosoId]);
        expect((await store.prices())[1]!.partnerPrice).to.equal(1400);
        expect((await store.customerNames()).map((c) => c.id), 'directory order kept').to.deep.equal([contosoId, fabrikamId, tailspinId]);
        expect((await store.settings()).purchaseNotifications).to.equal(true);
      });

      it('a customer with another customer\'s domain, or a price of a product not in the catalogue, is refused', async () => {
        const store = await seededStore();
        const fabrikam = { ...(await store.customer(fabrikamId))!, domain: 'Contoso.example' };
        expect((await rejection(store.transaction((tx) => tx.saveCustomer(fabrikam)))).message).to.match(/duplicate customer domain/);
        const price = { ...(await store.prices())[0]!, sku: 'Standard_E4s_v5' };
        expect((await rejection(store.transaction((tx) => tx.savePrice(price)))).message).to.match(/not in products/);
      });
    });

    describe('transactions are all or nothing', () => {
      it('a throw after several writes and log entries keeps nothing, logs nothing, and is thrown on; what comes after gets fresh ids', async () => {
        const store = await seededStore();
        const failure = new Error('changed my mind');
        const thrown = await rejection(
          store.transaction(async (tx) => {
            await tx.addPurchase(purchaseOf('q-1'));
            await tx.addRequest((id) => request(id));
            await tx.addDelivery((id) => delivery(id));
            await tx.saveConversation(conversation('admin-1', 'chat-1'));
            await tx.saveQuote(quote('q-1', '2026-11-24T09:00:00.000Z'));
            await tx.saveCustomer({ ...(await tx.customer(contosoId))!, name: 'Contoso Renamed' });
            await tx.saveSettings({ purchaseNotifications: true, requestLifetimeDays: 7 });
            await tx.log(logEntry());
            await tx.log(logEntry({ operation: 'Second' }));
            throw failure;
          }),
        );
        expect(thrown).to.equal(failure);
        expect(await store.reservations(tailspinId)).to.deep.equal([]);
        expect(await store.orders(tailspinId)).to.deep.equal([]);
        expect(await store.orderOfQuote('q-1')).to.equal(undefined);
        expect(await store.requests()).to.deep.equal([]);
        expect(await store.deliveriesAbout('REQ-1001')).to.deep.equal([]);
        expect(await store.conversation(partnerTenant, 'admin-1')).to.equal(undefined);
        expect(await store.quote('q-1')).to.equal(undefined);
        expect((await store.customer(contosoId))!.name).to.equal('Contoso Ltd');
        expect((await store.settings()).purchaseNotifications).to.equal(false);
        expect(await store.log.count()).to.equal(0);
        expect(await store.log.query({ limit: 10 })).to.deep.equal([]);

        const after = await store.transaction(async (tx) => ({
          purchase: await tx.addPurchase(purchaseOf('q-2')),
          request: await tx.addRequest((id) => request(id)),
          delivery: await tx.addDelivery((id) => delivery(id)),
          entry: await tx.log(logEntry()),
        }));
        // Numbers a failed transaction took may be skipped (a database's sequences do not go back), never shared.
        expect(after.purchase.order.id).to.match(/^O-\d{4,}$/);
        expect(after.purchase.reservation.id).to.match(/^R-\d{4,}$/);
        expect(after.request.id).to.match(/^REQ-\d{4,}$/);
        expect((await store.orders(tailspinId)).map((o) => o.id)).to.deep.equal([after.purchase.order.id]);
        expect(await store.log.query({ limit: 10 })).to.deep.equal([after.entry]);
        expect((await store.delivery(after.delivery.id))?.id).to.equal(after.delivery.id);
      });

      it('a record that is not valid is refused: the write rejects, and if not caught nothing of the transaction is kept', async () => {
        const store = await seededStore();
        const error = await rejection(
          store.transaction(async (tx) => {
            await tx.saveConversation(conversation('admin-1', 'chat-1'));
            await tx.saveReservation({ ...reservation('R-9'), quantity: -1 });
          }),
        );
        expect(error.message).to.match(/not a valid reservation/);
        expect(error.message).to.match(/quantity/);
        expect(await store.conversation(partnerTenant, 'admin-1')).to.equal(undefined);
        expect(await store.reservation('R-9')).to.equal(undefined);
      });

      it('a transaction that only reads resolves with what it returns', async () => {
        const store = await seededStore();
        expect(await store.transaction(async (tx) => (await tx.partner()).name)).to.equal('Test Partner');
      });

      it('a transaction used after it ended refuses reads and writes', async () => {
        const store = await seededStore();
        const leaked = await store.transaction(async (tx) => tx);
        await rejection(leaked.partner());
        await rejection(leaked.saveConversation(conversation('admin-1', 'late')));
        expect(await store.conversation(partnerTenant, 'admin-1')).to.equal(undefined);
      });
    });

    describe('copies', () => {
      it('mutating a record read, or one given to save*, changes nothing stored', async () => {
        const store = await seededStore();
        const given = reservation('R-1', { scope: { type: 'Single', subscriptionId: 'sub-1' } });
        const givenConversation = conversation('admin-1', 'chat-1');
        await store.transaction(async (tx) => {
          await tx.saveReservation(given);
          await tx.saveConversation(givenConversation);
          given.quantity = 99;
          (given.scope as { subscriptionId: string }).subscriptionId = 'changed in the transaction';
          const read = (await tx.reservation('R-1'))!;
          read.quantity = 98;
          expect((await tx.reservation('R-1'))!.quantity, 'a read in the transaction is a copy too').to.equal(2);
        });
        given.boughtBy.name = 'changed after commit';
        (givenConversation.reference as { conversation: { id: string } }).conversation.id = 'changed';
        const read = (await store.reservation('R-1'))!;
        expect(read).to.deep.equal(reservation('R-1', { scope: { type: 'Single', subscriptionId: 'sub-1' } }));
        read.quantity = 7;
        (await store.reservations(tailspinId))[0]!.quantity = 8;
        const customer = (await store.customer(contosoId))!;
        customer.users.push({ userId: 'intruder', name: 'Intruder' });
        (await store.partner()).agents.length = 0;
        (await store.settings()).purchaseNotifications = true;
        (await store.prices())[0]!.partnerPrice = 1;
        expect((await store.reservation('R-1'))!.quantity).to.equal(2);
        expect((await store.customer(contosoId))!.users.map((u) => u.userId)).to.deep.equal([`${contosoId}-owner`]);
        expect((await store.partner()).agents).to.have.length(3);
        expect((await store.settings()).purchaseNotifications).to.equal(false);
        expect((await store.prices())[0]!.partnerPrice).to.equal(600);
        expect((await store.conversation(partnerTenant, 'admin-1'))!.reference).to.deep.equal({ conversation: { id: 'chat-1' } });
        // The list of names may be a copy, or frozen (handed out to every reader): changing it changes nothing stored either way.
        const names = await store.customerNames();
        try {
          names[0]!.name = 'Renamed in the list';
          names.length = 0;
        } catch (err) {
          expect(err).to.be.instanceOf(TypeError);
        }
        expect((await store.customerNames()).map((c) => c.name)).to.deep.equal(['Contoso Ltd', 'Fabrikam Inc', 'Tailspin Toys']);
        expect((await store.customer(contosoId))!.name).to.equal('Contoso Ltd');
      });

      it('what add* returns and what a log entry returns are copies too', async () => {
        const store = await seededStore();
        const made = await store.transaction(async (tx) => {
          const purchase = await tx.addPurchase(purchaseOf('q-1'));
          purchase.order.amount = 1;
          const entry = await tx.log(logEntry());
          entry.operation = 'changed';
          return purchase;
        });
        made.reservation.quantity = 50;
        expect((await store.orderOfQuote('q-1'))!.amount).to.equal(1200);
        expect((await store.reservation(made.reservation.id))!.quantity).to.equal(2);
        expect((await store.log.query({ limit: 1 }))[0]!.operation).to.equal('Update Customer Purchase Permissions');
      });
    });

    describe('isolation', () => {
      it("a transaction's writes are seen by its own reads, and by nobody else until it commits, also while it awaits", async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.saveReservation(reservation('R-1', { autoRenew: true, expiresOn: '2026-12-01' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-1' }));
        });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let inside!: Promise<void>;
        const seenInside = new Promise<Record<string, unknown>>((resolve) => {
          inside = store.transaction(async (tx) => {
            const bought = await tx.addPurchase(purchaseOf('q-1', { customerId: contosoId }));
            await tx.saveRequest({ ...(await tx.request('REQ-1001'))!, state: 'Approved', closedBy: admin, closedAt: '2026-11-24T10:00:00.000Z' });
            await tx.saveReservation({ ...(await tx.reservation('R-1'))!, renewedBy: 'R-9' });
            await tx.saveConversation(conversation('admin-1', 'chat-1'));
            await tx.saveCustomer({ ...(await tx.customer(contosoId))!, name: 'Contoso Renamed' });
            await tx.log(logEntry());
            resolve({
              bought: bought.reservation.id,
              order: await tx.orderOfQuote('q-1'),
              reservations: (await tx.reservations(contosoId)).map((r) => r.id),
              reservation: (await tx.reservation(bought.reservation.id))?.id,
              pending: await tx.pendingRequest('R-1'),
              expiries: (await tx.due.expiries('2030-01-01T00:00:00.000Z', 10)).map((r) => r.id),
              renewals: (await tx.due.renewals('2030-01-01', 10)).map((r) => r.id),
              name: (await tx.customer(contosoId))!.name,
              names: (await tx.customerNames()).find((c) => c.id === contosoId)!.name,
              conversation: (await tx.conversation(partnerTenant, 'admin-1'))?.reference,
            });
            await gate;
          });
        });
        const seen = await seenInside;
        const bought = seen.bought as string;
        expect(seen.order).to.include({ quoteId: 'q-1', customerId: contosoId });
        expect(seen.reservations).to.deep.equal([bought]);
        expect(seen.reservation).to.equal(bought);
        expect(seen.pending).to.equal(undefined);
        expect(seen.expiries).to.deep.equal([]);
        expect(seen.renewals).to.deep.equal([]);
        expect([seen.name, seen.names]).to.deep.equal(['Contoso Renamed', 'Contoso Renamed']);
        expect(seen.conversation).to.deep.equal({ conversation: { id: 'chat-1' } });

        // Outside, while the transaction awaits: the committed state only.
        expect(await store.orderOfQuote('q-1')).to.equal(undefined);
        expect(await store.reservations(contosoId)).to.deep.equal([]);
        expect((await store.pendingRequest('R-1'))?.id).to.equal('REQ-1001');
        expect((await store.due.expiries('2030-01-01T00:00:00.000Z', 10)).map((r) => r.id)).to.deep.equal(['REQ-1001']);
        expect((await store.due.renewals('2030-01-01', 10)).map((r) => r.id)).to.deep.equal(['R-1']);
        expect((await store.customer(contosoId))!.name).to.equal('Contoso Ltd');
        expect(await store.conversation(partnerTenant, 'admin-1')).to.equal(undefined);
        expect(await store.log.count()).to.equal(0);

        release();
        await inside;
        expect((await store.orderOfQuote('q-1'))?.reservationId).to.equal(bought);
        expect((await store.reservations(contosoId)).map((r) => r.id)).to.deep.equal([bought]);
        expect(await store.pendingRequest('R-1')).to.equal(undefined);
        expect(await store.due.expiries('2030-01-01T00:00:00.000Z', 10)).to.deep.equal([]);
        expect(await store.due.renewals('2030-01-01', 10)).to.deep.equal([]);
        expect((await store.customer(contosoId))!.name).to.equal('Contoso Renamed');
        expect(await store.log.count()).to.equal(1);
      });

      it('a list read in a transaction has the committed records first, then its new ones, its changes in place', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.saveReservation(reservation('R-1'));
          await tx.saveReservation(reservation('R-2'));
        });
        await store.transaction(async (tx) => {
          await tx.saveReservation(reservation('R-3'));
          await tx.saveReservation(reservation('R-1', { quantity: 5 }));
          const listed = await tx.reservations(tailspinId);
          expect(listed.map((r) => [r.id, r.quantity])).to.deep.equal([['R-1', 5], ['R-2', 2], ['R-3', 2]]);
        });
        expect((await store.reservations(tailspinId)).map((r) => [r.id, r.quantity])).to.deep.equal([['R-1', 5], ['R-2', 2], ['R-3', 2]]);
      });
    });

    describe('transactions racing, each with an await between its read and its write', () => {
      const racers = 10;

      it('a pending request is decided exactly once', async () => {
        const store = await seededStore();
        await store.transaction((tx) => tx.addRequest((id) => request(id)));
        const outcomes = await Promise.all(
          Array.from({ length: racers }, (_, i) =>
            store.transaction(async (tx) => {
              const pending = await tx.request('REQ-1001');
              await pause(5);
              if (pending?.state !== 'Pending') return 'too late';
              const by = { ...(i % 2 ? admin : admin2), name: `Admin ${i}` };
              await tx.saveRequest({ ...pending, state: 'Approved', closedBy: by, closedAt: '2026-11-24T10:00:00.000Z' });
              await tx.log(logEntry({ operation: 'Approve Change Request', target: 'REQ-1001', actor: by }));
              return `decided by ${i}`;
            }),
          ),
        );
        const decided = outcomes.filter((o) => o.startsWith('decided'));
        expect(decided).to.have.length(1);
        expect((await store.request('REQ-1001'))!.closedBy!.name).to.equal(`Admin ${decided[0]!.slice('decided by '.length)}`);
        expect(await store.log.query({ limit: 100, operations: ['Approve Change Request'] })).to.have.length(1);
      });

      it('a quote is bought once: one order, and every buyer gets it', async () => {
        const store = await seededStore();
        const bought = await Promise.all(
          Array.from({ length: racers }, () =>
            store.transaction(async (tx) => {
              const earlier = await tx.orderOfQuote('q-1');
              await pause(5);
              if (earlier) return earlier;
              const { order: made } = await tx.addPurchase(purchaseOf('q-1'));
              await tx.log(logEntry({ operation: 'Create Order', target: made.id }));
              return made;
            }),
          ),
        );
        expect(new Set(bought.map((o) => o.id))).to.deep.equal(new Set(['O-1001']));
        expect(await store.orders(tailspinId)).to.have.length(1);
        expect(await store.reservations(tailspinId)).to.have.length(1);
        expect(await store.log.count()).to.equal(1);
      });

      it('refunds never go over their cap: the sum is checked before each is added', async () => {
        const store = await seededStore();
        const cap = 1000;
        const refund = 300;
        const added = await Promise.all(
          Array.from({ length: racers }, () =>
            store.transaction(async (tx) => {
              const refunded = (await tx.orders(tailspinId)).filter((o) => o.type === 'Refund').reduce((sum, o) => sum + o.amount, 0);
              await pause(5);
              if (refunded + refund > cap) return false;
              await tx.addOrder((id) => order(id, { type: 'Refund', amount: refund }));
              return true;
            }),
          ),
        );
        expect(added.filter(Boolean)).to.have.length(3);
        const refunds = (await store.orders(tailspinId)).filter((o) => o.type === 'Refund');
        expect(new Set(refunds.map((o) => o.id)).size).to.equal(3);
        expect(refunds.reduce((sum, o) => sum + o.amount, 0)).to.equal(900);
      });

      it('transactions started together all commit, and their ids never collide', async () => {
        const store = await seededStore();
        const made = await Promise.all(
          Array.from({ length: racers }, (_, i) =>
            store.transaction(async (tx) => {
              await pause(i % 3);
              return tx.addRequest((id) => request(id, { reservationId: `R-${i}` }));
            }),
          ),
        );
        expect(new Set(made.map((r) => r.id)).size).to.equal(racers);
        expect((await store.requests()).map((r) => r.id).sort()).to.deep.equal(made.map((r) => r.id).sort());
      });
    });

    describe('records and their reads', () => {
      it('ids are numbered in order: O-1001/R-1001 then O-1002/R-1002, REQ-1001, and deliveries get ids of their own', async () => {
        const store = await seededStore();
        const first = await store.transaction((tx) => tx.addPurchase(purchaseOf('q-1')));
        const second = await store.transaction((tx) => tx.addPurchase(purchaseOf('q-2')));
        expect([first.order.id, first.reservation.id, first.reservation.orderId, first.order.reservationId]).to.deep.equal(['O-1001', 'R-1001', 'O-1001', 'R-1001']);
        expect([second.order.id, second.reservation.id]).to.deep.equal(['O-1002', 'R-1002']);
        const refund = await store.transaction((tx) => tx.addOrder((id) => order(id, { type: 'Refund' })));
        expect(refund.id).to.equal('O-1003');
        const deliveries = await store.transaction(async (tx) => [await tx.addDelivery((id) => delivery(id)), await tx.addDelivery((id) => delivery(id))]);
        expect(new Set(deliveries.map((d) => d.id)).size).to.equal(2);
        expect(await store.deliveriesAbout('REQ-1001')).to.deep.equal(deliveries);
      });

      it('a record made for a fresh id must carry it', async () => {
        const store = await seededStore();
        const error = await rejection(store.transaction((tx) => tx.addOrder(() => order('O-42'))));
        expect(error.message).to.match(/O-1001/);
      });

      it('reservations, orders and requests by customer, in the order added; requests() lists all', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.addPurchase(purchaseOf('q-1'));
          await tx.addPurchase(purchaseOf('q-2', { customerId: contosoId }));
          await tx.addPurchase(purchaseOf('q-3'));
          await tx.addRequest((id) => request(id, { customerId: contosoId }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-1003' }));
        });
        expect((await store.reservations(tailspinId)).map((r) => r.id)).to.deep.equal(['R-1001', 'R-1003']);
        expect((await store.orders(contosoId)).map((o) => o.id)).to.deep.equal(['O-1002']);
        expect((await store.orderOfQuote('q-3'))?.id).to.equal('O-1003');
        expect((await store.requests(tailspinId)).map((r) => r.id)).to.deep.equal(['REQ-1002']);
        expect((await store.requests()).map((r) => r.id)).to.deep.equal(['REQ-1001', 'REQ-1002']);
        expect(await store.reservations(fabrikamId)).to.deep.equal([]);
      });

      it('the pending request of a reservation, until it is decided', async () => {
        const store = await seededStore();
        await store.transaction((tx) => tx.addRequest((id) => request(id, { reservationId: 'R-7' })));
        expect((await store.pendingRequest('R-7'))?.id).to.equal('REQ-1001');
        expect(await store.pendingRequest('R-8')).to.equal(undefined);
        await store.transaction(async (tx) => tx.saveRequest({ ...(await tx.request('REQ-1001'))!, state: 'Withdrawn', closedBy: buyer, closedAt: '2026-11-24T10:00:00.000Z' }));
        expect(await store.pendingRequest('R-7')).to.equal(undefined);
        expect((await store.request('REQ-1001'))!.state).to.equal('Withdrawn');
      });

      it('quotes: kept, listed by who prepared them oldest first, deleted', async () => {
        const store = await seededStore();
        const other = { tenantId: tailspinId, userId: 'someone-else' };
        await store.transaction(async (tx) => {
          await tx.saveQuote(quote('q-late', '2026-11-24T10:00:00.000Z'));
          await tx.saveQuote(quote('q-early', '2026-11-24T08:00:00.000Z'));
          await tx.saveQuote(quote('q-other', '2026-11-24T09:00:00.000Z', other));
        });
        expect((await store.quotesBy(tailspinId, 'tailspin-owner')).map((q) => q.id)).to.deep.equal(['q-early', 'q-late']);
        expect((await store.quotesBy(tailspinId, 'someone-else')).map((q) => q.id)).to.deep.equal(['q-other']);
        await store.transaction((tx) => tx.deleteQuote('q-early'));
        expect(await store.quote('q-early')).to.equal(undefined);
        expect((await store.quotesBy(tailspinId, 'tailspin-owner')).map((q) => q.id)).to.deep.equal(['q-late']);
        await store.transaction(async (tx) => {
          await tx.saveQuote(quote('q-new', '2026-11-24T11:00:00.000Z'));
          await tx.deleteQuote('q-new');
          await tx.deleteQuote('q-never');
        });
        expect(await store.quote('q-new')).to.equal(undefined);
      });

      it('conversations: one per person (tenant and user together), the newest replacing the earlier', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.saveConversation(conversation('admin-1', 'first'));
          await tx.saveConversation(conversation('admin-2', 'other'));
        });
        await store.transaction((tx) => tx.saveConversation(conversation('admin-1', 'second')));
        expect((await store.conversation(partnerTenant, 'admin-1'))?.reference).to.deep.equal({ conversation: { id: 'second' } });
        expect((await store.conversation(partnerTenant, 'admin-2'))?.reference).to.deep.equal({ conversation: { id: 'other' } });
        expect(await store.conversation(tailspinId, 'admin-1')).to.equal(undefined);
      });

      it('deliveries: saved, read back, listed by the request they are about', async () => {
        const store = await seededStore();
        const made = await store.transaction((tx) => tx.addDelivery((id) => delivery(id, { message: { kind: 'requestCard', requestId: 'REQ-7', audience: 'approver', news: 'new' } })));
        await store.transaction((tx) => tx.saveDelivery({ ...made, state: 'Sent', attempts: 1, doneAt: '2026-11-24T09:01:00.000Z' }));
        expect((await store.delivery(made.id))?.state).to.equal('Sent');
        expect((await store.deliveriesAbout('REQ-7')).map((d) => d.id)).to.deep.equal([made.id]);
        expect(await store.deliveriesAbout('REQ-8')).to.deep.equal([]);
      });
    });

    describe('the log', () => {
      const at = (minute: number) => `2026-11-24T09:${String(minute).padStart(2, '0')}:00.000Z`;
      /** Six entries, one transaction each: customers, operations and actors vary; entry n is at minute n. */
      async function logged(store: Store) {
        const plan = [
          { customerId: tailspinId, operation: 'Create Order', actor: buyer },
          { customerId: contosoId, operation: 'Update Customer Purchase Permissions', actor: admin },
          { customerId: tailspinId, operation: 'Approve Change Request', actor: admin2 },
          { customerId: undefined, operation: 'Import World', actor: system },
          { customerId: fabrikamId, operation: 'Update Customer Purchase Permissions', actor: admin },
          { customerId: tailspinId, operation: 'Create Order', actor: buyer },
        ];
        for (const [i, p] of plan.entries()) {
          await store.transaction(async (tx) => {
            const entry = logEntry({ at: at(i + 1), operation: p.operation, actor: p.actor, target: `entry ${i + 1}` });
            if (p.customerId) entry.customerId = p.customerId;
            else delete entry.customerId;
            return tx.log(entry);
          });
        }
      }
      const targets = (entries: { target?: string }[]) => entries.map((e) => e.target);

      it('entries commit with their transaction, numbered one after the other, and are read newest first', async () => {
        const store = await seededStore();
        const entries = await store.transaction(async (tx) => [await tx.log(logEntry({ target: 'a' })), await tx.log(logEntry({ target: 'b' }))]);
        expect(entries.map((e) => e.seq)).to.deep.equal([1, 2]);
        const third = await store.transaction((tx) => tx.log(logEntry({ target: 'c' })));
        expect(third.seq).to.equal(3);
        expect(await store.log.count()).to.equal(3);
        const read = await store.log.query({ limit: 10 });
        expect(read.map((e) => [e.seq, e.target])).to.deep.equal([[3, 'c'], [2, 'b'], [1, 'a']]);
        expect(read[1]).to.deep.equal(entries[1]);
      });

      it('each filter: customers, operations, actor, from (inclusive) and to (exclusive), limit', async () => {
        const store = await seededStore();
        await logged(store);
        expect(targets(await store.log.query({ limit: 10, customerIds: [tailspinId] }))).to.deep.equal(['entry 6', 'entry 3', 'entry 1']);
        expect(targets(await store.log.query({ limit: 10, customerIds: [contosoId, fabrikamId] }))).to.deep.equal(['entry 5', 'entry 2']);
        expect(await store.log.query({ limit: 10, customerIds: [] }), 'an empty list matches nothing').to.deep.equal([]);
        expect(targets(await store.log.query({ limit: 10, operations: ['Create Order', 'Import World'] }))).to.deep.equal(['entry 6', 'entry 4', 'entry 1']);
        expect(targets(await store.log.query({ limit: 10, actorId: 'admin-1' }))).to.deep.equal(['entry 5', 'entry 2']);
        expect(targets(await store.log.query({ limit: 10, actorId: 'system' }))).to.deep.equal(['entry 4']);
        expect(targets(await store.log.query({ limit: 10, from: at(2), to: at(5) }))).to.deep.equal(['entry 4', 'entry 3', 'entry 2']);
        expect(targets(await store.log.query({ limit: 2 }))).to.deep.equal(['entry 6', 'entry 5']);
        expect(targets(await store.log.query({ limit: 10, customerIds: [tailspinId], operations: ['Create Order'], from: at(2) }))).to.deep.equal(['entry 6']);
      });

      it('pages with beforeSeq: each page starts where the previous ended', async () => {
        const store = await seededStore();
        await logged(store);
        const first = await store.log.query({ limit: 4 });
        expect(first.map((e) => e.seq)).to.deep.equal([6, 5, 4, 3]);
        const second = await store.log.query({ limit: 4, beforeSeq: first[first.length - 1]!.seq });
        expect(second.map((e) => e.seq)).to.deep.equal([2, 1]);
        expect(await store.log.query({ limit: 4, beforeSeq: 1 })).to.deep.equal([]);
        expect(targets(await store.log.query({ limit: 1, beforeSeq: 6, customerIds: [tailspinId] }))).to.deep.equal(['entry 3']);
      });
    });

    describe('due work, found by deadline', () => {
      it('expiries: pending requests whose expiry is at or before now, earliest first, at most limit', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.addRequest((id) => request(id, { reservationId: 'R-2001', expiresAt: '2026-12-01T09:00:00.000Z' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2002', expiresAt: '2026-11-30T09:00:00.000Z' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2003', expiresAt: '2026-11-29T09:00:00.000Z', state: 'Rejected', closedBy: admin, closedAt: '2026-11-25T09:00:00.000Z' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2004', expiresAt: '2026-12-02T09:00:00.000Z' }));
        });
        const ids = async (now: string, limit = 10) => (await store.due.expiries(now, limit)).map((r) => r.id);
        expect(await ids('2026-11-30T08:59:59.999Z')).to.deep.equal([]);
        expect(await ids('2026-11-30T09:00:00.000Z'), 'at the deadline').to.deep.equal(['REQ-1002']);
        expect(await ids('2026-12-01T09:00:00.001Z')).to.deep.equal(['REQ-1002', 'REQ-1001']);
        expect(await ids('2027-01-01T00:00:00.000Z')).to.deep.equal(['REQ-1002', 'REQ-1001', 'REQ-1004']);
        expect(await ids('2027-01-01T00:00:00.000Z', 2)).to.deep.equal(['REQ-1002', 'REQ-1001']);
        expect(await ids('2027-01-01T00:00:00.000Z', 0)).to.deep.equal([]);
      });

      it('reminders: pending requests not yet reminded, at half time (between asked and expiry)', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          // Half time of 24 Nov 09:00 → 1 Dec 09:00 is 27 Nov 21:00.
          await tx.addRequest((id) => request(id, { reservationId: 'R-2005' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2006', reminderSentAt: '2026-11-27T21:00:00.000Z' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2007', requestedAt: '2026-11-25T09:00:00.000Z', expiresAt: '2026-11-27T09:00:00.000Z' }));
          await tx.addRequest((id) => request(id, { reservationId: 'R-2008', state: 'Withdrawn', closedBy: buyer, closedAt: '2026-11-24T10:00:00.000Z' }));
        });
        const ids = async (now: string, limit = 10) => (await store.due.reminders(now, limit)).map((r) => r.id);
        expect(await ids('2026-11-26T08:59:59.999Z')).to.deep.equal([]);
        expect(await ids('2026-11-26T09:00:00.000Z')).to.deep.equal(['REQ-1003']);
        expect(await ids('2026-11-27T20:59:59.999Z')).to.deep.equal(['REQ-1003']);
        expect(await ids('2026-11-27T21:00:00.000Z')).to.deep.equal(['REQ-1003', 'REQ-1001']);
        expect(await ids('2026-11-27T21:00:00.000Z', 1)).to.deep.equal(['REQ-1003']);
        await store.transaction(async (tx) => tx.saveRequest({ ...(await tx.request('REQ-1003'))!, reminderSentAt: '2026-11-26T09:00:00.000Z' }));
        expect(await ids('2027-01-01T00:00:00.000Z')).to.deep.equal(['REQ-1001']);
      });

      it('renewals (R17): active, auto-renewing, not yet renewed reservations due on or before the day: 30 days before expiry until a renewal price is locked, then on expiry', async () => {
        const store = await seededStore();
        const locked = { unitPrice: 600, currency: 'USD', lockedOn: '2027-10-25' };
        await store.transaction(async (tx) => {
          await tx.saveReservation(reservation('R-1', { autoRenew: true, expiresOn: '2027-11-24', renewalPrice: locked }));
          await tx.saveReservation(reservation('R-2', { autoRenew: true, expiresOn: '2027-11-23', renewalPrice: locked }));
          await tx.saveReservation(reservation('R-3', { autoRenew: false, expiresOn: '2027-11-01' }));
          await tx.saveReservation(reservation('R-4', { autoRenew: true, expiresOn: '2027-11-01', renewedBy: 'R-9' }));
          await tx.saveReservation(reservation('R-5', { autoRenew: true, expiresOn: '2027-11-01', status: 'Cancelled', endedOn: '2027-01-01' }));
          await tx.saveReservation(reservation('R-6', { autoRenew: true, expiresOn: '2027-11-25', renewalPrice: locked }));
          // No price locked yet: due on 2027-12-02, 30 days before its expiry on 2028-01-01.
          await tx.saveReservation(reservation('R-7', { autoRenew: true, expiresOn: '2028-01-01' }));
        });
        const ids = async (day: string, limit = 10) => (await store.due.renewals(day, limit)).map((r) => r.id);
        expect(await ids('2027-11-22')).to.deep.equal([]);
        expect(await ids('2027-11-23')).to.deep.equal(['R-2']);
        expect(await ids('2027-11-24')).to.deep.equal(['R-2', 'R-1']);
        expect(await ids('2027-12-01')).to.deep.equal(['R-2', 'R-1', 'R-6']);
        expect(await ids('2027-12-02')).to.deep.equal(['R-2', 'R-1', 'R-6', 'R-7']);
        expect(await ids('2028-01-01', 2)).to.deep.equal(['R-2', 'R-1']);
        await store.transaction(async (tx) => tx.saveReservation({ ...(await tx.reservation('R-2'))!, renewedBy: 'R-10' }));
        expect(await ids('2028-01-01')).to.deep.equal(['R-1', 'R-6', 'R-7']);
        // Once its price is locked, R-7 falls due on its expiry day instead.
        await store.transaction(async (tx) => tx.saveReservation({ ...(await tx.reservation('R-7'))!, renewalPrice: { ...locked, lockedOn: '2027-12-02' } }));
        expect(await ids('2027-12-31')).to.deep.equal(['R-1', 'R-6']);
        expect(await ids('2028-01-01')).to.deep.equal(['R-1', 'R-6', 'R-7']);
      });

      it('staleQuotes: quotes prepared before the time (one at it is not)', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.saveQuote(quote('q-edge', '2026-11-23T09:00:00.000Z'));
          await tx.saveQuote(quote('q-old', '2026-11-23T08:59:59.999Z'));
          await tx.saveQuote(quote('q-new', '2026-11-24T09:00:00.000Z'));
        });
        const ids = async (before: string, limit = 10) => (await store.due.staleQuotes(before, limit)).map((q) => q.id);
        expect(await ids('2026-11-23T08:59:59.999Z')).to.deep.equal([]);
        expect(await ids('2026-11-23T09:00:00.000Z')).to.deep.equal(['q-old']);
        expect(await ids('2026-11-23T09:00:00.001Z')).to.deep.equal(['q-old', 'q-edge']);
        expect(await ids('2027-01-01T00:00:00.000Z', 2)).to.deep.equal(['q-old', 'q-edge']);
        await store.transaction((tx) => tx.deleteQuote('q-old'));
        expect(await ids('2027-01-01T00:00:00.000Z')).to.deep.equal(['q-edge', 'q-new']);
      });

      it('deliveries: pending ones whose next attempt is at or before now', async () => {
        const store = await seededStore();
        await store.transaction(async (tx) => {
          await tx.addDelivery((id) => delivery(id, { nextAttemptAt: '2026-11-24T09:05:00.000Z' }));
          await tx.addDelivery((id) => delivery(id, { nextAttemptAt: '2026-11-24T09:01:00.000Z' }));
          await tx.addDelivery((id) => delivery(id, { nextAttemptAt: '2026-11-24T09:00:00.000Z', state: 'Sent', doneAt: '2026-11-24T09:00:00.000Z' }));
        });
        const [later, sooner] = await store.transaction(async (tx) => [(await tx.delivery((await tx.deliveriesAbout('REQ-1001'))[0]!.id))!, (await tx.deliveriesAbout('REQ-1001'))[1]!]);
        const ids = async (now: string, limit = 10) => (await store.due.deliveries(now, limit)).map((d) => d.id);
        expect(await ids('2026-11-24T09:00:59.999Z')).to.deep.equal([]);
        expect(await ids('2026-11-24T09:01:00.000Z')).to.deep.equal([sooner!.id]);
        expect(await ids('2026-11-24T09:05:00.000Z')).to.deep.equal([sooner!.id, later!.id]);
        expect(await ids('2026-11-24T09:05:00.000Z', 1)).to.deep.equal([sooner!.id]);
        await store.transaction((tx) => tx.saveDelivery({ ...sooner!, attempts: 1, nextAttemptAt: '2026-11-24T09:10:00.000Z', lastError: 'busy' }));
        expect(await ids('2026-11-24T09:05:00.000Z')).to.deep.equal([later!.id]);
      });
    });

    it('after close, every call rejects', async () => {
      const store = await seededStore();
      await store.close();
      await rejection(store.partner());
      await rejection(store.reservations(tailspinId));
      await rejection(store.due.expiries('2026-11-24T09:00:00.000Z', 1));
      await rejection(store.log.query({ limit: 1 }));
      await rejection(store.log.count());
      await rejection(store.hasDirectory());
      await rejection(store.transaction(async () => undefined));
    });

    it('close waits for the transactions under way, which commit', async () => {
      const store = await seededStore();
      const running = store.transaction(async (tx) => {
        await pause(20);
        await tx.saveConversation(conversation('admin-1', 'late'));
        return tx.log(logEntry());
      });
      await pause(1);
      await store.close();
      expect((await running).seq).to.equal(1);
    });
  });
}
