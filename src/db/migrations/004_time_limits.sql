-- Time limits (限时办结, DESIGN.md §4; docs/time-limits.md).
--
-- calendar_days: the exceptions to Monday–Friday in the city's time zone
-- (Asia/Shanghai): public holidays and make-up working days (调休), keyed by
-- the city date as YYYYMMDD. Seeded with the State Council's 2025 and 2026
-- schedules.
CREATE TABLE calendar_days (
    day BIGINT PRIMARY KEY,                  -- YYYYMMDD, city date
    kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
    name TEXT NOT NULL
);

-- Time-limit rules: NULL keys are wildcards; the most specific match wins
-- (urgency > category (nearest ancestor) > type). Limits count in their unit;
-- the return and reopen windows count working days.
CREATE TABLE time_limit_rules (
    id @ID@,
    type TEXT,
    urgency TEXT,
    category_id BIGINT REFERENCES categories(id),
    sign_limit BIGINT NOT NULL,
    sign_unit TEXT NOT NULL CHECK (sign_unit IN ('working_days','natural_hours','natural_minutes')),
    handle_limit BIGINT NOT NULL,
    handle_unit TEXT NOT NULL CHECK (handle_unit IN ('working_days','natural_hours','natural_minutes')),
    return_window BIGINT NOT NULL,           -- working days after dispatch
    reopen_window BIGINT NOT NULL            -- working days after closing
);

-- One row: bumped in the transaction of every change to the two tables, so
-- every app node sees a change at its next request (its cache compares it).
CREATE TABLE time_limit_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO time_limit_version (id, version) VALUES (1, 1);

-- Defaults (the seed of DESIGN.md §4). praise 5 and other 10 working days.
INSERT INTO time_limit_rules (type, urgency, category_id, sign_limit, sign_unit, handle_limit, handle_unit, return_window, reopen_window) VALUES
    (NULL,       NULL,        NULL, 1,  'working_days',    10, 'working_days',  1, 15),
    ('consult',  NULL,        NULL, 1,  'working_days',    3,  'working_days',  1, 15),
    ('help',     NULL,        NULL, 1,  'working_days',    5,  'working_days',  1, 15),
    ('complain', NULL,        NULL, 1,  'working_days',    10, 'working_days',  1, 15),
    ('report',   NULL,        NULL, 1,  'working_days',    10, 'working_days',  1, 15),
    ('suggest',  NULL,        NULL, 1,  'working_days',    15, 'working_days',  1, 15),
    ('praise',   NULL,        NULL, 1,  'working_days',    5,  'working_days',  1, 15),
    ('other',    NULL,        NULL, 1,  'working_days',    10, 'working_days',  1, 15),
    (NULL,       'urgent',    NULL, 1,  'working_days',    24, 'natural_hours', 1, 15),
    (NULL,       'emergency', NULL, 30, 'natural_minutes', 2,  'natural_hours', 1, 15);

-- The official schedules (国务院办公厅 notices for 2025 and 2026).
INSERT INTO calendar_days (day, kind, name) VALUES
    (20250101, 'holiday', '元旦'),
    (20250126, 'workday', '春节调休上班'),
    (20250128, 'holiday', '春节'),
    (20250129, 'holiday', '春节'),
    (20250130, 'holiday', '春节'),
    (20250131, 'holiday', '春节'),
    (20250201, 'holiday', '春节'),
    (20250202, 'holiday', '春节'),
    (20250203, 'holiday', '春节'),
    (20250204, 'holiday', '春节'),
    (20250208, 'workday', '春节调休上班'),
    (20250404, 'holiday', '清明节'),
    (20250405, 'holiday', '清明节'),
    (20250406, 'holiday', '清明节'),
    (20250427, 'workday', '劳动节调休上班'),
    (20250501, 'holiday', '劳动节'),
    (20250502, 'holiday', '劳动节'),
    (20250503, 'holiday', '劳动节'),
    (20250504, 'holiday', '劳动节'),
    (20250505, 'holiday', '劳动节'),
    (20250531, 'holiday', '端午节'),
    (20250601, 'holiday', '端午节'),
    (20250602, 'holiday', '端午节'),
    (20250928, 'workday', '国庆节调休上班'),
    (20251001, 'holiday', '国庆节、中秋节'),
    (20251002, 'holiday', '国庆节、中秋节'),
    (20251003, 'holiday', '国庆节、中秋节'),
    (20251004, 'holiday', '国庆节、中秋节'),
    (20251005, 'holiday', '国庆节、中秋节'),
    (20251006, 'holiday', '国庆节、中秋节'),
    (20251007, 'holiday', '国庆节、中秋节'),
    (20251008, 'holiday', '国庆节、中秋节'),
    (20251011, 'workday', '国庆节调休上班'),
    (20260101, 'holiday', '元旦'),
    (20260102, 'holiday', '元旦'),
    (20260103, 'holiday', '元旦'),
    (20260104, 'workday', '元旦调休上班'),
    (20260214, 'workday', '春节调休上班'),
    (20260215, 'holiday', '春节'),
    (20260216, 'holiday', '春节'),
    (20260217, 'holiday', '春节'),
    (20260218, 'holiday', '春节'),
    (20260219, 'holiday', '春节'),
    (20260220, 'holiday', '春节'),
    (20260221, 'holiday', '春节'),
    (20260222, 'holiday', '春节'),
    (20260223, 'holiday', '春节'),
    (20260228, 'workday', '春节调休上班'),
    (20260404, 'holiday', '清明节'),
    (20260405, 'holiday', '清明节'),
    (20260406, 'holiday', '清明节'),
    (20260501, 'holiday', '劳动节'),
    (20260502, 'holiday', '劳动节'),
    (20260503, 'holiday', '劳动节'),
    (20260504, 'holiday', '劳动节'),
    (20260505, 'holiday', '劳动节'),
    (20260509, 'workday', '劳动节调休上班'),
    (20260619, 'holiday', '端午节'),
    (20260620, 'holiday', '端午节'),
    (20260621, 'holiday', '端午节'),
    (20260920, 'workday', '国庆节调休上班'),
    (20260925, 'holiday', '中秋节'),
    (20260926, 'holiday', '中秋节'),
    (20260927, 'holiday', '中秋节'),
    (20261001, 'holiday', '国庆节'),
    (20261002, 'holiday', '国庆节'),
    (20261003, 'holiday', '国庆节'),
    (20261004, 'holiday', '国庆节'),
    (20261005, 'holiday', '国庆节'),
    (20261006, 'holiday', '国庆节'),
    (20261007, 'holiday', '国庆节'),
    (20261010, 'workday', '国庆节调休上班');
