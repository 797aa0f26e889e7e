/* seed_cases.c — demo cases replayed through the real lifecycle.
 *
 * Every case gets a plan drawn from its own PRNG (seeded from the run's seed
 * and the case's index) and an agenda of timed steps. All agendas are merged
 * in one time-ordered queue, so actions across cases happen in the order
 * they would have happened, case numbers follow the clock, and a duplicate
 * is merged into a case that is still open at that moment. Each step calls
 * case_create()/case_act() as the user who would take it; a refused action
 * aborts the seed (a bug in the plan or in the lifecycle code). Steps after
 * `now` are not taken, so the newest cases are still open.
 */
#include "common.h"

#include <jansson.h>
#include <stdio.h>

#include "cases/cases.h"
#include "org/auth.h"
#include "seed/seed.h"
#include "seed/seed_data.h"
#include "util/buf.h"
#include "util/timeutil.h"

#define DAY 86400
#define HOUR 3600
#define MINUTE 60
#define SPAN_DAYS 90
#define AGENDA_MAX 16
#define CALLER_POOL 250
#define ACTS_PER_TX 1000

/* ---- deterministic PRNG (splitmix64) ---------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t
rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned
rng_below(struct rng *r, size_t n)
{
    return n ? (unsigned)(rng_next(r) % n) : 0;
}

static double
rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static int
rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* Uniform in [lo, hi). */
static int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
    return hi > lo ? lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo)) : lo;
}

/* ---- city calendar (for plausible working hours only) ------------------ */

/* Holidays and make-up working days of the State Council's 2025 and 2026
 * schedules, as YYYYMMDD (negative: a make-up working day). The real
 * calendar of the deadline code is authoritative; this only makes unit
 * staff act in office hours. */
static const int calendar_days[] = {
    20250101, 20250128, 20250129, 20250130, 20250131, 20250201, 20250202,
    20250203, 20250204, -20250126, -20250208, 20250404, 20250405, 20250406,
    20250501, 20250502, 20250503, 20250504, 20250505, -20250427, 20250531,
    20250601, 20250602, 20251001, 20251002, 20251003, 20251004, 20251005,
    20251006, 20251007, 20251008, -20250928, -20251011, 20260101, 20260102,
    20260103, -20260104, 20260215, 20260216, 20260217, 20260218, 20260219,
    20260220, 20260221, 20260222, 20260223, -20260214, -20260228, 20260404,
    20260405, 20260406, 20260501, 20260502, 20260503, 20260504, 20260505,
    -20260509, 20260619, 20260620, 20260621, 20260925, 20260926, 20260927,
    20261001, 20261002, 20261003, 20261004, 20261005, 20261006, 20261007,
    -20260920, -20261010,
};

static int
is_workday(int64_t t)
{
    struct civil c;
    int ymd;

    time_city(t, &c);
    ymd = c.year * 10000 + c.month * 100 + c.day;
    for (size_t i = 0; i < ARRAY_SIZE(calendar_days); i++) {
        if (calendar_days[i] == ymd)
            return 0;
        if (calendar_days[i] == -ymd)
            return 1;
    }
    return c.wday != 0 && c.wday != 6;
}

static int
is_holiday_or_weekend(int64_t t)
{
    return !is_workday(t);
}

/* Working days after t's day up to and including due's day. */
static int
workdays_between(int64_t t, int64_t due)
{
    int n = 0;

    for (int64_t d = time_city_midnight(t) + DAY + 12 * HOUR; d < due && n < 60;
         d += DAY)
        n += is_workday(d);
    return n;
}

/* Seconds since city midnight. */
static int64_t
city_clock(int64_t t)
{
    return t - time_city_midnight(t);
}

/* Unit staff work 08:30–17:30 on working days: move t into that window. */
static int64_t
unit_time(struct rng *r, int64_t t)
{
    for (int i = 0; i < 30; i++) {
        int64_t sec = city_clock(t);
        if (is_workday(t) && sec >= 8 * HOUR + 30 * MINUTE &&
            sec < 17 * HOUR + 30 * MINUTE)
            return t;
        if (is_workday(t) && sec < 8 * HOUR + 30 * MINUTE)
            return time_city_midnight(t) + 8 * HOUR + 30 * MINUTE +
                   rng_range(r, 0, 90 * MINUTE);
        t = time_city_midnight(t) + DAY + 8 * HOUR + 30 * MINUTE +
            rng_range(r, 0, 90 * MINUTE);
        if (is_workday(t))
            return t;
    }
    return t;
}

/* The platform's dispatch desk works 08:00–21:00 every day. */
static int64_t
desk_time(struct rng *r, int64_t t)
{
    int64_t sec = city_clock(t);

    if (sec >= 8 * HOUR && sec < 21 * HOUR)
        return t;
    if (sec < 8 * HOUR)
        return time_city_midnight(t) + 8 * HOUR + rng_range(r, 0, HOUR);
    return time_city_midnight(t) + DAY + 8 * HOUR + rng_range(r, 0, HOUR);
}

/* ---- the world: units, users, callers ---------------------------------- */

struct sunit {
    int64_t id;
    char *code;
    char *name;
    char kind[16];
    int64_t parent_id;
    int have_user[2];
    struct user user[2]; /* [0] handler, [1] unit_admin */
};

struct caller {
    char name[32];
    char phone[16];
    int county, town; /* location indexes */
    int road, comm, bld;
};

enum step {
    ST_CREATE,
    ST_ACCEPT,
    ST_REJECT,
    ST_ANSWER,
    ST_MERGE,
    ST_DISPATCH,
    ST_SIGN,
    ST_RETURN,
    ST_DENY_RETURN,
    ST_ASSIST_SIGN,
    ST_ASSIST_OPINION,
    ST_SUBDISPATCH,
    ST_SUB_SIGN,
    ST_SUB_OPINION,
    ST_REQ_EXT,
    ST_DEC_EXT,
    ST_URGE,
    ST_SUPERVISE,
    ST_NOTE,
    ST_REPLY,
    ST_REVIEW_REJECT,
    ST_VISIT,
    ST_CLOSE,
    ST_REOPEN,
};

enum fate { FATE_NORMAL, FATE_REJECT, FATE_ANSWER, FATE_MERGE };
enum ret_mode { RET_NONE, RET_REDISPATCH, RET_DENY };

struct agenda_item {
    int64_t at;
    enum step step;
};

struct scase {
    struct rng rng;
    int64_t created;
    int64_t id;
    char status[16];
    /* what it is about */
    int tpl, cat, county, town, road, comm;
    int bld, unitno, room, ddays, num, temp, shop, comp, money, months, line,
        plate, school, clinic;
    char name[32];
    char phone[16];
    const char *channel;
    const char *urgency;
    int anonymous, confidential;
    /* the plan */
    enum fate fate;
    int merge_into;      /* case index, FATE_MERGE */
    int right_unit;      /* unit indexes, -1 none */
    int wrong_unit;
    int assist_unit;
    int sub_unit;
    enum ret_mode ret;
    int ext;             /* 0 none, 1 approve, 2 deny */
    int ext_days;
    int late, stalled, urge, review_reject, reopen, close_no_visit, note;
    int satisfaction;    /* 0 satisfied, 1 basically, 2 unsatisfied */
    /* state */
    int lead_unit;
    int64_t dispatched_at, sign_due, due;
    int64_t last_at;
    int replies, visits;
    struct agenda_item agenda[AGENDA_MAX];
    int nagenda;
};

struct heap_item {
    int64_t at;
    int idx;
};

struct ctx {
    struct db *db;
    int64_t now;
    struct err *e;
    struct sunit *units;
    size_t nunits;
    int platform_unit;
    int county_unit[16];
    int *town_unit;      /* per township, -1 when none */
    int *cat_unit;       /* per category, -1 when none */
    int *cat_assist;
    int64_t *cat_id;
    struct user agent, dispatcher, supervisor;
    struct caller callers[CALLER_POOL];
    struct scase *cases;
    int ncases;
    struct heap_item *heap;
    int nheap;
    long acts;
    long counts[ST_REOPEN + 1];
};

static const char *const step_names[] = {
    "create", "accept", "reject", "answer", "merge", "dispatch", "sign",
    "return", "deny_return", "sign", "opinion", "subdispatch", "sign",
    "opinion", "request_extension", "decide_extension", "urge", "supervise",
    "note", "reply", "review_reject", "visit", "close", "reopen",
};

static int
unit_find(struct ctx *c, const char *code)
{
    for (size_t i = 0; i < c->nunits; i++) {
        if (strcmp(c->units[i].code, code) == 0)
            return (int)i;
    }
    return -1;
}

static int
user_by_name(struct ctx *c, const char *username, struct user *u)
{
    int64_t id = 0;
    int rc;

    rc = db_query_int(c->db, c->e, &id,
                      "SELECT id FROM users WHERE username = ?", "t",
                      username);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(c->e, ERR_NOT_FOUND, NULL,
                       "seed: user '%s' not found (run seed_org first)",
                       username);
    rc = user_load(c->db, id, u, c->e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(c->e, ERR_NOT_FOUND, NULL, "seed: user %lld vanished",
                       (long long)id);
    return 0;
}

/* The handler (admin = 0) or unit_admin (admin = 1) of a unit. */
static const struct user *
unit_user(struct ctx *c, int unit, int admin)
{
    struct sunit *su = &c->units[unit];
    char name[96];

    if (!su->have_user[admin]) {
        snprintf(name, sizeof(name), "%s.%s", su->code,
                 admin ? "admin" : "handler");
        if (user_by_name(c, name, &su->user[admin]) < 0)
            return NULL;
        su->have_user[admin] = 1;
    }
    return &su->user[admin];
}

static int
load_world(struct ctx *c)
{
    struct db_stmt *st;
    size_t cap = 0;
    int rc;

    st = db_query(c->db, c->e,
                  "SELECT id, code, name, kind, COALESCE(parent_id, 0) "
                  "FROM units ORDER BY id",
                  "");
    if (!st)
        return -1;
    while ((rc = db_step(st, c->e)) > 0) {
        struct sunit *su;
        if (c->nunits == cap) {
            cap = cap ? cap * 2 : 256;
            c->units = xrealloc(c->units, cap * sizeof(*c->units));
        }
        su = &c->units[c->nunits++];
        memset(su, 0, sizeof(*su));
        su->id = db_col_int(st, 0);
        su->code = xstrdup(db_col_text(st, 1));
        su->name = xstrdup(db_col_text(st, 2));
        snprintf(su->kind, sizeof(su->kind), "%s", db_col_text(st, 3));
        su->parent_id = db_col_int(st, 4);
    }
    db_reset(st);
    if (rc < 0)
        return rc;

    c->platform_unit = unit_find(c, "platform");
    if (c->platform_unit < 0)
        return err_set(c->e, ERR_NOT_FOUND, NULL,
                       "seed: no platform unit (run seed_org first)");
    if (seed_counties_len > ARRAY_SIZE(c->county_unit))
        BUG("too many counties: %zu", seed_counties_len);
    for (size_t i = 0; i < seed_counties_len; i++) {
        c->county_unit[i] = unit_find(c, seed_counties[i].code);
        if (c->county_unit[i] < 0)
            return err_set(c->e, ERR_NOT_FOUND, NULL,
                           "seed: no unit for district %s",
                           seed_counties[i].code);
    }
    c->town_unit = xcalloc(seed_townships_len, sizeof(int));
    for (size_t i = 0; i < seed_townships_len; i++)
        c->town_unit[i] = unit_find(c, seed_townships[i].code);
    c->cat_unit = xcalloc(seed_categories_len, sizeof(int));
    c->cat_assist = xcalloc(seed_categories_len, sizeof(int));
    c->cat_id = xcalloc(seed_categories_len, sizeof(int64_t));
    for (size_t i = 0; i < seed_categories_len; i++) {
        const struct seed_category *k = &seed_categories[i];
        c->cat_unit[i] = k->unit ? unit_find(c, k->unit) : -1;
        c->cat_assist[i] = k->assist ? unit_find(c, k->assist) : -1;
        if ((k->unit && c->cat_unit[i] < 0) ||
            (k->assist && c->cat_assist[i] < 0))
            return err_set(c->e, ERR_NOT_FOUND, NULL,
                           "seed: category %s names a missing unit", k->code);
        rc = db_query_int(c->db, c->e, &c->cat_id[i],
                          "SELECT id FROM categories WHERE code = ?", "t",
                          k->code);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return err_set(c->e, ERR_NOT_FOUND, NULL,
                           "seed: category %s not seeded", k->code);
    }
    if (user_by_name(c, "agent", &c->agent) < 0 ||
        user_by_name(c, "dispatcher", &c->dispatcher) < 0 ||
        user_by_name(c, "supervisor", &c->supervisor) < 0)
        return -1;
    return 0;
}

static void
free_world(struct ctx *c)
{
    for (size_t i = 0; i < c->nunits; i++) {
        free(c->units[i].code);
        free(c->units[i].name);
    }
    free(c->units);
    free(c->town_unit);
    free(c->cat_unit);
    free(c->cat_assist);
    free(c->cat_id);
    free(c->cases);
    free(c->heap);
}

/* ---- places and people -------------------------------------------------- */

/* Relative case volume per county-level division (roughly population). */
static const int county_weight[] = {16, 18, 14, 8, 7, 10, 9, 6, 5, 2};

static int
town_is_urban(int town)
{
    return strcmp(seed_townships[town].kind, "街道") == 0;
}

static void
pick_place(struct ctx *c, struct rng *r, int *county, int *town)
{
    int total = 0, x, n = 0, pick = -1;

    for (size_t i = 0; i < seed_counties_len; i++)
        total += county_weight[i];
    x = (int)rng_below(r, (size_t)total);
    for (size_t i = 0; i < seed_counties_len; i++) {
        x -= county_weight[i];
        if (x < 0) {
            *county = (int)i;
            break;
        }
    }
    /* a township of it with a unit, uniformly (reservoir) */
    for (size_t i = 0; i < seed_townships_len; i++) {
        if (strcmp(seed_townships[i].county_code,
                   seed_counties[*county].code) != 0 ||
            c->town_unit[i] < 0)
            continue;
        if (rng_below(r, (size_t)++n) == 0)
            pick = (int)i;
    }
    *town = pick;
}

static size_t
count_strs(const char *const *v)
{
    size_t n = 0;

    while (v && v[n])
        n++;
    return n;
}

static const char *
road_name(const struct scase *s)
{
    const char *const *roads = seed_counties[s->county].roads;
    size_t n = count_strs(roads);

    if (n)
        return roads[(size_t)s->road % n];
    return seed_town_roads[(size_t)s->road % seed_town_roads_len];
}

static const char *
comm_name(const struct scase *s)
{
    if (town_is_urban(s->town))
        return seed_communities[(size_t)s->comm % seed_communities_len];
    return seed_villages[(size_t)s->comm % seed_villages_len];
}

/* "滨海新区(经济技术开发区)" -> "滨海新区" */
static void
add_county(struct buf *b, int county)
{
    const char *name = seed_counties[county].name;
    const char *paren = strchr(name, '(');

    buf_add(b, name, paren ? (size_t)(paren - name) : strlen(name));
}

/* "辽宁省锦州市小东种畜场" -> "小东种畜场" */
static void
add_town(struct buf *b, int town)
{
    const char *name = seed_townships[town].name;
    static const char *const prefixes[] = {"辽宁省", "锦州市"};

    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            name += strlen(prefixes[i]);
    }
    buf_adds(b, name);
}

static void
add_address(struct buf *b, const struct scase *s)
{
    add_county(b, s->county);
    add_town(b, s->town);
    if (town_is_urban(s->town))
        buf_adds(b, road_name(s));
    buf_adds(b, comm_name(s));
}

static void
make_phone(struct rng *r, char out[16])
{
    static const char *const prefixes[] = {
        "139", "138", "137", "136", "135", "134", "150", "151", "152", "157",
        "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
        "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"};

    snprintf(out, 16, "%s%08u", prefixes[rng_below(r, ARRAY_SIZE(prefixes))],
             (unsigned)rng_below(r, 100000000));
}

static void
make_name(struct rng *r, char out[32])
{
    snprintf(out, 32, "%s%s", seed_surnames[rng_below(r, seed_surnames_len)],
             rng_chance(r, 0.55) ? "先生" : "女士");
}

static void
init_callers(struct ctx *c, unsigned seed)
{
    struct rng r = {seed ^ 0xC0FFEEull};

    for (int i = 0; i < CALLER_POOL; i++) {
        struct caller *k = &c->callers[i];
        make_name(&r, k->name);
        make_phone(&r, k->phone);
        pick_place(c, &r, &k->county, &k->town);
        k->road = (int)rng_below(&r, 64);
        k->comm = (int)rng_below(&r, 64);
        k->bld = 1 + (int)rng_below(&r, 36);
    }
}

/* ---- texts -------------------------------------------------------------- */

static void
add_date(struct buf *b, int64_t t)
{
    struct civil cv;

    time_city(t, &cv);
    buf_addf(b, "%d月%d日", cv.month, cv.day);
}

/* Expands a template's {x} placeholders (list in seed_text.c). */
static void
expand(struct ctx *c, const struct scase *s, const char *tpl, int64_t at,
       struct buf *b)
{
    for (const char *p = tpl; *p; p++) {
        if (p[0] != '{' || !p[1] || p[2] != '}') {
            buf_addc(b, *p);
            continue;
        }
        switch (p[1]) {
        case 'a': add_address(b, s); break;
        case 'x': add_county(b, s->county); break;
        case 'j': add_town(b, s->town); break;
        case 'r': buf_adds(b, road_name(s)); break;
        case 'c': buf_adds(b, comm_name(s)); break;
        case 'b': buf_addf(b, "%d", s->bld); break;
        case 'u': buf_addf(b, "%d", s->unitno); break;
        case 'h': buf_addf(b, "%d", s->room); break;
        case 'd': add_date(b, s->created - (int64_t)s->ddays * DAY); break;
        case 'n': buf_addf(b, "%d", s->num); break;
        case 't': buf_addf(b, "%d", s->temp); break;
        case 's': buf_adds(b, seed_shops[(size_t)s->shop % seed_shops_len]); break;
        case 'f': buf_adds(b, seed_venues[(size_t)s->shop % seed_venues_len]); break;
        case 'p':
            buf_adds(b, seed_companies[(size_t)s->comp % seed_companies_len]);
            break;
        case 'm': buf_addf(b, "%d", s->money); break;
        case 'k': buf_addf(b, "%d", s->months); break;
        case 'l': buf_addf(b, "%d路", s->line); break;
        case 'g': buf_addf(b, "辽G%c%04d", "TDBKA"[s->plate % 5], s->plate % 10000); break;
        case 'q':
            add_county(b, s->county);
            buf_addf(b, "第%d小学", 1 + s->school);
            break;
        case 'i':
            add_town(b, s->town);
            buf_adds(b, town_is_urban(s->town) ? "社区卫生服务中心" : "卫生院");
            break;
        case 'w':
            buf_adds(b, s->lead_unit >= 0 ? c->units[s->lead_unit].name : "我单位");
            break;
        case 'y': add_date(b, at); break;
        default: BUG("unknown placeholder {%c} in a seed template", p[1]);
        }
        p += 2;
    }
}

static char *
expand_dup(struct ctx *c, const struct scase *s, const char *tpl, int64_t at)
{
    struct buf b;

    buf_init(&b, 8192);
    expand(c, s, tpl, at, &b);
    if (b.failed)
        BUG("seed text too long: %.40s", tpl);
    return buf_detach(&b, NULL);
}

static const char *
reply_for(const struct scase *s)
{
    const char *cat = seed_templates[s->tpl].cat;
    const char *best = seed_replies[0].text;
    size_t best_len = 0;

    if (strcmp(seed_templates[s->tpl].type, "praise") == 0)
        return "您好，感谢您对{w}工作的肯定，我们已将您的表扬转达给相关工作人员，今后将继续做好服务。";
    for (size_t i = 0; i < seed_replies_len; i++) {
        size_t n = strlen(seed_replies[i].cat);
        if (n > best_len && strncmp(cat, seed_replies[i].cat, n) == 0) {
            best = seed_replies[i].text;
            best_len = n;
        }
    }
    return best;
}

/* ---- choosing a case ----------------------------------------------------- */

static int
cat_index(const char *code)
{
    for (size_t i = 0; i < seed_categories_len; i++) {
        if (strcmp(seed_categories[i].code, code) == 0)
            return (int)i;
    }
    BUG("seed template names unknown category %s", code);
}

/* Seasonal factor for a template's category at time t: heating complaints
 * start with the heating season (1 November) and peak in its first weeks. */
static double
season(const char *cat, int64_t t)
{
    struct civil cv;

    if (strncmp(cat, "02", 2) != 0)
        return 1.0;
    time_city(t, &cv);
    if (cv.month == 11 && cv.day <= 15)
        return strcmp(cat, "0201") == 0 ? 7.0 : 3.0;
    if (cv.month == 11 || cv.month == 12 || cv.month <= 3)
        return strcmp(cat, "0201") == 0 ? 3.5 : 2.0;
    if (cv.month == 10 && cv.day >= 15)
        return strcmp(cat, "0201") == 0 ? 0.1 : 2.0;
    return strcmp(cat, "0201") == 0 ? 0.02 : 0.3;
}

static int
template_fits(int tpl, int town)
{
    unsigned f = seed_templates[tpl].flags;

    if ((f & TPL_URBAN) && !town_is_urban(town))
        return 0;
    if ((f & TPL_RURAL) && town_is_urban(town))
        return 0;
    return 1;
}

static int
pick_template(struct rng *r, int town, int64_t t)
{
    double total = 0, x;
    /* per template: its category; per category: its number of templates
     * (computed once; the seeder runs on one thread) */
    static int tpl_cat[256], ntpl_of_cat[256];
    static int counted;

    if (!counted) {
        if (seed_templates_len > ARRAY_SIZE(tpl_cat) ||
            seed_categories_len > ARRAY_SIZE(ntpl_of_cat))
            BUG("seed tables outgrew pick_template's arrays");
        for (size_t i = 0; i < seed_templates_len; i++) {
            tpl_cat[i] = cat_index(seed_templates[i].cat);
            ntpl_of_cat[tpl_cat[i]]++;
        }
        counted = 1;
    }
    for (int pass = 0; pass < 2; pass++) {
        x = rng_unit(r) * total;
        for (size_t i = 0; i < seed_templates_len; i++) {
            const struct seed_template *tp = &seed_templates[i];
            int k = tpl_cat[i];
            double w;
            if (!template_fits((int)i, town))
                continue;
            w = (double)seed_categories[k].weight / ntpl_of_cat[k] *
                season(tp->cat, t);
            if (pass == 0) {
                total += w;
                continue;
            }
            x -= w;
            if (x < 0)
                return (int)i;
        }
    }
    /* rounding: the last fitting one */
    for (size_t i = seed_templates_len; i-- > 0;) {
        if (template_fits((int)i, town))
            return (int)i;
    }
    BUG("no seed template fits township %d", town);
}

static const char *
pick_channel(struct rng *r)
{
    static const struct {
        const char *name;
        int weight;
    } ch[] = {
        {"phone", 60}, {"web", 11}, {"app", 11}, {"mayor_mailbox", 6},
        {"minxin", 5}, {"people_forum", 3}, {"governor_mailbox", 2},
        {"open311", 2},
    };
    int x = (int)rng_below(r, 100);

    for (size_t i = 0; i < ARRAY_SIZE(ch); i++) {
        x -= ch[i].weight;
        if (x < 0)
            return ch[i].name;
    }
    return "phone";
}

static void
fill_values(struct scase *s)
{
    struct rng *r = &s->rng;

    s->unitno = 1 + (int)rng_below(r, 6);
    s->room = (1 + (int)rng_below(r, 7)) * 100 + 1 + (int)rng_below(r, 4);
    s->ddays = 1 + (int)rng_below(r, 6);
    s->num = 2 + (int)rng_below(r, 8);
    s->temp = 10 + (int)rng_below(r, 7);
    s->shop = (int)rng_below(r, 64);
    s->comp = (int)rng_below(r, 64);
    s->money = (int)(rng_below(r, 60) + 3) * 500;
    s->months = 2 + (int)rng_below(r, 6);
    s->line = 1 + (int)rng_below(r, 60);
    s->plate = (int)rng_below(r, 50000);
    s->school = (int)rng_below(r, 12);
    s->clinic = (int)rng_below(r, 64);
}

/* Who should lead: the category's unit, the district where the matter is
 * local, the county for most matters in the four counties. */
static void
plan_units(struct ctx *c, struct scase *s)
{
    const struct seed_category *k = &seed_categories[s->cat];
    int county_unit = c->county_unit[s->county];
    int in_county = !seed_counties[s->county].urban;
    struct rng *r = &s->rng;

    if (c->cat_unit[s->cat] < 0 || (k->flags & CAT_LOCAL) ||
        (in_county && !(k->flags & CAT_CITY)))
        s->right_unit = county_unit;
    else
        s->right_unit = c->cat_unit[s->cat];
    s->wrong_unit = s->assist_unit = s->sub_unit = -1;
    if (s->right_unit == county_unit && c->town_unit[s->town] >= 0 &&
        rng_chance(r, 0.6))
        s->sub_unit = c->town_unit[s->town];
    if (c->cat_assist[s->cat] >= 0 && c->cat_assist[s->cat] != s->right_unit &&
        rng_chance(r, 0.25))
        s->assist_unit = c->cat_assist[s->cat];
    s->ret = RET_NONE;
    if (strcmp(s->urgency, "normal") == 0 && rng_chance(r, 0.09)) {
        if (rng_chance(r, 0.7)) {
            s->ret = RET_REDISPATCH;
            /* dispatched to the district when a city unit is meant, or to
             * the category's unit when the district is meant */
            if (s->right_unit == county_unit)
                s->wrong_unit = c->cat_unit[s->cat] >= 0 &&
                                        c->cat_unit[s->cat] != county_unit
                                    ? c->cat_unit[s->cat]
                                    : c->county_unit[(s->county + 1) %
                                                     (int)seed_counties_len];
            else
                s->wrong_unit = county_unit;
        } else {
            s->ret = RET_DENY;
        }
    }
}

static void
plan_case(struct ctx *c, struct scase *s)
{
    const struct seed_template *tp = &seed_templates[s->tpl];
    struct rng *r = &s->rng;
    int long_limit = strcmp(tp->type, "complain") == 0 ||
                     strcmp(tp->type, "report") == 0 ||
                     strcmp(tp->type, "suggest") == 0;

    s->urgency = (tp->flags & TPL_EMERGENCY) ? "emergency"
                 : (tp->flags & TPL_URGENT)  ? "urgent"
                                             : "normal";
    s->fate = FATE_NORMAL;
    if (tp->flags & TPL_SPAM)
        s->fate = FATE_REJECT;
    else if ((tp->flags & TPL_ANSWER) && rng_chance(r, 0.7))
        s->fate = FATE_ANSWER;
    else if (strcmp(s->channel, "phone") != 0 && rng_chance(r, 0.015))
        s->fate = FATE_REJECT; /* unreachable, content unclear */
    plan_units(c, s);
    s->ext = 0;
    if (long_limit && strcmp(s->urgency, "normal") == 0 && rng_chance(r, 0.07)) {
        s->ext = rng_chance(r, 0.7) ? 1 : 2;
        s->ext_days = rng_chance(r, 0.5) ? 5 : 10;
    }
    s->late = strcmp(s->urgency, "emergency") != 0 && rng_chance(r, 0.07);
    /* a backlog: some cases stay overdue for weeks (red warnings) */
    s->stalled = s->late && rng_chance(r, 0.3);
    s->urge = rng_chance(r, 0.15);
    s->review_reject = rng_chance(r, 0.05);
    s->close_no_visit = rng_chance(r, 0.07);
    s->note = rng_chance(r, 0.1);
    if (strcmp(tp->type, "praise") == 0)
        s->satisfaction = 0;
    else {
        double x = rng_unit(r);
        s->satisfaction = x < 0.72 ? 0 : x < 0.89 ? 1 : 2;
    }
    s->reopen = s->satisfaction == 2 && rng_chance(r, 0.45);
    s->anonymous = strcmp(s->channel, "phone") != 0 && rng_chance(r, 0.03);
    s->confidential = (tp->flags & TPL_CONFIDENTIAL) ||
                      (strcmp(tp->type, "report") == 0 && rng_chance(r, 0.3));
}

/* ---- agenda and queue ---------------------------------------------------- */

static void
agenda_add(struct scase *s, int64_t at, enum step st)
{
    int i;

    if (s->nagenda == AGENDA_MAX)
        BUG("seed agenda full (step %d)", (int)st);
    if (at <= s->last_at)
        at = s->last_at + MINUTE;
    i = s->nagenda++;
    while (i > 0 && s->agenda[i - 1].at > at) {
        s->agenda[i] = s->agenda[i - 1];
        i--;
    }
    s->agenda[i].at = at;
    s->agenda[i].step = st;
}

static int
heap_less(const struct heap_item *a, const struct heap_item *b)
{
    return a->at < b->at || (a->at == b->at && a->idx < b->idx);
}

static void
heap_push(struct ctx *c, int64_t at, int idx)
{
    int i = c->nheap++;

    c->heap[i].at = at;
    c->heap[i].idx = idx;
    while (i > 0 && heap_less(&c->heap[i], &c->heap[(i - 1) / 2])) {
        struct heap_item t = c->heap[i];
        c->heap[i] = c->heap[(i - 1) / 2];
        c->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static struct heap_item
heap_pop(struct ctx *c)
{
    struct heap_item top = c->heap[0];
    int i = 0;

    c->heap[0] = c->heap[--c->nheap];
    for (;;) {
        int l = 2 * i + 1, m = i;
        if (l < c->nheap && heap_less(&c->heap[l], &c->heap[m]))
            m = l;
        if (l + 1 < c->nheap && heap_less(&c->heap[l + 1], &c->heap[m]))
            m = l + 1;
        if (m == i)
            break;
        struct heap_item t = c->heap[i];
        c->heap[i] = c->heap[m];
        c->heap[m] = t;
        i = m;
    }
    return top;
}

/* ---- acting --------------------------------------------------------------- */

static int
refresh(struct ctx *c, struct scase *s)
{
    struct db_stmt *st;
    int rc;

    st = db_query(c->db, c->e,
                  "SELECT status, COALESCE(sign_due_at, 0), COALESCE(due_at, 0), "
                  "COALESCE(dispatched_at, 0) FROM cases WHERE id = ?",
                  "i", s->id);
    if (!st)
        return -1;
    rc = db_step(st, c->e);
    if (rc > 0) {
        snprintf(s->status, sizeof(s->status), "%s", db_col_text(st, 0));
        s->sign_due = db_col_int(st, 1);
        s->due = db_col_int(st, 2);
        s->dispatched_at = db_col_int(st, 3);
    }
    db_reset(st);
    if (rc == 0)
        return err_set(c->e, ERR_INTERNAL, NULL, "seed: case %lld vanished",
                       (long long)s->id);
    return rc < 0 ? rc : 0;
}

/* Takes the action; `args` is consumed. Aborts the seed on refusal. */
static int
act(struct ctx *c, struct scase *s, const struct user *u, const char *action,
    json_t *args, int64_t at)
{
    int rc;

    if (!u) {
        json_decref(args);
        return -1;
    }
    if (!args)
        BUG("seed: json_pack failed for %s", action);
    rc = case_act(c->db, u, s->id, action, args, at, c->e);
    json_decref(args);
    if (rc < 0) {
        log_error("msg=seed_action_refused case_id=%lld action=%s user=%s "
                  "status=%s error=\"%s\"",
                  (long long)s->id, action, u->username, s->status,
                  c->e->message);
        return rc;
    }
    c->acts++;
    return refresh(c, s);
}

static int
case_is_open(const struct scase *s)
{
    return s->id && strcmp(s->status, "closed") != 0 &&
           strcmp(s->status, "rejected") != 0 &&
           strcmp(s->status, "merged") != 0;
}

/* An open earlier case about the same kind of matter, from the last week. */
static int
find_merge_target(struct ctx *c, int me)
{
    const struct scase *s = &c->cases[me];

    for (int i = me - 1; i >= 0; i--) {
        const struct scase *t = &c->cases[i];
        if (t->created < s->created - 7 * DAY)
            break;
        if (case_is_open(t) && t->fate == FATE_NORMAL &&
            strcmp(seed_templates[t->tpl].cat, seed_templates[s->tpl].cat) == 0)
            return i;
    }
    return -1;
}

static int
do_create(struct ctx *c, int idx, int64_t at)
{
    struct scase *s = &c->cases[idx];
    struct rng *r = &s->rng;
    const struct seed_template *tp;
    struct case_new in;
    char *title = NULL, *content = NULL, *address = NULL, ext[32];
    struct buf ab;
    int caller = -1, rc;

    /* a duplicate of an open case (并件), else a fresh matter */
    s->merge_into = -1;
    if (rng_chance(r, 0.035)) {
        s->tpl = (int)rng_below(r, seed_templates_len); /* for the category */
        s->merge_into = find_merge_target(c, idx);
    }
    if (s->merge_into >= 0) {
        const struct scase *t = &c->cases[s->merge_into];
        int same_caller = rng_chance(r, 0.5);
        s->tpl = t->tpl;
        s->county = t->county;
        s->town = t->town;
        s->road = t->road;
        s->comm = t->comm;
        s->bld = t->bld;
        fill_values(s);
        if (same_caller) {
            /* t != s: find_merge_target only looks at earlier cases */
            memcpy(s->name, t->name, sizeof(s->name));
            memcpy(s->phone, t->phone, sizeof(s->phone));
        } else {
            make_name(r, s->name);
            make_phone(r, s->phone);
        }
        s->cat = cat_index(seed_templates[s->tpl].cat);
        s->channel = pick_channel(r);
        plan_case(c, s);
        s->fate = FATE_MERGE;
        s->anonymous = 0;
    } else {
        if (rng_chance(r, 0.22)) {
            const struct caller *k;
            caller = (int)rng_below(r, CALLER_POOL);
            k = &c->callers[caller];
            s->county = k->county;
            s->town = k->town;
            s->road = k->road;
            s->comm = k->comm;
            s->bld = k->bld;
            snprintf(s->name, sizeof(s->name), "%s", k->name);
            snprintf(s->phone, sizeof(s->phone), "%s", k->phone);
        } else {
            pick_place(c, r, &s->county, &s->town);
            s->road = (int)rng_below(r, 64);
            s->comm = (int)rng_below(r, 64);
            s->bld = 1 + (int)rng_below(r, 36);
            make_name(r, s->name);
            make_phone(r, s->phone);
        }
        s->tpl = pick_template(r, s->town, s->created);
        s->cat = cat_index(seed_templates[s->tpl].cat);
        fill_values(s);
        s->channel = pick_channel(r);
        plan_case(c, s);
    }
    tp = &seed_templates[s->tpl];
    s->lead_unit = -1;

    title = expand_dup(c, s, tp->title, at);
    content = expand_dup(c, s, tp->content, at);
    buf_init(&ab, 1024);
    add_address(&ab, s);
    if (town_is_urban(s->town) && seed_counties[s->county].urban)
        buf_addf(&ab, "%d号楼", s->bld);
    address = buf_detach(&ab, NULL);

    memset(&in, 0, sizeof(in));
    in.channel = s->channel;
    in.type = tp->type;
    in.urgency = s->urgency;
    in.title = title;
    in.content = content;
    in.category_code = tp->cat;
    in.district_code = seed_counties[s->county].code;
    in.address = address;
    if (rng_chance(r, 0.8)) {
        in.has_geo = 1;
        in.lat = seed_counties[s->county].lat + (rng_unit(r) - 0.5) * 0.04;
        in.lng = seed_counties[s->county].lng + (rng_unit(r) - 0.5) * 0.05;
    }
    in.anonymous = s->anonymous;
    in.citizen_name = s->anonymous ? NULL : s->name;
    in.citizen_phone = s->anonymous ? NULL : s->phone;
    in.confidential = s->confidential;
    if (strcmp(s->channel, "phone") != 0 && strcmp(s->channel, "web") != 0 &&
        strcmp(s->channel, "app") != 0) {
        snprintf(ext, sizeof(ext), "DEMO-%u-%06d", (unsigned)(s->rng.s >> 40),
                 idx);
        in.external_id = ext;
    }
    rc = case_create(c->db,
                     strcmp(s->channel, "phone") == 0 ? &c->agent : NULL, &in,
                     at, &s->id, c->e);
    free(title);
    free(content);
    free(address);
    if (rc < 0) {
        log_error("msg=seed_create_refused index=%d error=\"%s\"", idx,
                  c->e->message);
        return rc;
    }
    c->acts++;
    return refresh(c, s);
}

/* Plans the intake: accept, then dispatch, or reject / answer / merge. */
static void
plan_intake(struct scase *s, int64_t t)
{
    struct rng *r = &s->rng;
    int phone = strcmp(s->status, "accepted") == 0;
    int fast = strcmp(s->urgency, "normal") != 0;

    if (s->fate == FATE_REJECT) {
        agenda_add(s, phone ? t + rng_range(r, 2 * MINUTE, 8 * MINUTE)
                            : desk_time(r, t + rng_range(r, 20 * MINUTE, 5 * HOUR)),
                   ST_REJECT);
        return;
    }
    if (s->fate == FATE_ANSWER) {
        agenda_add(s, phone ? t + rng_range(r, 3 * MINUTE, 12 * MINUTE)
                            : desk_time(r, t + rng_range(r, 30 * MINUTE, 6 * HOUR)),
                   ST_ANSWER);
        return;
    }
    if (s->fate == FATE_MERGE) {
        agenda_add(s, desk_time(r, t + rng_range(r, 10 * MINUTE, 2 * HOUR)),
                   ST_MERGE);
        return;
    }
    if (!phone) {
        t = fast ? t + rng_range(r, 5 * MINUTE, 30 * MINUTE)
                 : desk_time(r, t + rng_range(r, 15 * MINUTE, 4 * HOUR));
        agenda_add(s, t, ST_ACCEPT);
    }
    if (strcmp(s->urgency, "emergency") == 0)
        t += rng_range(r, 3 * MINUTE, 10 * MINUTE);
    else if (fast)
        t += rng_range(r, 10 * MINUTE, 40 * MINUTE);
    else
        t = desk_time(r, t + rng_range(r, 20 * MINUTE, 3 * HOUR));
    agenda_add(s, t, ST_DISPATCH);
}

/* After a dispatch: the unit returns it (within the window) or signs. */
static void
plan_dispatched(struct scase *s, int64_t t)
{
    struct rng *r = &s->rng;

    if (strcmp(s->urgency, "emergency") == 0) {
        agenda_add(s, t + rng_range(r, 5 * MINUTE, 20 * MINUTE), ST_SIGN);
        return;
    }
    if (strcmp(s->urgency, "urgent") == 0) {
        agenda_add(s, t + rng_range(r, 20 * MINUTE, 2 * HOUR), ST_SIGN);
        return;
    }
    /* RULE return-window: units return within a day of the dispatch */
    if ((s->ret == RET_REDISPATCH && s->lead_unit == s->wrong_unit) ||
        s->ret == RET_DENY) {
        agenda_add(s, t + rng_range(r, HOUR, 6 * HOUR), ST_RETURN);
        return;
    }
    t = unit_time(r, t + rng_range(r, 10 * MINUTE, 5 * HOUR));
    if (rng_chance(r, 0.08))
        t = unit_time(r, t + rng_range(r, DAY, 2 * DAY)); /* signed late */
    agenda_add(s, t, ST_SIGN);
}

/* Within [lo, hi], at fraction f of the way. */
static int64_t
between(int64_t lo, int64_t hi, double f)
{
    return lo + (int64_t)((double)(hi - lo) * f);
}

/* After signing: assists, sub-units, extension, urging, then the reply. */
static void
plan_handling(struct ctx *c, struct scase *s, int64_t t)
{
    struct rng *r = &s->rng;
    /* a reopened case starts over from the reopening */
    int64_t base = s->replies > 0 ? t : s->dispatched_at;
    int64_t reply, lo, hi, span = s->due - base;

    if (span < HOUR)
        span = HOUR;
    if (strcmp(s->urgency, "normal") != 0)
        reply = base + (int64_t)((double)span * (0.3 + 0.5 * rng_unit(r)));
    else if (s->stalled && s->replies == 0)
        reply = unit_time(r, s->due + rng_range(r, 8 * DAY, 40 * DAY));
    else if (s->late)
        reply = unit_time(r, s->due + rng_range(r, HOUR, 4 * DAY));
    else
        reply = unit_time(r, base +
                                 (int64_t)((double)span * (0.2 + 0.6 * rng_unit(r))));
    if (reply < t + HOUR)
        reply = t + rng_range(r, HOUR, 3 * HOUR);

    /* RULE extension-2wd: ask while >= 2 (working) days remain; the margin
     * keeps this valid when deadlines move to the working-day calendar */
    if (s->ext && s->replies == 0) {
        int64_t req = t + rng_range(r, 2 * HOUR, DAY);
        if (s->due - req >= 3 * DAY && workdays_between(req, s->due) >= 3) {
            int64_t dec = req + rng_range(r, HOUR, 20 * HOUR);
            agenda_add(s, req, ST_REQ_EXT);
            agenda_add(s, dec, ST_DEC_EXT);
            if (s->ext == 1)
                reply = unit_time(r, s->due + (int64_t)((double)s->ext_days *
                                                        DAY *
                                                        (0.2 + 0.6 * rng_unit(r))));
            if (reply < dec + HOUR)
                reply = dec + rng_range(r, HOUR, DAY);
        } else {
            s->ext = 0;
        }
    }
    lo = t + 5 * MINUTE;
    hi = reply - 5 * MINUTE;
    if (s->replies == 0) {
        if (s->assist_unit >= 0) {
            agenda_add(s, between(lo, hi, 0.1 + 0.2 * rng_unit(r)), ST_ASSIST_SIGN);
            agenda_add(s, between(lo, hi, 0.4 + 0.4 * rng_unit(r)),
                       ST_ASSIST_OPINION);
        }
        if (s->sub_unit >= 0 && s->lead_unit == c->county_unit[s->county]) {
            agenda_add(s, between(lo, hi, 0.02 + 0.08 * rng_unit(r)),
                       ST_SUBDISPATCH);
            agenda_add(s, between(lo, hi, 0.15 + 0.2 * rng_unit(r)), ST_SUB_SIGN);
            agenda_add(s, between(lo, hi, 0.45 + 0.4 * rng_unit(r)),
                       ST_SUB_OPINION);
        }
        if (s->urge && s->due - DAY > lo && s->due - DAY < hi)
            agenda_add(s, s->due - DAY + rng_range(r, 0, 6 * HOUR) < hi
                              ? s->due - DAY + rng_range(r, 0, 6 * HOUR)
                              : s->due - DAY,
                       ST_URGE);
        if (s->late && s->due + 6 * HOUR < hi)
            agenda_add(s, s->due + rng_range(r, 2 * HOUR, 6 * HOUR), ST_SUPERVISE);
        if (s->note)
            agenda_add(s, between(lo, hi, 0.3 + 0.6 * rng_unit(r)), ST_NOTE);
    }
    agenda_add(s, reply, ST_REPLY);
}

static void
plan_replied(struct scase *s, int64_t t)
{
    struct rng *r = &s->rng;

    if (s->review_reject && s->replies == 1) {
        agenda_add(s, desk_time(r, t + rng_range(r, HOUR, 10 * HOUR)),
                   ST_REVIEW_REJECT);
        return;
    }
    if (s->close_no_visit) {
        agenda_add(s, desk_time(r, t + rng_range(r, DAY, 3 * DAY)), ST_CLOSE);
        return;
    }
    agenda_add(s, desk_time(r, t + rng_range(r, 6 * HOUR, 72 * HOUR)), ST_VISIT);
}

static const char *const satisfactions[] = {"satisfied", "basically_satisfied",
                                            "unsatisfied"};

static int
run_step(struct ctx *c, int idx, enum step st, int64_t t)
{
    struct scase *s = &c->cases[idx];
    struct rng *r = &s->rng;
    const struct seed_template *tp;
    const struct user *u;
    json_t *args;
    char *text;
    int rc;

    c->counts[st]++;
    if (st == ST_CREATE) {
        if (do_create(c, idx, t) < 0)
            return -1;
        plan_intake(s, t);
        return 0;
    }
    tp = &seed_templates[s->tpl];
    switch (st) {
    case ST_CREATE:
        break;
    case ST_ACCEPT:
        return act(c, s, rng_chance(r, 0.3) ? &c->agent : &c->dispatcher,
                   "accept", json_object(), t);
    case ST_REJECT:
        return act(c, s,
                   strcmp(s->status, "accepted") == 0 && strcmp(s->channel, "phone") == 0
                       ? &c->agent
                       : &c->dispatcher,
                   "reject",
                   json_pack("{s:s}", "reason",
                             tp->answer && (tp->flags & TPL_SPAM)
                                 ? tp->answer
                                 : "诉求内容不完整，多次联系诉求人未果，无法核实具体事项，不予受理。"),
                   t);
    case ST_ANSWER:
        return act(c, s,
                   strcmp(s->channel, "phone") == 0 ? &c->agent : &c->dispatcher,
                   "answer", json_pack("{s:s}", "reply", tp->answer), t);
    case ST_MERGE: {
        const struct scase *target =
            s->merge_into >= 0 ? &c->cases[s->merge_into] : NULL;
        if (target && case_is_open(target))
            return act(c, s, &c->dispatcher, "merge",
                       json_pack("{s:I}", "into", (json_int_t)target->id), t);
        /* the earlier case was closed meanwhile: handle this one on its own */
        s->fate = FATE_NORMAL;
        plan_intake(s, t);
        return 0;
    }
    case ST_DISPATCH: {
        json_t *assists = json_array();
        int lead = s->ret == RET_REDISPATCH && s->lead_unit != s->wrong_unit &&
                           strcmp(s->status, "accepted") == 0
                       ? s->wrong_unit
                       : s->right_unit;
        if (s->assist_unit >= 0 && lead == s->right_unit)
            json_array_append_new(assists,
                                  json_integer(c->units[s->assist_unit].id));
        args = json_pack("{s:I, s:o, s:s}", "lead_unit_id",
                         (json_int_t)c->units[lead].id, "assist_unit_ids",
                         assists, "note",
                         strcmp(s->urgency, "normal") != 0
                             ? "紧急件，请立即处置并及时反馈！"
                             : "请按时限办理，及时联系市民并答复。");
        s->lead_unit = lead;
        rc = act(c, s, &c->dispatcher, "dispatch", args, t);
        if (rc < 0)
            return rc;
        plan_dispatched(s, t);
        return 0;
    }
    case ST_RETURN: {
        char reason[512];
        u = unit_user(c, s->lead_unit, 0);
        if (s->lead_unit == s->wrong_unit)
            snprintf(reason, sizeof(reason),
                     "经核实，该诉求反映的事项属于%s职责范围，不属于我单位管辖，申请退回改派。",
                     c->units[s->right_unit].name);
        else
            snprintf(reason, sizeof(reason), "%s",
                     "该事项涉及多个部门职责，我单位不是主责单位，申请退回。");
        rc = act(c, s, u, "return", json_pack("{s:s}", "reason", reason), t);
        if (rc < 0)
            return rc;
        if (s->ret == RET_DENY)
            agenda_add(s, desk_time(r, t + rng_range(r, HOUR, 8 * HOUR)),
                       ST_DENY_RETURN);
        else
            agenda_add(s, desk_time(r, t + rng_range(r, 30 * MINUTE, 30 * HOUR)),
                       ST_DISPATCH);
        s->ret = s->ret == RET_DENY ? RET_NONE : s->ret;
        return 0;
    }
    case ST_DENY_RETURN:
        rc = act(c, s, &c->dispatcher, "deny_return",
                 json_pack("{s:s}", "reason",
                           "经核实，该事项属于贵单位职责范围，退回理由不成立，请按时办理。"),
                 t);
        if (rc < 0)
            return rc;
        agenda_add(s, unit_time(r, t + rng_range(r, 30 * MINUTE, 4 * HOUR)), ST_SIGN);
        return 0;
    case ST_SIGN:
        rc = act(c, s, unit_user(c, s->lead_unit, 0), "sign", json_object(), t);
        if (rc < 0)
            return rc;
        plan_handling(c, s, t);
        return 0;
    case ST_ASSIST_SIGN:
        return act(c, s, unit_user(c, s->assist_unit, 0), "sign", json_object(), t);
    case ST_ASSIST_OPINION:
        return act(c, s, unit_user(c, s->assist_unit, 0), "opinion",
                   json_pack("{s:s}", "text",
                             "我单位已配合主办单位到现场核查，相关情况和处理意见已反馈主办单位。"),
                   t);
    case ST_SUBDISPATCH:
        return act(c, s, unit_user(c, s->lead_unit, 1), "subdispatch",
                   json_pack("{s:I, s:s}", "unit_id",
                             (json_int_t)c->units[s->sub_unit].id, "note",
                             "请街道（乡镇）现场核实处理，并将情况反馈区（县）里。"),
                   t);
    case ST_SUB_SIGN:
        return act(c, s, unit_user(c, s->sub_unit, 0), "sign", json_object(), t);
    case ST_SUB_OPINION:
        return act(c, s, unit_user(c, s->sub_unit, 0), "opinion",
                   json_pack("{s:s}", "text",
                             "已安排社区网格员到现场核实，情况属实，已配合处理，处理情况已上报。"),
                   t);
    case ST_REQ_EXT:
        return act(c, s, unit_user(c, s->lead_unit, 0), "request_extension",
                   json_pack("{s:i, s:s}", "days", s->ext_days, "reason",
                             "该问题需协调相关部门并现场勘查、制定维修（整改）方案，"
                             "施工周期较长，申请延期办理。"),
                   t);
    case ST_DEC_EXT: {
        int64_t ext_id = 0;
        rc = db_query_int(c->db, c->e, &ext_id,
                          "SELECT id FROM extensions WHERE case_id = ? AND "
                          "status = 'pending' ORDER BY id DESC",
                          "i", s->id);
        if (rc <= 0) {
            if (rc == 0)
                err_set(c->e, ERR_INTERNAL, NULL,
                        "seed: case %lld has no pending extension",
                        (long long)s->id);
            return -1;
        }
        return act(c, s, rng_chance(r, 0.8) ? &c->dispatcher : &c->supervisor,
                   "decide_extension",
                   json_pack("{s:I, s:b, s:s}", "extension_id", (json_int_t)ext_id,
                             "approve", s->ext == 1, "note",
                             s->ext == 1 ? "情况属实，同意延期，请在延长期限内办结。"
                                         : "该事项可在原时限内办结，不同意延期。"),
                   t);
    }
    case ST_URGE:
        return act(c, s, rng_chance(r, 0.7) ? &c->dispatcher : &c->supervisor, "urge",
                   json_pack("{s:s}", "note", "该件即将到期，请抓紧办理，按时答复市民。"),
                   t);
    case ST_SUPERVISE:
        return act(c, s, &c->supervisor, "supervise",
                   json_pack("{s:s}", "note",
                             "该件已超过办理时限，请单位负责同志督促落实，尽快办结并反馈办理情况。"),
                   t);
    case ST_NOTE:
        return act(c, s, &c->agent, "note",
                   json_pack("{s:s}", "text", "市民来电询问办理进度，已告知正在办理中。"),
                   t);
    case ST_REPLY: {
        struct buf b;
        buf_init(&b, 8192);
        expand(c, s, reply_for(s), t, &b);
        if (s->replies > 0) {
            buf_adds(&b, "针对您再次反映的问题，我单位已于");
            add_date(&b, t);
            buf_adds(&b, "再次安排人员现场核实处理，后续将持续跟踪。");
        }
        if (b.failed)
            BUG("seed reply too long");
        text = buf_detach(&b, NULL);
        args = json_pack("{s:s, s:s, s:b, s:b}", "reply", text, "internal_note",
                         "已电话联系诉求人，并到现场核实。", "contacted",
                         rng_chance(r, 0.93), "resolved", s->satisfaction < 2);
        free(text);
        rc = act(c, s, unit_user(c, s->lead_unit, 0), "reply", args, t);
        if (rc < 0)
            return rc;
        s->replies++;
        plan_replied(s, t);
        return 0;
    }
    case ST_REVIEW_REJECT:
        rc = act(c, s, &c->dispatcher, "review_reject",
                 json_pack("{s:s}", "reason",
                           "答复内容未说明具体处理结果，请补充处理过程和结果后重新答复。"),
                 t);
        if (rc < 0)
            return rc;
        agenda_add(s, unit_time(r, t + rng_range(r, 4 * HOUR, 2 * DAY)), ST_REPLY);
        return 0;
    case ST_VISIT: {
        int sat = s->visits == 0 ? s->satisfaction : rng_chance(r, 0.7) ? 0 : 1;
        static const char *const notes[] = {
            "市民对办理结果表示满意。", "市民表示问题基本解决，基本满意。",
            "市民表示问题未解决，对处理结果不满意。"};
        rc = act(c, s, rng_chance(r, 0.8) ? &c->agent : &c->dispatcher, "visit",
                 json_pack("{s:s, s:b, s:s}", "satisfaction", satisfactions[sat],
                           "resolved", sat == 0 || (sat == 1 && rng_chance(r, 0.8)),
                           "note", notes[sat]),
                 t);
        if (rc < 0)
            return rc;
        s->visits++;
        if (sat == 2 && s->reopen && s->visits == 1)
            agenda_add(s, desk_time(r, t + rng_range(r, 2 * HOUR, 2 * DAY)), ST_REOPEN);
        return 0;
    }
    case ST_CLOSE:
        return act(c, s, &c->dispatcher, "close",
                   json_pack("{s:s}", "reason", "三次回访均未接通，按期办结。"), t);
    case ST_REOPEN:
        rc = act(c, s, rng_chance(r, 0.7) ? &c->dispatcher : &c->supervisor, "reopen",
                 json_pack("{s:s}", "reason",
                           "回访时市民表示问题仍未解决，对答复不满意，请重新办理。"),
                 t);
        if (rc < 0)
            return rc;
        s->close_no_visit = 0;
        s->review_reject = 0;
        plan_handling(c, s, t);
        return 0;
    }
    return 0;
}

/* ---- creation times ------------------------------------------------------ */

static double
day_weight(int64_t day_start)
{
    struct civil cv;
    double w = is_holiday_or_weekend(day_start + 12 * HOUR) ? 0.6 : 1.0;

    time_city(day_start + 12 * HOUR, &cv);
    if (cv.month == 11 && cv.day <= 15)
        w *= 1.5;
    else if (cv.month == 11 || cv.month == 12)
        w *= 1.2;
    return w;
}

/* Calls per hour of the day (city time). */
static const double hour_weight[24] = {
    0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 0.8, 2.5, 6, 8, 8.5, 7.5,
    5.5, 6, 7.5, 7.5, 7, 6, 5, 4.5, 4, 3, 1.8, 0.9,
};

static int
cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static int64_t *
creation_times(int n, int64_t now, unsigned seed)
{
    struct rng r = {(uint64_t)seed * 0x9E3779B97F4A7C15ull + 1};
    int64_t first = time_city_midnight(now) - (SPAN_DAYS - 1) * (int64_t)DAY;
    double dw[SPAN_DAYS], dtotal = 0, htotal = 0;
    int64_t *t = xcalloc((size_t)(n ? n : 1), sizeof(int64_t));

    for (int d = 0; d < SPAN_DAYS; d++)
        dtotal += dw[d] = day_weight(first + (int64_t)d * DAY);
    for (int h = 0; h < 24; h++)
        htotal += hour_weight[h];
    for (int i = 0; i < n; i++) {
        for (;;) {
            double x = rng_unit(&r) * dtotal, y = rng_unit(&r) * htotal;
            int d = 0, h = 0;
            while (d < SPAN_DAYS - 1 && (x -= dw[d]) >= 0)
                d++;
            while (h < 23 && (y -= hour_weight[h]) >= 0)
                h++;
            t[i] = first + (int64_t)d * DAY + h * HOUR + rng_range(&r, 0, HOUR);
            if (t[i] < now - 10 * MINUTE)
                break;
        }
    }
    qsort(t, (size_t)n, sizeof(int64_t), cmp_int64);
    return t;
}

/* ---- entry point ---------------------------------------------------------- */

int
seed_cases(struct db *db, int n, int64_t now, unsigned seed, struct err *e)
{
    struct ctx c;
    int64_t *times = NULL;
    int in_tx = 0, rc = -1;
    long last_commit = 0;

    memset(&c, 0, sizeof(c));
    c.db = db;
    c.now = now;
    c.e = e;
    if (n < 0 || n > 1000000)
        return err_set(e, ERR_VALIDATION, "n", "n: must be 0..1000000");
    if (load_world(&c) < 0)
        goto out;
    init_callers(&c, seed);
    times = creation_times(n, now, seed);
    c.cases = xcalloc((size_t)(n ? n : 1), sizeof(*c.cases));
    c.heap = xcalloc((size_t)(n ? n : 1), sizeof(*c.heap));
    c.ncases = n;
    for (int i = 0; i < n; i++) {
        struct scase *s = &c.cases[i];
        s->rng.s = ((uint64_t)seed << 32) ^ ((uint64_t)i * 0xD1B54A32D192ED03ull);
        rng_next(&s->rng);
        s->created = times[i];
        s->lead_unit = -1;
        s->merge_into = -1;
        agenda_add(s, times[i], ST_CREATE);
        heap_push(&c, s->agenda[0].at, i);
    }

    if (db_begin(db, e) < 0)
        goto out;
    in_tx = 1;
    while (c.nheap > 0 && c.heap[0].at <= now) {
        struct heap_item top = heap_pop(&c);
        struct scase *s = &c.cases[top.idx];
        struct agenda_item it = s->agenda[0];

        memmove(&s->agenda[0], &s->agenda[1],
                (size_t)(s->nagenda - 1) * sizeof(s->agenda[0]));
        s->nagenda--;
        s->last_at = it.at;
        if (run_step(&c, top.idx, it.step, it.at) < 0) {
            log_error("msg=seed_aborted case_index=%d step=%s at=%lld error=\"%s\"",
                      top.idx, step_names[it.step], (long long)it.at, e->message);
            goto out;
        }
        if (s->nagenda > 0)
            heap_push(&c, s->agenda[0].at, top.idx);
        if (c.acts - last_commit >= ACTS_PER_TX) {
            if (db_commit(db, e) < 0) {
                in_tx = 0;
                goto out;
            }
            in_tx = 0;
            if (db_begin(db, e) < 0)
                goto out;
            in_tx = 1;
            last_commit = c.acts;
        }
    }
    in_tx = 0;
    if (db_commit(db, e) < 0)
        goto out;
    log_info("msg=seed_cases_done cases=%d actions=%ld returns=%ld merges=%ld "
             "extensions=%ld reopens=%ld",
             n, c.acts, c.counts[ST_RETURN], c.counts[ST_MERGE],
             c.counts[ST_REQ_EXT], c.counts[ST_REOPEN]);
    rc = 0;
out:
    if (in_tx)
        db_rollback(db);
    free(times);
    free_world(&c);
    return rc;
}
