import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { openOrSeed } from '../../bot/openOrSeed.ts';
import { migrate, migrationsDir } from '../../data/migrate.ts';
import { openPostgresStore } from '../../data/postgresStore.ts';
import type { Reservation } from '../../data/schemas.ts';
import type { Store } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { Operation } from '../../services/operations.ts';
import { contosoId, logEntry, reservation, seedDirectory, tailspinId } from '../data/storeRecords.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { demoPeople } from '../helpers/demoPeople.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { shownText } from '../helpers/shown.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy.ts';
import { issuerOf, testAudience } from '../helpers/testTokens.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../helpers/testDatabase.ts';

/** `url` with its host and port changed to the proxy's. */
function through(proxy: TcpProxy, url: string): string {
  const u = new URL(url);
  u.host = `127.0.0.1:${proxy.port}`;
  return u.toString();
}

describe('PostgreSQL in operation: migrations, the append-only log, lost connections, timeouts', function () {
  needsPostgres(this);
  this.timeout(60_000);
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function database(options?: { empty?: boolean }): Promise<TestDatabase> {
    const db = await createTestDatabase(options);
    cleanups.push(() => db.drop());
    return db;
  }

  async function open(url: string, options: Parameters<typeof openPostgresStore>[1] = {}): Promise<Store> {
    const store = await openPostgresStore(url, { warn: () => undefined, ...options });
    cleanups.push(() => store.close());
    return store;
  }

  async function client(url: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    await c.connect();
    cleanups.push(() => c.end());
    return c;
  }

  it('instances starting together on an empty database queue on the migrations, and only one loads the demo world', async () => {
    const db = await database({ empty: true });
    const opened = await Promise.all([1, 2, 3].map(() => openOrSeed({ dataDir: 'unused', database: { url: db.url, options: {} } }, fixedClock())));
    for (const { store } of opened) cleanups.push(() => store.close());
    expect(opened.filter((o) => o.seeded)).to.have.length(1);
    const store = opened[0]!.store;
    expect(await store.log.query({ operations: [Operation.LoadPartnerDirectory], limit: 10 })).to.have.length(1);
    const sql = await client(db.url);
    expect((await sql.query('SELECT name FROM pgmigrations')).rows.map((r) => r.name)).to.deep.equal(['001_store', '002_renewal_lock', '003_request_execution']);
  });

  it("R17: migration 002 moves an auto-renewing reservation's renewal deadline to 30 days before its expiry (the day its price is locked), whatever the session's time zone", async () => {
    const db = await database({ empty: true });
    const sql = await client(db.url);
    // node-pg-migrate keeps when each migration ran in the session's local time: both run in this one.
    await sql.query("SET TIME ZONE 'America/New_York'");
    await runner({ dbClient: sql, dir: migrationsDir, direction: 'up', count: 1, migrationsTable: 'pgmigrations', checkOrder: true, singleTransaction: true, log: () => undefined });
    // Rows as the bot wrote them before 002: due on the expiry day.
    const rows: [string, boolean, string | null, Partial<Reservation>][] = [
      ['R-1', true, '2027-03-31T00:00:00Z', { autoRenew: true, expiresOn: '2027-03-31' }],
      ['R-2', false, null, { autoRenew: false, expiresOn: '2027-03-31' }],
      ['R-3', true, '2027-04-15T00:00:00Z', { autoRenew: true, expiresOn: '2027-04-15', renewalPrice: { unitPrice: 600, currency: 'USD', lockedOn: '2027-03-16' } }],
    ];
    for (const [id, autoRenew, renewAt, change] of rows) {
      const record = reservation(id, change);
      await sql.query('INSERT INTO reservations (id, customer_id, order_id, status, expires_on, auto_renew, renew_at, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [id, record.customerId, record.orderId, 'Active', record.expiresOn, autoRenew, renewAt, JSON.stringify(record)]);
    }
    expect(await migrate(sql)).to.deep.equal(['002_renewal_lock', '003_request_execution']);
    const due = (await sql.query("SELECT id, to_char(renew_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at FROM reservations ORDER BY id")).rows;
    // 2027-03-31 − 30 days = 2027-03-01, at UTC midnight although New York moves its clocks on 2027-03-14 in between;
    // R-3's price is locked, so it stays due on its expiry day.
    expect(due).to.deep.equal([
      { id: 'R-1', at: '2027-03-01 00:00:00' },
      { id: 'R-2', at: null },
      { id: 'R-3', at: '2027-04-15 00:00:00' },
    ]);
    const store = await open(db.url);
    expect((await store.due.renewals('2027-02-28', 10)).map((r) => r.id)).to.deep.equal([]);
    expect((await store.due.renewals('2027-03-01', 10)).map((r) => r.id)).to.deep.equal(['R-1']);
  });

  it('R18: the activity log is append-only in the database: the bot\'s role may not change it, and a trigger refuses whoever may', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.transaction(async (tx) => {
      await tx.replaceDirectory(seedDirectory());
      await tx.log(logEntry());
    });
    const sql = await client(db.url);
    for (const statement of ['UPDATE activity_log SET operation = $$Forged$$', 'DELETE FROM activity_log', 'TRUNCATE activity_log']) {
      expect((await rejectionOf(sql.query(statement), Error)).message, statement).to.match(/permission denied/);
    }
    // The owner can grant itself the rights back; the trigger still refuses.
    await sql.query('GRANT UPDATE, DELETE, TRUNCATE ON activity_log TO CURRENT_USER');
    for (const statement of ['UPDATE activity_log SET operation = $$Forged$$', 'DELETE FROM activity_log', 'TRUNCATE activity_log']) {
      expect((await rejectionOf(sql.query(statement), Error)).message, statement).to.match(/append-only/);
    }
    expect((await store.log.query({ limit: 10 })).map((e) => e.operation)).to.deep.equal([logEntry().operation]);
  });

  it('a customer record written before there was a savings plan permission reads it as off (R1), by every read, with no migration', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
    const sql = await client(db.url);
    await sql.query(`UPDATE customers SET record = (record::jsonb - 'savingsPlanPermission')::json`);
    const off = { enabled: false };
    expect((await store.customer(tailspinId))!.savingsPlanPermission).to.deep.equal(off);
    expect((await store.customers([contosoId, tailspinId])).map((c) => c.savingsPlanPermission)).to.deep.equal([off, off]);
    expect((await store.customersMatching('tailspin')).map((c) => c.savingsPlanPermission)).to.deep.equal([off]);
    expect((await store.customer(tailspinId))!.purchasePermission.enabled, 'the reservations permission as it was').to.equal(true);
  });

  it('connections the server ends are replaced: a read and a transaction under way go on, the transaction committing once', async () => {
    const db = await database();
    const warnings: string[] = [];
    const store = await open(db.url, { warn: (m) => warnings.push(m) });
    await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
    const sql = await client(db.url);
    const endBotConnections = () => sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'csp-reservations-bot'`, [db.name]);

    await endBotConnections();
    expect((await store.partner()).name).to.equal('Test Partner');

    let runs = 0;
    await store.transaction(async (tx) => {
      runs += 1;
      await tx.log(logEntry({ target: 'kept once' }));
      if (runs === 1) await endBotConnections();
      await tx.partner();
    });
    expect(runs).to.equal(2);
    expect((await store.log.query({ limit: 10 })).map((e) => e.target)).to.deep.equal(['kept once']);
    expect(warnings.join('\n')).to.match(/connection was lost/);
  });

  it('with the database out of reach, reads, transactions and checks fail within seconds with a StoreError, and work again once it is back', async () => {
    const db = await database();
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port) });
    cleanups.push(() => proxy.close());
    const warnings: string[] = [];
    const store = await open(through(proxy, db.url), { connectTimeoutMs: 500, warn: (m) => warnings.push(m) });
    await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));

    proxy.cut();
    const started = Date.now();
    const failures = await Promise.all([rejectionOf(store.customer('contoso-tenant'), Error), rejectionOf(store.transaction((tx) => tx.log(logEntry())), Error), rejectionOf(store.check(), Error)]);
    expect(Date.now() - started).to.be.below(5_000);
    for (const failure of failures) {
      expect(failure).to.be.instanceOf(StoreError);
      expect(failure.message).to.match(/cannot be reached/);
    }
    expect(warnings, 'the outage is reported once').to.have.length(1);
    expect(warnings[0]).to.match(/connection was lost/);

    proxy.mend();
    await store.check();
    await store.transaction((tx) => tx.log(logEntry({ target: 'after the outage' })));
    expect((await store.log.query({ limit: 10 })).map((e) => e.target)).to.deep.equal(['after the outage']);
    expect(warnings[1]).to.match(/answers again/);
  });

  it('a statement that waits longer than the statement timeout is cancelled: the transaction is refused, not left hanging', async () => {
    const db = await database();
    const store = await open(db.url, { statementTimeoutMs: 300 });
    await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
    const sql = await client(db.url);
    await sql.query('BEGIN');
    await sql.query('SELECT * FROM customers FOR UPDATE');
    const started = Date.now();
    const refused = await rejectionOf(store.transaction(async (tx) => tx.saveCustomer({ ...(await tx.customer('contoso-tenant'))!, name: 'Contoso Renamed' })), Error);
    expect(refused.message).to.match(/statement timeout/);
    expect(Date.now() - started).to.be.below(3_000);
    await sql.query('ROLLBACK');
    expect((await store.customer('contoso-tenant'))!.name).to.equal('Contoso Ltd');
  });

  describe('the bot on a database that goes away', () => {
    let connector: FakeConnector;
    let bot: BotProcess | undefined;
    let dataDir: string;
    before(async () => {
      connector = await startFakeConnector();
      dataDir = await mkdtemp(join(tmpdir(), 'csp-bot-pg-outage-'));
    });
    after(async () => {
      bot?.child.kill('SIGKILL');
      await bot?.exited;
      await connector.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('answers "cannot reach my database" in chat, 503 on /healthz and the HTTP API, without a stack trace, and serves again once it is back', async () => {
      const db = await database();
      const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port) });
      cleanups.push(() => proxy.close());
      // Entra ID played by the test: its signing key in a JWKS file the bot reads, so that the HTTP API can be asked.
      const { privateKey, publicKey } = await generateKeyPair('RS256');
      await writeFile(join(dataDir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] }));
      bot = await startBotProcess(connector, dataDir, {
        DATABASE_URL: through(proxy, db.url),
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        AUTH_JWKS: join(dataDir, 'jwks.json'),
        AUTH_AUDIENCE: testAudience,
      });
      const { alex } = demoPeople;
      const iat = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ tid: alex.tenantId, oid: alex.userId, name: alex.name, iss: issuerOf(alex.tenantId), aud: testAudience, iat, exp: iat + 3600 })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey);
      const auditRecords = () => fetch(`${bot!.url}/v1/auditrecords?startDate=2026-01-01`, { headers: { authorization: `Bearer ${token}` } });
      expect((await auditRecords()).status).to.equal(200);
      expect(shownText((await bot.say(alex, 'customers'))[0]!)).to.match(/Fabrikam/);

      proxy.cut();
      const started = Date.now();
      const [apology] = await bot.say(alex, 'customers');
      expect(Date.now() - started).to.be.below(5_000);
      expect(shownText(apology!)).to.match(/cannot reach my database/);
      const health = await fetch(`${bot.url}/healthz`);
      expect(health.status).to.equal(503);
      expect(await health.json()).to.deep.equal({ status: 'unavailable', store: 'the store does not answer' });
      const api = await auditRecords();
      expect(api.status).to.equal(503);
      expect(api.headers.get('retry-after')).to.equal('30');
      expect((await api.json()).code).to.equal('STORE_UNAVAILABLE');

      proxy.mend();
      expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
      expect((await auditRecords()).status).to.equal(200);
      expect(shownText((await bot.say(alex, 'customers'))[0]!)).to.match(/Fabrikam/);
      expect(bot.child.exitCode).to.equal(null);
      expect(bot.output()).not.to.match(/^\s+at /m);
    });
  });
});
