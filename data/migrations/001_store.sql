-- Up Migration
-- The bot's store on PostgreSQL (data/postgresStore.ts). Each record is kept whole, as the store's schemas
-- (data/schemas.ts) checked it, in `record`; what is looked up, locked, filtered, ordered or summed is also a
-- real column, written from the record in the same statement. `position` keeps the order records were added.

CREATE SEQUENCE record_position;

-- The partner, its catalogue and settings: one row each (a world import replaces the directory).
CREATE TABLE partner (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  tenant_id text NOT NULL,
  record json NOT NULL
);

CREATE TABLE settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  record json NOT NULL
);

CREATE TABLE products (
  sku_key text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  record json NOT NULL
);

CREATE TABLE prices (
  price_key text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  partner_price numeric(14, 2),
  currency char(3) NOT NULL,
  record json NOT NULL
);

CREATE TABLE customers (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  name text NOT NULL,
  domain text NOT NULL,
  -- Lower-case keys, as lookups by id, name and domain compare them (R4).
  id_key text NOT NULL,
  name_key text NOT NULL,
  domain_key text NOT NULL UNIQUE,
  purchase_permission boolean NOT NULL,
  record json NOT NULL
);
CREATE INDEX customers_position ON customers (position);
CREATE INDEX customers_id_key ON customers (id_key);
CREATE INDEX customers_name_key ON customers (name_key);

CREATE SEQUENCE reservation_number START 1001;
CREATE TABLE reservations (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  customer_id text NOT NULL,
  order_id text NOT NULL,
  status text NOT NULL,
  expires_on date NOT NULL,
  auto_renew boolean NOT NULL,
  -- R17: a reservation is renewed once; its renewal names it.
  renewal_of text UNIQUE,
  renewed_by text UNIQUE,
  -- When it falls due for renewal (its expiry day), while it is active, auto-renewing and not yet renewed.
  renew_at timestamptz,
  record json NOT NULL
);
CREATE INDEX reservations_customer ON reservations (customer_id, position);
CREATE INDEX reservations_renewal_due ON reservations (renew_at, id COLLATE "C") WHERE renew_at IS NOT NULL;

CREATE SEQUENCE order_number START 1001;
CREATE TABLE orders (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  customer_id text NOT NULL,
  type text NOT NULL,
  at timestamptz NOT NULL,
  day date NOT NULL,
  amount numeric(14, 2) NOT NULL,
  credit numeric(14, 2),
  currency char(3) NOT NULL,
  reservation_id text NOT NULL,
  -- A confirm card buys once: one order per quote.
  quote_id text UNIQUE,
  request_id text,
  record json NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, position);
CREATE INDEX orders_customer_type_day ON orders (customer_id, type, day);

CREATE TABLE quotes (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  record json NOT NULL
);
CREATE INDEX quotes_preparer ON quotes (tenant_id, user_id, created_at);
CREATE INDEX quotes_created ON quotes (created_at, id COLLATE "C");

CREATE TABLE conversations (
  tenant_id text NOT NULL,
  user_id text NOT NULL,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  record json NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

CREATE SEQUENCE request_number START 1001;
CREATE TABLE requests (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  customer_id text NOT NULL,
  reservation_id text NOT NULL,
  state text NOT NULL,
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- R16: Admin Agents are reminded once, at half time, while it is pending.
  remind_at timestamptz,
  record json NOT NULL
);
CREATE INDEX requests_position ON requests (position);
CREATE INDEX requests_customer ON requests (customer_id, position);
-- R15: at most one pending request per reservation.
CREATE UNIQUE INDEX requests_one_pending ON requests (reservation_id) WHERE state = 'Pending';
CREATE INDEX requests_expiry_due ON requests (expires_at, id COLLATE "C") WHERE state = 'Pending';
CREATE INDEX requests_reminder_due ON requests (remind_at, id COLLATE "C") WHERE remind_at IS NOT NULL;

CREATE SEQUENCE delivery_number START 1;
CREATE TABLE deliveries (
  id text PRIMARY KEY,
  position bigint NOT NULL DEFAULT nextval('record_position'),
  request_id text,
  state text NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  record json NOT NULL
);
CREATE INDEX deliveries_request ON deliveries (request_id, position) WHERE request_id IS NOT NULL;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at, id COLLATE "C") WHERE state = 'Pending';

-- A new order, reservation, request or delivery is numbered from its table's sequence (O-1001, R-1001,
-- REQ-1001, D-1), and inserted, never upserted: a number a record already has is refused, never overwritten.
-- (Looking the number up first would make every two transactions that add records conflict: they would read
-- and write the same last page of the primary key.)

-- Work that falls due is found by these deadline indexes, earliest first, ties by id in code-point order.

-- R18-R19: the activity log. Numbered by a sequence: entries of a transaction that does not commit leave a gap.
CREATE SEQUENCE activity_seq;
CREATE TABLE activity_log (
  seq bigint PRIMARY KEY,
  at timestamptz NOT NULL,
  customer_id text,
  operation text NOT NULL,
  actor_id text NOT NULL,
  outcome text NOT NULL,
  entry json NOT NULL
);
CREATE INDEX activity_customer ON activity_log (customer_id, seq DESC);
CREATE INDEX activity_operation ON activity_log (operation, seq DESC);
CREATE INDEX activity_actor ON activity_log (actor_id, seq DESC);
CREATE INDEX activity_at ON activity_log (at, seq);

-- The log is append-only in the database itself: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION activity_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the activity log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER activity_log_no_change BEFORE UPDATE OR DELETE ON activity_log
  FOR EACH ROW EXECUTE FUNCTION activity_log_append_only();
CREATE TRIGGER activity_log_no_truncate BEFORE TRUNCATE ON activity_log
  FOR EACH STATEMENT EXECUTE FUNCTION activity_log_append_only();
-- The role that made it (the bot's, see README "Several instances") may only read and add to it.
REVOKE ALL ON activity_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON activity_log FROM CURRENT_USER;

-- Down Migration
DROP TABLE activity_log, deliveries, requests, conversations, quotes, orders, reservations, customers, prices, products, settings, partner;
DROP FUNCTION activity_log_append_only();
DROP SEQUENCE activity_seq, delivery_number, request_number, order_number, reservation_number, record_position;
