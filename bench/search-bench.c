/* search-bench.c — search latency over synthetic cases and articles.
 *
 * Built and run by bench/search-latency.sh against the server's own objects
 * (the real tokenizer, text/search.c and the cases list of cases/view.c).
 *
 *   search-bench DB NCASES NARTICLES ROUNDS
 *
 * Fills DB (a scratch SQLite file) with NCASES synthetic cases — direct
 * INSERTs into cases plus their index rows, 10,000 per transaction — and
 * NARTICLES synthetic article index rows (search_kb), unless they are
 * already there; then times, ROUNDS times each, 2- and 4-character queries:
 * the index alone (search_query), the cases list a dispatcher gets for q=
 * (case_list: count + first page of 20 by relevance) and the
 * knowledge-base search (any-term, top 10). Prints p50/p99 in ms.
 */
#include "common.h"

#include <jansson.h>
#include <time.h>

#include "cases/view.h"
#include "db/db.h"
#include "org/user.h"
#include "text/search.h"
#include "util/buf.h"

static const char *const clauses[] = {
    "小区停水", "停水通知没有提前张贴", "楼上住户深夜制造噪音", "噪音扰民严重",
    "供暖温度不达标", "室温只有十五度", "物业收费不合理", "物业不作为",
    "路灯不亮已经一周", "道路破损严重", "下雨后路面积水", "垃圾清运不及时",
    "烧烤店油烟扰民", "公交车晚点", "出租车拒载", "占道经营",
    "违章建筑", "施工扬尘", "夜间施工", "电梯经常故障", "燃气价格上涨",
    "居住证办理流程", "社保缴费基数", "公积金提取", "医保报销比例",
    "户籍迁移需要哪些材料", "不动产登记", "孩子入学", "拖欠工资",
    "商家虚假宣传", "食品安全问题", "共享单车乱停放", "小区绿化被毁",
    "楼道堆放杂物", "消防通道被占", "宠物扰民", "广场舞音响太大",
    "自来水发黄", "下水道堵塞", "暖气管道漏水", "希望有关部门尽快处理",
    "多次反映未解决", "影响居民正常生活", "请求相关部门核实", "市民反映",
};
#define NCLAUSES (sizeof(clauses) / sizeof(clauses[0]))

static uint64_t rng = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Skewed choice: low indexes (停水, 噪音, ...) are common, high ones rare. */
static const char *
clause(void)
{
    unsigned a = rnd(NCLAUSES), b = rnd(NCLAUSES);

    return clauses[a < b ? a : b];
}

static void
make_text(struct buf *b, int nclauses)
{
    buf_reset(b);
    for (int i = 0; i < nclauses; i++) {
        buf_adds(b, clause());
        buf_adds(b, i + 1 < nclauses ? "，" : "。");
    }
}

static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
fill_cases(struct db *db, int64_t want, struct err *e)
{
    struct buf title, content;
    int64_t have = 0, id;
    char no[32];
    double t0 = now_ms();

    if (db_query_int(db, e, &have, "SELECT COUNT(*) FROM cases", "") < 0)
        return -1;
    buf_init(&title, 4096);
    buf_init(&content, 4096);
    for (int64_t i = have; i < want; i++) {
        if ((i - have) % 10000 == 0 && db_begin(db, e) < 0)
            return -1;
        make_text(&title, 1);
        make_text(&content, 3 + (int)rnd(6));
        snprintf(no, sizeof(no), "B%011lld", (long long)i);
        if (db_query_int(db, e, &id,
                         "INSERT INTO cases (case_no, query_code, channel, "
                         "type, urgency, status, title, content, created_at, "
                         "updated_at) VALUES (?, 'x', 'phone', 'complain', "
                         "'normal', 'accepted', ?, ?, ?, ?) RETURNING id",
                         "tttii", no, title.data, content.data,
                         (int64_t)1700000000 + i, (int64_t)1700000000 + i) <= 0)
            return -1;
        {
            const char *f[2] = {title.data, content.data};

            if (search_index_fields(db, SEARCH_CASES, id, f, 2, e) < 0)
                return -1;
        }
        if (((i - have) % 10000 == 9999 || i + 1 == want) &&
            db_commit(db, e) < 0)
            return -1;
    }
    if (want > have)
        fprintf(stderr, "inserted %lld cases in %.1f s\n",
                (long long)(want - have), (now_ms() - t0) / 1e3);
    buf_release(&title);
    buf_release(&content);
    return 0;
}

static int
fill_articles(struct db *db, int64_t want, struct err *e)
{
    struct buf text;
    int64_t have = 0;
    double t0 = now_ms();

    if (db_query_int(db, e, &have, "SELECT COUNT(*) FROM search_kb", "") < 0)
        return -1;
    buf_init(&text, 8192);
    for (int64_t i = have; i < want; i++) {
        if ((i - have) % 10000 == 0 && db_begin(db, e) < 0)
            return -1;
        make_text(&text, 10 + (int)rnd(20)); /* articles are longer */
        if (search_index(db, SEARCH_KB, i + 1, text.data, e) < 0)
            return -1;
        if (((i - have) % 10000 == 9999 || i + 1 == want) &&
            db_commit(db, e) < 0)
            return -1;
    }
    if (want > have)
        fprintf(stderr, "indexed %lld articles in %.1f s\n",
                (long long)(want - have), (now_ms() - t0) / 1e3);
    buf_release(&text);
    return 0;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

enum what { W_INDEX, W_LIST, W_KB_ANY, W_KB_ALL };

static int
run(struct db *db, enum what w, const char *const *qs, int nq, int rounds,
    const char *label)
{
    struct err e = ERR_INIT;
    struct search_hit hits[20];
    struct user u;
    double *lat = xcalloc((size_t)(nq * rounds), sizeof(*lat));
    int n, k = 0;
    int64_t hitsum = 0;

    memset(&u, 0, sizeof(u));
    u.id = 1;
    u.role = ROLE_DISPATCHER;
    snprintf(u.unit_path, sizeof(u.unit_path), "/1/");
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < nq; i++) {
            double t0 = now_ms();
            int rc;

            if (w == W_LIST) {
                struct case_filter f;
                json_t *out = NULL;

                memset(&f, 0, sizeof(f));
                f.q = qs[i];
                f.page = 1;
                f.per_page = 20;
                rc = case_list(db, &u, &f, 1800000000, &out, &e);
                if (rc == 0)
                    hitsum += json_integer_value(json_object_get(out, "total"));
                json_decref(out);
            } else {
                rc = search_query(db, w == W_INDEX ? SEARCH_CASES : SEARCH_KB,
                                  qs[i], w == W_KB_ANY ? SEARCH_ANY : SEARCH_ALL,
                                  hits, w == W_INDEX ? 20 : 10, &n, &e);
                hitsum += n;
            }
            if (rc < 0) {
                fprintf(stderr, "%s: %s\n", qs[i], e.message);
                free(lat);
                return -1;
            }
            lat[k++] = now_ms() - t0;
        }
    }
    qsort(lat, (size_t)k, sizeof(*lat), cmp_double);
    printf("%-44s n=%-5d p50=%8.2f ms  p99=%8.2f ms  max=%8.2f ms  "
           "(mean hits %lld)\n",
           label, k, lat[k / 2], lat[(k * 99) / 100 < k ? (k * 99) / 100 : k - 1],
           lat[k - 1], (long long)(hitsum / k));
    free(lat);
    return 0;
}

int
main(int argc, char **argv)
{
    static const char *const q2[] = {"停水", "噪音", "供暖", "物业", "路灯",
                                     "油烟", "电梯", "医保", "拖欠", "绿化"};
    static const char *const q4[] = {"停水通知", "噪音扰民", "供暖温度",
                                     "物业收费", "路灯不亮", "油烟扰民",
                                     "电梯故障", "医保报销", "拖欠工资",
                                     "小区绿化"};
    struct err e = ERR_INIT;
    struct db *db = NULL;
    int64_t ncases, narticles;
    int rounds;

    if (argc != 5) {
        fprintf(stderr, "usage: search-bench DB NCASES NARTICLES ROUNDS\n");
        return 2;
    }
    ncases = strtoll(argv[2], NULL, 10);
    narticles = strtoll(argv[3], NULL, 10);
    rounds = (int)strtol(argv[4], NULL, 10);
    log_set_level(LOG_WARN);
    if (rounds < 1)
        rounds = 1;
    if (db_open(argv[1], &db, &e) < 0 || db_migrate(db, &e) < 0 ||
        fill_cases(db, ncases, &e) < 0 || fill_articles(db, narticles, &e) < 0 ||
        db_optimize(db, &e) < 0)
        goto fail;
    printf("cases %lld, articles %lld, %d rounds per query\n",
           (long long)ncases, (long long)narticles, rounds);
    if (run(db, W_INDEX, q2, 10, rounds, "cases index, 2 chars (top 20 of 500)") < 0 ||
        run(db, W_INDEX, q4, 10, rounds, "cases index, 4 chars (top 20 of 500)") < 0 ||
        run(db, W_LIST, q2, 10, rounds, "GET /cases?q= list, 2 chars (count+page)") < 0 ||
        run(db, W_LIST, q4, 10, rounds, "GET /cases?q= list, 4 chars (count+page)") < 0 ||
        run(db, W_KB_ALL, q2, 10, rounds, "articles all-terms, 2 chars (top 10)") < 0 ||
        run(db, W_KB_ALL, q4, 10, rounds, "articles all-terms, 4 chars (top 10)") < 0 ||
        run(db, W_KB_ANY, q2, 10, rounds, "articles any-term, 2 chars (top 10)") < 0 ||
        run(db, W_KB_ANY, q4, 10, rounds, "articles any-term, 4 chars (top 10)") < 0)
        goto fail;
    db_close(db);
    return 0;
fail:
    fprintf(stderr, "search-bench: %s\n", e.message);
    db_close(db);
    return 1;
}
