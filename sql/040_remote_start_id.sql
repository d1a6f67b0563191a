-- 040_remote_start_id.sql — the remoteStartId of an OCPP 2.0.1 session
-- started by RequestStartTransaction (2.0.1 F01/F02): the station echoes
-- it in the TransactionEvent's transactionInfo, and it is kept on the
-- session so the command and the session it started can be matched
-- (the API's transaction shows it; the command history keeps the id
-- that was sent).  NULL: not started remotely, or a 1.6 session.
ALTER TABLE transactions
  ADD COLUMN IF NOT EXISTS remote_start_id INT NULL;
