/* test_tokenize.c — the search tokenizer (text/tokenize.h). */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
