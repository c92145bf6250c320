import { expect } from 'chai';
import { openPostgresStore } from '../../data/postgresStore.ts';
import { DrawnNumbers } from '../../data/postgresTransaction.ts';
import type { Store } from '../../data/store.ts';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../helpers/testDatabase.ts';
import { contosoId, fabrikamId, order, seedDirectory, tailspinId } from './storeRecords.ts';

describe('PostgreSQL transactions (data/postgresTransaction.ts)', () => {
  describe('DrawnNumbers: an attempt run again takes the numbers the attempts before it drew', () => {
    let drawn: number;
    const draw = async () => String(++drawn);
    beforeEach(() => (drawn = 1000));

    it('the same numbers in the same order, then new ones past them; each table has numbers of its own', async () => {
      const numbers = new DrawnNumbers();
      expect([await numbers.next('orders', draw), await numbers.next('orders', draw)]).to.deep.equal(['1001', '1002']);
      numbers.rewind();
      const again = [await numbers.next('orders', draw), await numbers.next('orders', draw), await numbers.next('orders', draw)];
      expect(again).to.deep.equal(['1001', '1002', '1003']);
      expect(await numbers.next('requests', draw)).to.equal('1004');
    });
  });

  describe('on a database', function () {
    needsPostgres(this);
    let database: TestDatabase;
    let store: Store;
    beforeEach(async () => {
      database = await createTestDatabase();
      store = await openPostgresStore(database.url, { warn: () => undefined });
      await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
    });
    afterEach(async () => {
      await store.close();
      await database.drop();
    });

    it('a transaction run again after a serialization conflict keeps the order number its first attempt drew: no gap', async () => {
      let attempts = 0;
      let arrived = 0;
      let bothRead!: () => void;
      const read = new Promise<void>((resolve) => (bothRead = resolve));
      // Write skew: each reads the customer the other writes, so one of them is rolled back and run again.
      const race = (mine: string, theirs: string) =>
        store.transaction(async (tx) => {
          attempts++;
          const made = await tx.addOrder((id) => order(id, { type: 'Refund' }));
          await tx.customer(theirs);
          if (++arrived === 2) bothRead();
          await read;
          const customer = (await tx.customer(mine))!;
          await tx.saveCustomer({ ...customer, name: `${customer.name} (changed)` });
          return made.id;
        });
      const ids = await Promise.all([race(contosoId, fabrikamId), race(fabrikamId, contosoId)]);
      expect(attempts, 'one of the two was run again').to.equal(3);
      expect(ids.sort()).to.deep.equal(['O-1001', 'O-1002']);
      expect((await store.orders(tailspinId)).map((o) => o.id).sort()).to.deep.equal(['O-1001', 'O-1002']);
    });
  });
});
