/* rules.h — time-limit rules: the table, the lookup, and the deadlines of a
 * case (DESIGN.md §4, docs/time-limits.md).
 *
 * Pure part: deadline_rule_match() picks the most specific rule and
 * deadline_compute() turns a rule and a start time into deadlines.
 *
 * Store part: the calendar exceptions and the rules live in calendar_days and
 * time_limit_rules; a change bumps time_limit_version in the same
 * transaction. deadline_snapshot_get() hands out an immutable, refcounted
 * copy of both, shared by every thread and reloaded when the version in the
 * database differs (one primary-key read per call; so a change made on any
 * app node is seen at the next request). The deadline_* helpers for the case
 * store take the db the caller's transaction runs on.
 */
#ifndef HOTLINE_DEADLINE_RULES_H
#define HOTLINE_DEADLINE_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "deadline/calendar.h"
#include "util/err.h"

struct db;

enum tl_unit { TL_WORKING_DAYS, TL_NATURAL_HOURS, TL_NATURAL_MINUTES };

#define TL_MAX_RULES 500
#define TL_MAX_WINDOW_RETURN 30   /* working days */
#define TL_MAX_WINDOW_REOPEN 365  /* working days */
#define TL_CATEGORY_DEPTH 16      /* ancestors looked at */

struct tl_rule {
    int64_t id;
    char type[16];        /* "" = any type */
    char urgency[16];     /* "" = any urgency */
    int64_t category_id;  /* 0 = any category */
    int sign_limit;
    enum tl_unit sign_unit;
    int handle_limit;
    enum tl_unit handle_unit;
    int return_window;    /* working days after dispatch */
    int reopen_window;    /* working days after closing */
};

const char *tl_unit_name(enum tl_unit u);
int tl_unit_parse(const char *s, enum tl_unit *out);
/* Largest accepted limit in a unit (60 working days, 720 h, 43200 min). */
int tl_unit_max(enum tl_unit u);

/* RULE tl-specificity: a rule matches when each of its keys is a wildcard
 * or equals the case's value (a category key matches the case's category or
 * any ancestor: cats[0] is the case's category, cats[1] its parent, ...).
 * Of the matching rules the most specific wins, compared key by key in this
 * order: urgency set beats unset; then a category key beats none, and a
 * nearer category beats a farther one; then type set beats unset. Returns
 * NULL when nothing matches (the table always holds a wildcard rule). */
const struct tl_rule *deadline_rule_match(const struct tl_rule *rules,
                                          size_t n, const char *type,
                                          const char *urgency,
                                          const int64_t *cats, size_t ncats);

/* End of a limit counted from t in its unit. */
int deadline_limit_end(const struct calendar *c, int64_t t, int limit,
                       enum tl_unit u, int64_t *out, struct err *e);
/* Sign and handling deadlines for a case dispatched at t; the sign deadline
 * never lies after the handling deadline. */
int deadline_compute(const struct calendar *c, const struct tl_rule *r,
                     int64_t t, int64_t *sign_due, int64_t *due,
                     struct err *e);
/* RULE extension-2wd: a request at `now` is in time while at least
 * DEADLINE_EXTENSION_LEAD_WD whole working days of time remain before due. */
#define DEADLINE_EXTENSION_LEAD_WD 2
int deadline_extension_allowed(const struct calendar *c, int64_t due,
                               int64_t now);
/* An approved extension: `days` working days after the current deadline
 * (the deadline's own day is the last day of the old limit). */
int deadline_extended(const struct calendar *c, int64_t due, int days,
                      int64_t *out, struct err *e);

/* ---- the shared snapshot -------------------------------------------- */

struct deadline_snapshot {
    int64_t version;
    struct calendar cal;
    struct tl_rule *rules;
    size_t nrules;
    int refs; /* under the module's mutex */
};

int deadline_snapshot_get(struct db *db, struct deadline_snapshot **out,
                          struct err *e);
void deadline_snapshot_put(struct deadline_snapshot *s);
/* Drops the cached snapshot (tests; a PUT need not: the version moves). */
void deadline_cache_clear(void);

/* ---- for the case store (inside the caller's transaction) ------------ */

struct deadline_case {
    const char *type;
    const char *urgency;
    int64_t category_id; /* 0 = none */
};

/* The rule that applies to a case now (copied into *out). */
int deadline_rule_for(struct db *db, const struct deadline_case *k,
                      struct tl_rule *out, struct err *e);
int deadline_for_case(struct db *db, const struct deadline_case *k, int64_t t,
                      int64_t *sign_due, int64_t *due, struct err *e);
int deadline_return_until(struct db *db, const struct deadline_case *k,
                          int64_t dispatched_at, int64_t *out, struct err *e);
int deadline_reopen_until(struct db *db, const struct deadline_case *k,
                          int64_t closed_at, int64_t *out, struct err *e);
/* 1 in time, 0 too late, < 0 error. */
int deadline_extension_in_time(struct db *db, int64_t due, int64_t now,
                               struct err *e);
int deadline_extend(struct db *db, int64_t due, int days, int64_t *out,
                    struct err *e);

/* Extension limits (config extension-max-count / extension-max-days). */
void deadline_configure(int extension_max_count, int extension_max_days);
int deadline_extension_max_count(void);
int deadline_extension_max_days(void);

/* ---- reading and replacing the tables (API) ---------------------------- */

/* {year, days: [{date, kind, name}], working_days} */
json_t *deadline_calendar_year_json(const struct calendar *c, int year);
/* Replaces the exceptions of each year in years[0..nyears) with those of
 * `days` that fall in it (merge: only upserts the given dates). One
 * transaction; bumps the version. */
int deadline_calendar_store(struct db *db, const int *years, size_t nyears,
                            const struct calendar_day *days, size_t ndays,
                            int merge, struct err *e);
/* Validates a PUT /calendar/{year} body: {days: [{date, kind, name}]}. */
int deadline_calendar_from_json(json_t *body, int year, struct calendar *out,
                                struct err *e);

/* {items: [rule]} with categories named. */
int deadline_rules_json(struct db *db, json_t **out, struct err *e);
/* Validates {rules: [...]} (pure, except categories: checked by _store). */
int deadline_rules_from_json(json_t *body, struct tl_rule **out, size_t *n,
                             struct err *e);
/* Replaces the table; checks the categories exist; bumps the version. */
int deadline_rules_store(struct db *db, const struct tl_rule *rules, size_t n,
                         struct err *e);

#endif
