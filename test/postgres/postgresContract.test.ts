import { openPostgresStore } from '../../data/postgresStore.ts';
import { describeStoreContract } from '../data/storeContract.ts';
import { createTestDatabase, needsPostgres } from '../helpers/testDatabase.ts';

describe('PostgreSQL store (data/postgresStore.ts)', function () {
  needsPostgres(this);
  describeStoreContract('PostgreSQL', async () => {
    const database = await createTestDatabase();
    const store = await openPostgresStore(database.url, { warn: () => undefined });
    return {
      store,
      async dispose() {
        await store.close().catch(() => undefined);
        await database.drop();
      },
    };
  });
});
