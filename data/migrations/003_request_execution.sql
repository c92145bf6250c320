-- Up Migration
-- R17 in Partner Center mode: an approved change is carried out in Azure after the decision, by a worker that finds
-- it by when it is next due (null once it is done or failed).
ALTER TABLE requests ADD COLUMN execute_at timestamptz;
CREATE INDEX requests_execution_due ON requests (execute_at, id COLLATE "C") WHERE execute_at IS NOT NULL;

-- Down Migration
DROP INDEX requests_execution_due;
ALTER TABLE requests DROP COLUMN execute_at;
