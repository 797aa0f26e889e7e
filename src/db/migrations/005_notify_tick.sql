-- 005_notify_tick.sql — the deadline tick (warnings, auto-urge, escalation,
-- lease) and notifications (outbox delivery, in-app, templates, prefs).
-- docs/tick.md and docs/notifications.md explain the columns.

-- Warning marks the tick sets. next_check_at is when the tick must look at
-- the row again: 0 = now (new rows, and rows an action touched), NULL = never
-- (no deadline left to watch). The tick reads only rows with
-- next_check_at <= now, through assignments_next_check.
ALTER TABLE assignments ADD COLUMN warning TEXT NOT NULL DEFAULT 'none';
ALTER TABLE assignments ADD COLUMN next_check_at BIGINT DEFAULT 0;
ALTER TABLE assignments ADD COLUMN urged_for BIGINT;      -- deadline auto-urged (once per deadline)
ALTER TABLE assignments ADD COLUMN escalated_for BIGINT;  -- deadline escalated (once per deadline)
CREATE INDEX assignments_next_check ON assignments(next_check_at);
ALTER TABLE cases ADD COLUMN warning TEXT NOT NULL DEFAULT 'none';
CREATE INDEX cases_warning ON cases(warning, status);

-- One node runs the tick: UPDATE ... WHERE expires_at < now OR holder = me.
CREATE TABLE tick_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO tick_lease (name, holder, expires_at) VALUES ('deadline', '', 0);

-- Outbox delivery: a row is pending until sent or failed. A claim moves
-- next_attempt_at forward by the claim time, so a row whose sender died is
-- due again when the claim runs out (at-least-once). message_id is sent to
-- the receiver, which de-duplicates on it.
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN template TEXT;
ALTER TABLE outbox ADD COLUMN params TEXT;                -- JSON object
ALTER TABLE outbox ADD COLUMN user_id BIGINT REFERENCES users(id);
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';  -- pending, sent, failed
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
CREATE UNIQUE INDEX outbox_message ON outbox(message_id);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at, id);

-- In-app notifications of staff users (the bell).
CREATE TABLE notifications (
    id @ID@,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);

-- Per-user channels for staff alerts. No row = in-app only.
CREATE TABLE notify_prefs (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    sms SMALLINT NOT NULL DEFAULT 0,
    inapp SMALLINT NOT NULL DEFAULT 1,
    email TEXT,                                -- address for email alerts, NULL = none
    updated_at BIGINT NOT NULL
);

-- Admin overrides of the message templates (defaults live in
-- src/notify/template.c; a row here replaces one).
CREATE TABLE notify_templates (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    sms_template_id TEXT,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id)
);
