-- Up Migration
-- R17: an auto-renewing reservation's renewal price is locked 30 days before it expires (data/tableSpecs.ts,
-- renewalDue), so it falls due then, and on its expiry day only once a price is locked. Rows written before had
-- renew_at on the expiry day and no locked price: they fall due 30 days earlier, at UTC midnight as before.
UPDATE reservations
SET renew_at = ((expires_on - 30)::timestamp AT TIME ZONE 'UTC')
WHERE renew_at IS NOT NULL AND record->'renewalPrice' IS NULL;

-- Down Migration
UPDATE reservations
SET renew_at = (expires_on::timestamp AT TIME ZONE 'UTC')
WHERE renew_at IS NOT NULL;
