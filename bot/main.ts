import { once } from 'node:events';
import { systemClock } from '../services/clock.ts';
import { deliveryPolicy } from '../services/deliveryWorker.ts';
import { createServices } from '../services/services.ts';
import { openCloud } from './openCloud.ts';
import { startSyncSchedule } from './syncSchedule.ts';
import { readConfig } from './config.ts';
import { openOrSeed } from './openOrSeed.ts';
import { ProactiveMessenger } from './proactiveMessenger.ts';
import { startRepeating } from './repeating.ts';
import { startSweeper } from './sweeper.ts';
import { buildServer } from './server.ts';
import { DevSignIn } from './auth/devSignIn.ts';
import { SignIns } from './auth/signIns.ts';
import { entraIssuer, TokenVerifier } from './auth/tokenVerifier.ts';
import { possessive } from '../services/possessive.ts';

function cannotStart(problem: string): never {
  console.error(`Cannot start: ${problem}`);
  process.exit(1);
}

const config = (() => {
  try {
    return readConfig(process.env);
  } catch (err) {
    return cannotStart((err as Error).message);
  }
})();
const opening = performance.now();
const { store, seeded } = await openOrSeed(config, systemClock, config.cloud?.partnerTenantId).catch((err: Error) => cannotStart(err.message));
const openedInMs = performance.now() - opening;
const cloud = await openCloud(config.cloud, store, systemClock).catch((err: Error) => cannotStart(err.message));
const services = createServices(store, systemClock, new ProactiveMessenger(config.bot), deliveryPolicy, cloud);
const entra = await entraIssuer(config.tokens).catch((err: Error) => cannotStart(err.message));
const devSignIn = config.devSignIn ? await DevSignIn.create(systemClock) : undefined;
const verifier = new TokenVerifier(devSignIn ? [entra, devSignIn.trusted] : [entra], systemClock);
const sso = config.cloud?.singleSignOn;
const signIns = sso?.resource ? new SignIns(verifier, systemClock, { connectionName: sso.connectionName, resource: sso.resource }) : undefined;
const server = buildServer(services, { bot: config.bot, verifier, devSignIn, signIns });
server.listen(config.port, config.host);
await once(server, 'listening').catch((err: NodeJS.ErrnoException) =>
  cannotStart(err.code === 'EADDRINUSE' ? `port ${config.port} on ${config.host} is in use; stop what uses it or set PORT` : err.message),
);

const partner = await services.directory.partner();
console.log(
  `${possessive(partner.name)} reservations bot listening on http://${config.host}:${server.address().port}/api/messages` +
    ` (${(await services.directory.customerNames()).length} customers, ${await services.activity.size()} log entries in ${store.location}, opened in ${Math.round(openedInMs)} ms${seeded ? ', demo world loaded' : ''})`,
);
const sweeper = startSweeper(services);
services.deliveries.start();
// Partner Center mode: in step at start and every few minutes; the embedded world is the store itself.
const syncs = config.cloud && startSyncSchedule(services, config.cloud.syncIntervalMs);
// Approved changes carried out in Azure: taken up when kicked, and found by their deadline every half minute (retries, restarts).
// Not awaited at shutdown: an attempt in flight may poll Azure for minutes; its claim lapses and it is taken up again.
const changes = services.changes && startRepeating(() => services.changes!.runDue(), 30_000, 'carry out approved changes in Azure');
if (config.cloud) console.log(`Partner Center: ${config.cloud.partnerCenterUrl}, Azure: ${config.cloud.resourceManagerUrl}, sign-in: ${config.cloud.authorityHost} (a sync every ${config.cloud.syncIntervalMs / 60_000} min)`);
if (config.cloud && !signIns) console.log('No app id URI (AUTH_AUDIENCE, or MicrosoftAppId with PUBLIC_HOST): agents cannot sign in from chat, so permission changes work only from the dashboard and the HTTP API.');
if (config.localDevelopment) console.log('No MicrosoftAppId: requests are not authenticated. For local development only.');
console.log(`Dashboard: http://${config.host}:${server.address().port}/dashboard${devSignIn ? ' (DEVELOPMENT SIGN-IN ON: anyone can sign in as anyone)' : ''}`);
if (entra.unconfigured) console.log(`HTTP API and dashboard sign-in: ${entra.unconfigured}`);

let stopping = false;
/** Stops taking requests, lets the turns under way finish their writes, then closes the store. */
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing requests under way, then stopping.`);
  const force = setTimeout(() => {
    console.error('Requests still open after 10 s; stopping anyway.');
    process.exit(1);
  }, 10_000);
  force.unref();
  server.close(() => {
    void changes?.stop();
    Promise.all([sweeper.stop(), services.deliveries.stop(), syncs?.stop()])
      .then(() => store.close())
      .then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
  });
  server.server.closeIdleConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
