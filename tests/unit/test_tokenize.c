/* test_tokenize.c — the search tokenizer (text/tokenize.h). */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "text/search.h"
#include "text/tokenize.h"
#include "util/buf.h"

static void
check_join(const char *in, const char *want, int want_n)
{
    struct buf b;
    int n;

    buf_init(&b, 4096);
    n = tokenize_join(in, strlen(in), &b);
    if (n != want_n || strcmp(b.data ? b.data : "", want) != 0)
        fail_msg("tokenize(\"%s\") = %d \"%s\", want %d \"%s\"", in, n,
                 b.data ? b.data : "", want_n, want);
    buf_release(&b);
}

/* RULE tokenize-han-bigram */
static void
test_han_runs(void **state)
{
    (void)state;
    check_join("停水", "停水", 1);
    check_join("停水通知", "停水 水通 通知", 3);
    check_join("噪音扰民", "噪音 音扰 扰民", 3);
    /* a run of one is the character itself */
    check_join("水", "水", 1);
    check_join("水，电", "水 电", 2);
    check_join("a水b", "a 水 b", 3);
    /* punctuation ends a run: no bigram across it */
    check_join("停水。供暖", "停水 供暖", 2);
    check_join("停水 供暖", "停水 供暖", 2);
    /* extension A and B characters are Han */
    check_join("\xe3\x90\x80\xe4\xb8\x80", "\xe3\x90\x80\xe4\xb8\x80", 1);
    check_join("\xf0\xa0\x80\x80\xe6\xb0\xb4",
               "\xf0\xa0\x80\x80\xe6\xb0\xb4", 1);
}

/* RULE tokenize-ascii */
static void
test_mixed(void **state)
{
    (void)state;
    check_join("WiFi5G信号差", "wifi5g 信号 号差", 3);
    check_join("12345热线", "12345 热线", 2);
    check_join("3路公交车晚点20分钟",
               "3 路公 公交 交车 车晚 晚点 20 分钟", 8);
    check_join("ABC-def_9", "abc def 9", 3);
    check_join("", "", 0);
    check_join("   ", "", 0);
}

/* RULE tokenize-fullwidth */
static void
test_fullwidth(void **state)
{
    (void)state;
    check_join("ＡＢＣ１２３", "abc123", 1);
    check_join("ｗｉｆｉ信号", "wifi 信号", 2);
    /* full-width punctuation and the ideographic space separate */
    check_join("停水！（供暖）", "停水 供暖", 2);
    check_join("停水\xe3\x80\x80供暖", "停水 供暖", 2);
    check_join("Ａ，Ｂ", "a b", 2);
}

/* RULE tokenize-separators */
static void
test_emoji_symbols(void **state)
{
    (void)state;
    check_join("停水\xf0\x9f\x98\xa1供暖", "停水 供暖", 2);
    check_join("\xf0\x9f\x98\xa1", "", 0);
    check_join("\xe2\x98\x85\xe2\x98\x85好", "好", 1);
    check_join("caf\xc3\xa9", "caf", 1);
    check_join("《居住证》“办理”、", "居住 住证 办理", 3);
}

/* RULE tokenize-utf8 */
static void
test_invalid_utf8(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 64);
    buf_adds(&b, "x");
    assert_int_equal(tokenize_join("\xff", 1, &b), -1);
    assert_int_equal(tokenize_join("停\xe6\xb0", 5, &b), -1);
    assert_int_equal(tokenize_join("\xc0\xaf", 2, &b), -1); /* overlong */
    assert_string_equal(b.data, "x");                       /* unchanged */
    buf_release(&b);
}

static void
test_offsets_and_bounds(void **state)
{
    struct token toks[2];
    char longword[200];
    struct token one;
    int n = -1;
    int total;

    (void)state;
    total = tokenize("ab 停水通", strlen("ab 停水通"), toks, 2, &n);
    assert_int_equal(total, 3);
    assert_int_equal(n, 2);
    assert_string_equal(toks[0].text, "ab");
    assert_int_equal(toks[0].start, 0);
    assert_int_equal(toks[0].end, 2);
    assert_string_equal(toks[1].text, "停水");
    assert_int_equal(toks[1].start, 3);
    assert_int_equal(toks[1].end, 9);

    /* a long ASCII word is cut at TOKEN_MAX, its range covers all of it */
    memset(longword, 'x', sizeof(longword) - 1);
    longword[sizeof(longword) - 1] = '\0';
    total = tokenize(longword, strlen(longword), &one, 1, &n);
    assert_int_equal(total, 1);
    assert_int_equal(one.len, TOKEN_MAX);
    assert_int_equal(one.end, sizeof(longword) - 1);

    assert_int_equal(tokenize("\xff", 1, toks, 2, &n), -1);
    assert_int_equal(n, 0);
}

/* search.c's pure parts: the FTS5 expression and the snippet. */
static void
check_expr(const char *q, enum search_mode mode, const char *want)
{
    struct err e = ERR_INIT;
    struct buf b;
    int rc;

    buf_init(&b, 4096);
    rc = search_match_expr(q, mode, &b, &e);
    if (want == NULL) {
        assert_int_equal(rc, -ERR_VALIDATION);
        assert_string_equal(e.field, "q");
    } else if (rc != 0 || strcmp(b.data, want) != 0) {
        fail_msg("expr(%s) = %d '%s', want '%s'", q, rc, b.data ? b.data : "",
                 want);
    }
    buf_release(&b);
}

/* RULE search-phrase */
static void
test_match_expr(void **state)
{
    (void)state;
    check_expr("停水", SEARCH_ALL, "\"停水\"");
    check_expr("停水通知", SEARCH_ALL, "\"停水\" AND \"水通\" AND \"通知\"");
    check_expr("停水 WiFi", SEARCH_ANY, "\"停水\" OR \"wifi\"");
    check_expr("停水 停水 wifi WIFI", SEARCH_ANY, "\"停水\" OR \"wifi\"");
    check_expr("\"停水通知\" 小区", SEARCH_ALL,
               "\"停水 水通 通知\" AND \"小区\"");
    check_expr("“停水通知”", SEARCH_ALL, "\"停水 水通 通知\"");
    check_expr("a \"\" b", SEARCH_ALL, "\"a\" AND \"b\"");
    check_expr("\"停水", SEARCH_ALL, "\"停水\""); /* unterminated */
    check_expr("！？ 😡", SEARCH_ALL, NULL);
    check_expr("", SEARCH_ALL, NULL);
    check_expr("\xff\xfe", SEARCH_ALL, NULL);
}

static void
check_snippet(const char *text, const char *q, size_t max, const char *want)
{
    struct buf b;

    buf_init(&b, 4096);
    search_snippet(text, q, max, &b);
    if (strcmp(b.data ? b.data : "", want) != 0)
        fail_msg("snippet(%s, %s) = '%s', want '%s'", text, q,
                 b.data ? b.data : "", want);
    buf_release(&b);
}

static void
test_snippet(void **state)
{
    (void)state;
    /* overlapping bigrams merge into one mark */
    check_snippet("本小区停水通知已张贴", "停水通知", 100,
                  "本小区<mark>停水通知</mark>已张贴");
    check_snippet("停水了，明天通知", "停水 通知", 100,
                  "<mark>停水</mark>了，明天<mark>通知</mark>");
    /* HTML is escaped, inside and outside marks */
    check_snippet("<b>WiFi</b> & 信号", "wifi", 100,
                  "&lt;b&gt;<mark>WiFi</mark>&lt;/b&gt; &amp; 信号");
    /* cut to max_chars around the first match */
    check_snippet("一二三四五六七八九十一二三四五六七八九十停水甲乙丙丁", "停水", 6,
                  "…九十<mark>停水</mark>甲乙…");
    /* no match: the start */
    check_snippet("路灯不亮已经一周", "停水", 4, "路灯不亮…");
    check_snippet("路灯\xff", "路灯", 10, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_han_runs),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_emoji_symbols),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_offsets_and_bounds),
        cmocka_unit_test(test_match_expr),
        cmocka_unit_test(test_snippet),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
