/* deadline_http.c — handlers of /calendar and /time-limits: bound and
 * validate the input, call the store (deadline/rules.c) through the
 * group-commit writer, answer from a fresh snapshot. No SQL here. */
#include "common.h"

#include "db/db.h"
#include "org/audit.h" /* settings changes are audited */
#include "deadline/deadline_http.h"
#include "deadline/ics.h"
#include "deadline/rules.h"
#include "org/user.h"
#include "util/jsonv.h"

static int
path_year(struct req *r, int *year, struct err *e)
{
    int64_t y;

    if (parse_int64(r->params[0], CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &y) < 0)
        return err_set(e, ERR_VALIDATION, "year", "year: must be %d to %d",
                       CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
    *year = (int)y;
    return 0;
}

/* {year, days, working_days} of each year, from the current snapshot. */
static int
respond_years(struct resp *out, struct db *db, const int *years, size_t n,
              json_t *extra, struct err *e)
{
    struct deadline_snapshot *s;
    json_t *arr;

    if (deadline_snapshot_get(db, &s, e) < 0) {
        json_decref(extra);
        return -1;
    }
    if (!extra) {
        resp_json(out, 200, deadline_calendar_year_json(&s->cal, years[0]));
    } else {
        arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr,
                                  deadline_calendar_year_json(&s->cal, years[i]));
        json_object_set_new(extra, "years", arr);
        resp_json(out, 200, extra);
    }
    deadline_snapshot_put(s);
    return 0;
}

int
h_calendar_get(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int year = 0;

    if (!db || path_year(r, &year, e) < 0)
        return -1;
    return respond_years(out, db, &year, 1, NULL, e);
}

struct calendar_job {
    const int *years;
    size_t nyears;
    const struct calendar *cal;
    int merge;
};

static int
calendar_job(struct db *db, void *ctx, struct err *e)
{
    struct calendar_job *j = ctx;

    return deadline_calendar_store(db, j->years, j->nyears, j->cal->days,
                                   j->cal->n, j->merge, e);
}

int
h_calendar_put(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct calendar cal;
    struct calendar_job job;
    int year, rc;

    if (!db || path_year(r, &year, e) < 0)
        return -1;
    calendar_init(&cal);
    rc = deadline_calendar_from_json(r->json, year, &cal, e);
    if (rc == 0) {
        job = (struct calendar_job){&year, 1, &cal, 0};
        rc = audit_db_write(db, calendar_job, &job, &(struct audit_change){r->user, AUDIT_SETTINGS_CHANGE, "calendar", NULL, "update", r->json}, e);
    }
    calendar_release(&cal);
    if (rc < 0)
        return -1;
    log_info("msg=calendar_replaced year=%d user_id=%lld", year,
             (long long)r->user->id);
    return respond_years(out, db, &year, 1, NULL, e);
}

int
h_calendar_import(struct req *r, struct resp *out, struct err *e)
{
    static const char *const fields[] = {"ics", "mode", "dry_run"};
    static const char *const modes[] = {"replace", "merge"};
    struct db *db = db_thread(e);
    struct deadline_snapshot *s = NULL;
    struct calendar cal, preview;
    struct calendar_job job;
    json_t *ics = json_object_get(r->json, "ics");
    int years[CALENDAR_YEAR_MAX - CALENDAR_YEAR_MIN + 1];
    size_t nyears = 0, i, k;
    int mode = 0, dry = 0, rc = -1, y;

    if (!db)
        return -1;
    if (jv_only(r->json, "", fields, ARRAY_SIZE(fields), e) < 0 ||
        jv_enum(r->json, "mode", JV_OPTIONAL, modes, 2, &mode, e) < 0 ||
        jv_bool(r->json, "dry_run", JV_OPTIONAL, &dry, e) < 0)
        return -1;
    if (!json_is_string(ics) || json_string_length(ics) == 0)
        return err_set(e, ERR_VALIDATION, "ics",
                       "ics: required, the text of an .ics file");
    if (json_string_length(ics) > CALENDAR_ICS_MAX)
        return err_set(e, ERR_VALIDATION, "ics", "ics: at most %d bytes",
                       CALENDAR_ICS_MAX);
    calendar_init(&cal);
    calendar_init(&preview);
    if (ics_parse(json_string_value(ics), json_string_length(ics), &cal, e) < 0)
        goto out;
    if (cal.n == 0) {
        err_set(e, ERR_VALIDATION, "ics", "ics: no events with dates");
        goto out;
    }
    for (i = 0; i < cal.n; i++) {
        y = cal.days[i].ymd / 10000;
        if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX) {
            err_set(e, ERR_VALIDATION, "ics", "ics: %d is outside %d..%d",
                    cal.days[i].ymd, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
            goto out;
        }
        if (nyears == 0 || years[nyears - 1] != y)
            years[nyears++] = y; /* days are sorted */
    }
    if (dry) {
        /* What the calendar would be: the current one with the file's
         * years replaced (or its dates merged). */
        if (deadline_snapshot_get(db, &s, e) < 0)
            goto out;
        for (i = 0; i < s->cal.n; i++) {
            for (k = 0; mode == 0 && k < nyears; k++) {
                if (s->cal.days[i].ymd / 10000 == years[k])
                    break;
            }
            if (mode == 1 || k == nyears)
                calendar_add(&preview, s->cal.days[i].ymd, s->cal.days[i].kind,
                             s->cal.days[i].name);
        }
        for (i = 0; i < cal.n; i++)
            calendar_add(&preview, cal.days[i].ymd, cal.days[i].kind,
                         cal.days[i].name);
        calendar_finish(&preview);
        json_t *arr = json_array();
        for (k = 0; k < nyears; k++)
            json_array_append_new(arr,
                                  deadline_calendar_year_json(&preview, years[k]));
        resp_json(out, 200,
                  json_pack("{s:s, s:b, s:i, s:o}", "mode", modes[mode],
                            "dry_run", 1, "imported_days", (int)cal.n, "years",
                            arr));
        rc = 0;
        goto out;
    }
    job = (struct calendar_job){years, nyears, &cal, mode};
    if (audit_db_write(db, calendar_job, &job, &(struct audit_change){r->user, AUDIT_SETTINGS_CHANGE, "calendar", NULL, "import", r->json}, e) < 0)
        goto out;
    log_info("msg=calendar_imported days=%zu years=%zu mode=%s user_id=%lld",
             cal.n, nyears, modes[mode], (long long)r->user->id);
    rc = respond_years(out, db, years, nyears,
                       json_pack("{s:s, s:b, s:i}", "mode", modes[mode],
                                 "dry_run", 0, "imported_days", (int)cal.n),
                       e);
out:
    deadline_snapshot_put(s);
    calendar_release(&cal);
    calendar_release(&preview);
    return rc;
}

int
h_time_limits_get(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    json_t *j;

    (void)r;
    if (!db || deadline_rules_json(db, &j, e) < 0)
        return -1;
    resp_json(out, 200, j);
    return 0;
}

struct rules_job {
    const struct tl_rule *rules;
    size_t n;
};

static int
rules_job(struct db *db, void *ctx, struct err *e)
{
    struct rules_job *j = ctx;

    return deadline_rules_store(db, j->rules, j->n, e);
}

int
h_time_limits_put(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    struct tl_rule *rules = NULL;
    struct rules_job job;
    size_t n = 0;
    int rc;

    if (!db || deadline_rules_from_json(r->json, &rules, &n, e) < 0)
        return -1;
    job = (struct rules_job){rules, n};
    rc = audit_db_write(db, rules_job, &job, &(struct audit_change){r->user, AUDIT_SETTINGS_CHANGE, "time_limits", NULL, "update", r->json}, e);
    free(rules);
    if (rc < 0)
        return -1;
    log_info("msg=time_limits_replaced rules=%zu user_id=%lld", n,
             (long long)r->user->id);
    return h_time_limits_get(r, out, e);
}
