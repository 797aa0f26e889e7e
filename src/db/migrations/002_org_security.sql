-- 002_org_security.sql — administration and authentication hardening:
-- the units' legacy hotline numbers and the throttle counters that login
-- and the public endpoints share across app nodes.

-- The 115 phone lines of 92 units folded into 12345: each number belongs to
-- one unit (units.phone stays the unit's contact line).
CREATE TABLE unit_hotlines (
    id @ID@,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    number TEXT NOT NULL UNIQUE,
    note TEXT,
    sort BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX unit_hotlines_unit ON unit_hotlines(unit_id);

-- Fixed-window counters with exponential lock-outs (org/throttle.c).
-- key: "login:user:<name>", "login:ip:<addr>", "pub:<kind>:<addr>",
-- "guess:ip:<addr>", "guess:case:<case_no>".
CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL,
    strikes BIGINT NOT NULL DEFAULT 0,      -- lock-outs in a row (doubling)
    blocked_until BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL              -- the row may be deleted after
);
CREATE INDEX throttle_expires ON throttle(expires_at);

-- When a user's password was last set (NULL: seeded or before this change).
ALTER TABLE users ADD COLUMN password_changed_at BIGINT;
