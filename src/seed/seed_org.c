/* seed_org.c — districts, the unit tree, categories and the demo users.
 *
 * Runs once per test server, so it must stay fast: one transaction and one
 * password hash for all users (DEMO ONLY: every demo user shares the hash of
 * "demo-pass-2026").
 */
#include "common.h"

#include <stdio.h>

#include "org/auth.h"
#include "seed/seed.h"
#include "kb/kb.h" /* knowledge base: demo articles */
#include "seed/seed_data.h"

#define PLATFORM_CODE "platform"

struct seed_unit_def {
    const char *code;
    const char *name;
    const char *phone;   /* old hotline folded into 12345, or service line */
    const char *contact;
};

/* City departments (市直部门). National special-service numbers (12315,
 * 12369, ...) are the lines the 12345 reform folds in; 0416 numbers are
 * made up for the demo. */
static const struct seed_unit_def departments[] = {
    {"zjj", "市住房和城乡建设局", "12319", "王科长"},
    {"zrzyj", "市自然资源局", "12336", "李科长"},
    {"sthjj", "市生态环境局", "12369", "赵科长"},
    {"jtj", "市交通运输局", "12328", "刘科长"},
    {"scjgj", "市市场监督管理局", "12315", "陈科长"},
    {"rsj", "市人力资源和社会保障局", "12333", "孙科长"},
    {"jyj", "市教育局", "0416-2100101", "周科长"},
    {"wjw", "市卫生健康委员会", "12320", "吴科长"},
    {"gaj", "市公安局", "0416-2100102", "郑科长"},
    {"cgj", "市城市管理综合行政执法局", "0416-2100103", "冯科长"},
    {"mzj", "市民政局", "12349", "褚科长"},
    {"ybj", "市医疗保障局", "12393", "卫科长"},
    {"gjj", "市住房公积金管理中心", "12329", "蒋主任"},
    {"slj", "市水利局", "12314", "沈科长"},
    {"nyncj", "市农业农村局", "12316", "韩科长"},
    {"swj", "市商务局", "12312", "杨科长"},
    {"wlgdj", "市文化旅游和广播电视局", "12318", "朱科长"},
    {"yjj", "市应急管理局", "12350", "秦科长"},
    {"tyjrj", "市退役军人事务局", "0416-2100104", "尤科长"},
    {"swuj", "国家税务总局锦州市税务局", "12366", "许科长"},
    {"bdc", "市不动产登记中心", "0416-2100105", "何主任"},
    {"yshj", "市营商环境建设局", "0416-2100106", "吕科长"},
    {"sfj", "市司法局", "12348", "施科长"},
    {"fgw", "市发展和改革委员会", "12358", "张科长"},
    {"gxj", "市工业和信息化局", "0416-2100107", "孔科长"},
    {"czj", "市财政局", "0416-2100108", "曹科长"},
    {"xfj", "市信访局", "0416-2100109", "严科长"},
};

/* Public-service companies. 0416 numbers are made up. */
static const struct seed_unit_def companies[] = {
    {"water", "锦州水务集团", "0416-2200001", "供水客服中心"},
    {"power", "国网锦州供电公司", "95598", "供电服务指挥中心"},
    {"heat", "锦州热力集团", "0416-2200002", "供热客服中心"},
    {"gas", "锦州燃气公司", "0416-2200003", "燃气客服中心"},
    {"bus", "锦州公交集团", "0416-2200004", "运营调度中心"},
    {"cmcc", "中国移动锦州分公司", "10086", "客户服务中心"},
    {"cucc", "中国联通锦州分公司", "10010", "客户服务中心"},
};

static const struct {
    const char *username;
    const char *name;
    const char *role;
} platform_users[] = {
    {"admin", "刘洋", "admin"},
    {"agent", "王芳", "agent"},
    {"dispatcher", "陈静", "dispatcher"},
    {"supervisor", "赵磊", "supervisor"},
    {"leader", "李建国", "leader"},
};

static int
insert_unit(struct db *db, int64_t parent_id, const char *parent_path,
            const char *code, const char *name, const char *kind,
            const char *district_code, const char *phone, const char *contact,
            int64_t sort, int64_t now, int64_t *id, char *path, size_t pathsz,
            struct err *e)
{
    int rc;

    rc = db_query_int(db, e, id,
                      "INSERT INTO units (parent_id, code, name, kind, "
                      "district_code, phone, contact, sort, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                      "zttttttii", parent_id, code, name, kind, district_code,
                      phone, contact, sort, now);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return err_set(e, ERR_INTERNAL, NULL, "units: insert returned no id");
    snprintf(path, pathsz, "%s%lld/", parent_path ? parent_path : "/",
             (long long)*id);
    if (db_exec(db, e, "UPDATE units SET path = ? WHERE id = ?", "ti", path,
                *id) < 0)
        return -1;
    return 0;
}

static int
insert_user(struct db *db, const char *username, const char *name,
            const char *role, int64_t unit_id, const char *hash, int64_t now,
            struct err *e)
{
    if (db_exec(db, e,
                "INSERT INTO users (username, name, role, unit_id, "
                "password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                "tttiti", username, name, role, unit_id, hash, now) < 0)
        return -1;
    return 0;
}

/* A made-up but stable person name for the n-th demo user. */
static void
person_name(unsigned n, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s%s",
             seed_surnames[(n * 7u + 3u) % seed_surnames_len],
             seed_given_names[(n * 11u + 5u) % seed_given_names_len]);
}

static int
insert_unit_users(struct db *db, const char *code, int64_t unit_id,
                  const char *hash, unsigned *n, int64_t now, struct err *e)
{
    char username[96], name[64];

    snprintf(username, sizeof(username), "%s.handler", code);
    person_name((*n)++, name, sizeof(name));
    if (insert_user(db, username, name, "handler", unit_id, hash, now, e) < 0)
        return -1;
    snprintf(username, sizeof(username), "%s.admin", code);
    person_name((*n)++, name, sizeof(name));
    if (insert_user(db, username, name, "unit_admin", unit_id, hash, now, e) < 0)
        return -1;
    return 0;
}

static int
seed_districts(struct db *db, struct err *e)
{
    for (size_t i = 0; i < seed_counties_len; i++) {
        if (db_exec(db, e,
                    "INSERT INTO districts (code, parent_code, name, level) "
                    "VALUES (?, NULL, ?, 1)",
                    "tt", seed_counties[i].code, seed_counties[i].name) < 0)
            return -1;
    }
    for (size_t i = 0; i < seed_townships_len; i++) {
        const struct seed_township *t = &seed_townships[i];
        if (db_exec(db, e,
                    "INSERT INTO districts (code, parent_code, name, level) "
                    "VALUES (?, ?, ?, 2)",
                    "ttt", t->code, t->county_code, t->name) < 0)
            return -1;
    }
    return 0;
}

/* Township units that handle cases: every 街道, 镇, 乡 and farm; not the
 * prison (监狱), which takes no public appeals. */
static int
township_is_unit(const struct seed_township *t)
{
    return strstr(t->name, "监狱") == NULL;
}

static int
seed_units_and_users(struct db *db, const char *hash, int64_t now,
                     struct err *e)
{
    char ppath[64], path[64], spath[64], phone[32], contact[64];
    int64_t pid, id, sid, sort = 0;
    unsigned n = 0;

    if (insert_unit(db, 0, NULL, PLATFORM_CODE, "锦州市12345政务服务便民热线中心",
                    "platform", NULL, "12345", "热线中心值班室", sort++, now,
                    &pid, ppath, sizeof(ppath), e) < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(platform_users); i++) {
        if (insert_user(db, platform_users[i].username, platform_users[i].name,
                        platform_users[i].role, pid, hash, now, e) < 0)
            return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(departments); i++) {
        const struct seed_unit_def *d = &departments[i];
        if (insert_unit(db, pid, ppath, d->code, d->name, "department", NULL,
                        d->phone, d->contact, sort++, now, &id, path,
                        sizeof(path), e) < 0 ||
            insert_unit_users(db, d->code, id, hash, &n, now, e) < 0)
            return -1;
    }
    for (size_t i = 0; i < seed_counties_len; i++) {
        const struct seed_county *c = &seed_counties[i];
        snprintf(phone, sizeof(phone), "0416-23%05u", (unsigned)(i + 1) * 101);
        snprintf(contact, sizeof(contact), "%s12345热线工作站", c->name);
        if (insert_unit(db, pid, ppath, c->code, c->name, "district", c->code,
                        phone, contact, sort++, now, &id, path, sizeof(path),
                        e) < 0 ||
            insert_unit_users(db, c->code, id, hash, &n, now, e) < 0)
            return -1;
        for (size_t j = 0; j < seed_townships_len; j++) {
            const struct seed_township *t = &seed_townships[j];
            if (strcmp(t->county_code, c->code) != 0 || !township_is_unit(t))
                continue;
            snprintf(phone, sizeof(phone), "0416-24%05u", (unsigned)j + 1);
            if (insert_unit(db, id, path, t->code, t->name, "street", t->code,
                            phone, "综合便民服务中心", sort++, now, &sid, spath,
                            sizeof(spath), e) < 0 ||
                insert_unit_users(db, t->code, sid, hash, &n, now, e) < 0)
                return -1;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(companies); i++) {
        const struct seed_unit_def *d = &companies[i];
        if (insert_unit(db, pid, ppath, d->code, d->name, "company", NULL,
                        d->phone, d->contact, sort++, now, &id, path,
                        sizeof(path), e) < 0 ||
            insert_unit_users(db, d->code, id, hash, &n, now, e) < 0)
            return -1;
    }
    return 0;
}

static int
seed_category_tree(struct db *db, struct err *e)
{
    int64_t id, unit_id, parent_id = 0;
    int rc;

    for (size_t i = 0; i < seed_categories_len; i++) {
        const struct seed_category *c = &seed_categories[i];
        int top = strlen(c->code) == 2;

        unit_id = 0;
        if (c->unit) {
            rc = db_query_int(db, e, &unit_id,
                              "SELECT id FROM units WHERE code = ?", "t",
                              c->unit);
            if (rc < 0)
                return rc;
            if (rc == 0)
                BUG("category %s: default unit '%s' not seeded", c->code,
                    c->unit);
        }
        rc = db_query_int(db, e, &id,
                          "INSERT INTO categories (parent_id, code, name, "
                          "default_unit_id, sort) VALUES (?, ?, ?, ?, ?) "
                          "RETURNING id",
                          "zttzi", top ? (int64_t)0 : parent_id, c->code,
                          c->name, unit_id, (int64_t)i);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return err_set(e, ERR_INTERNAL, NULL,
                           "categories: insert returned no id");
        if (top)
            parent_id = id;
    }
    return 0;
}

int
seed_org(struct db *db, int64_t now, struct err *e)
{
    char hash[PASSWORD_HASH_MAX];
    int64_t nunits = 0;
    int rc;

    rc = db_query_int(db, e, &nunits, "SELECT count(*) FROM units", "");
    if (rc < 0)
        return rc;
    if (nunits > 0)
        return err_set(e, ERR_CONFLICT, NULL,
                       "seed: the database already has %lld units",
                       (long long)nunits);
    /* DEMO ONLY: one argon2id hash (one salt) shared by every demo user. */
    if (password_hash(SEED_DEMO_PASSWORD, hash) != 0)
        return err_set(e, ERR_INTERNAL, NULL, "seed: password hash failed");

    if (db_begin(db, e) < 0)
        return -1;
    if (seed_districts(db, e) < 0 || seed_units_and_users(db, hash, now, e) < 0 ||
        seed_category_tree(db, e) < 0)
        goto fail;
    if (seed_kb(db, now, e) < 0) /* knowledge base: demo articles */
        goto fail;
    if (db_commit(db, e) < 0)
        goto fail;
    log_info("msg=seed_org_done");
    return 0;
fail:
    db_rollback(db);
    return -1;
}

void
seed_print_logins(struct db *db, FILE *out)
{
    static const char *const samples[] = {
        "heat.handler", "zjj.handler", "210702.admin", "210702002.handler",
    };
    struct err e = ERR_INIT;
    struct db_stmt *st;
    int rc;

    fprintf(out, "Demo logins (password for all: %s — demo only)\n",
            SEED_DEMO_PASSWORD);
    fprintf(out, "  %-22s %-12s %s\n", "username", "role", "unit");
    for (size_t i = 0; i < ARRAY_SIZE(platform_users) + ARRAY_SIZE(samples);
         i++) {
        const char *name = i < ARRAY_SIZE(platform_users)
                               ? platform_users[i].username
                               : samples[i - ARRAY_SIZE(platform_users)];
        st = db_query(db, &e,
                      "SELECT u.username, u.role, n.name FROM users u "
                      "JOIN units n ON n.id = u.unit_id WHERE u.username = ?",
                      "t", name);
        if (!st)
            break;
        rc = db_step(st, &e);
        if (rc > 0)
            fprintf(out, "  %-22s %-12s %s\n", db_col_text(st, 0),
                    db_col_text(st, 1), db_col_text(st, 2));
        db_reset(st);
        if (rc < 0)
            break;
    }
    if (e.code != ERR_OK)
        fprintf(out, "  (could not read users: %s)\n", e.message);
    fprintf(out,
            "  Every unit has <unit code>.handler (handler) and "
            "<unit code>.admin (unit_admin).\n"
            "  Unit codes: departments by pinyin initials (zjj, sthjj, ...), "
            "companies (water, power, heat, gas, bus, cmcc, cucc),\n"
            "  districts and streets by their division code (210702, "
            "210702002, zones 2107F1 ...); see docs/demo-data.md.\n");
}
