-- 003_audit.sql — the append-only audit log (docs/audit.md).
-- Each row carries the SHA-256 of the previous row's hash and its own
-- canonical text, so editing, deleting or reordering rows breaks the chain.
-- audit_head is the chain's head: one row, updated with every append (the
-- update takes the row lock that serialises appenders on PostgreSQL; SQLite
-- serialises all writers anyway) and compared with the last row by
-- `hotline audit verify`, so cutting rows off the end shows too.

CREATE TABLE audit_log (
    id @ID@,
    seq BIGINT NOT NULL UNIQUE,          -- 1, 2, 3 … position in the chain
    at BIGINT NOT NULL,
    actor_id BIGINT,                     -- users.id (no FK: the log outlives users)
    actor_name TEXT,                     -- username at the time
    actor_role TEXT,
    client_ip TEXT,
    kind TEXT NOT NULL,                  -- login_ok, login_failed, logout, case_action, …
    target_type TEXT,                    -- case, unit, user, category, setting, session
    target_id BIGINT,
    case_id BIGINT,
    detail TEXT,                         -- JSON object: ids and codes, never personal data
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_case ON audit_log(case_id, seq);
CREATE INDEX audit_log_kind ON audit_log(kind, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,               -- always 1
    seq BIGINT NOT NULL,                 -- seq of the last row (0: empty)
    hash TEXT NOT NULL                   -- hash of the last row (genesis: 64 zeros)
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
