/**
 * A process to be killed (test/data/embeddedStore.test.ts): opens the store in argv[2] with a snapshot every
 * argv[5] transactions, prints `ready`, then commits transactions k = argv[3], argv[3] + 1, … (argv[4] of them),
 * each saving the conversation of user `u-<k>` and logging one entry whose target is `u-<k>`, and prints
 * `acked <k>` once each resolves. Then it waits to be killed.
 */
import { openStore } from '../../data/embeddedStore.ts';
import { admin } from './storeRecords.ts';

const [dataDir, first, count, snapshotTransactions] = process.argv.slice(2);
const store = await openStore(dataDir!, {
  warn: (message) => process.stderr.write(`${message}\n`),
  snapshotTransactions: Number(snapshotTransactions),
});
process.stdout.write('ready\n');
const at = new Date().toISOString();
for (let k = Number(first); k < Number(first) + Number(count); k++) {
  await store.transaction(async (tx) => {
    await tx.saveConversation({ tenantId: 'crash-tenant', userId: `u-${k}`, reference: { k }, updatedAt: at });
    await tx.log({ at, actor: admin, operation: 'Crash Test', target: `u-${k}`, outcome: 'Succeeded' });
  });
  process.stdout.write(`acked ${k}\n`);
}
process.stdout.write('done\n');
setInterval(() => undefined, 60_000);
