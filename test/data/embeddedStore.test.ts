import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../data/embeddedStore.ts';
import { describeStoreContract } from './storeContract.ts';

describeStoreContract('embedded (data/embeddedStore.ts)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'csp-bot-store-'));
  const store = await openStore(dataDir, { warn: () => undefined });
  return {
    store,
    async dispose() {
      await store.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
