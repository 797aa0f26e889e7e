/* test_kb.c — the knowledge base's pure part: the answer sanitiser
 * (RULE kb-sanitize), the HTML-to-text used for checks, and CSV. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kb/kb.h"

static char *
clean(const char *in)
{
    static char out[4096];
    struct buf b;

    buf_init(&b, 1 << 20);
    kb_sanitize(in, strlen(in), &b);
    snprintf(out, sizeof(out), "%s", b.data);
    buf_release(&b);
    return out;
}

/* RULE kb-sanitize: input -> exact output. */
static void
test_sanitize_table(void **state)
{
    static const struct {
        const char *in, *out;
    } t[] = {
        {"<p>办理<strong>居住证</strong></p>", "<p>办理<strong>居住证</strong></p>"},
        {"<P CLASS=x onclick=\"a()\">x</P>", "<p>x</p>"},
        {"a<script>alert(1)</script>b", "ab"},
        {"a<SCRIPT src=x>alert(1)</script >b", "ab"},
        {"a<script>never closed", "a"},
        {"<style>p{}</style>x", "x"},
        {"<iframe src=\"https://x\"></iframe>y", "y"},
        {"<svg onload=alert(1)><circle/></svg>z", "z"},
        {"<img src=x onerror=alert(1)>text", "text"},
        {"<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"},
        {"<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"},
        {"<a href=\" javascript:alert(1)\">x</a>", "<a>x</a>"},
        {"<a href=\"java&#115;cript:x\">x</a>", "<a>x</a>"},
        {"<a href=\"data:text/html,x\">x</a>", "<a>x</a>"},
        {"<a href='https://zwfw.jz.gov.cn/a?b=1&c=2' onclick=x>办事</a>",
         "<a href=\"https://zwfw.jz.gov.cn/a?b=1&amp;c=2\" rel=\"noopener "
         "noreferrer\" target=\"_blank\">办事</a>"},
        {"<a href=\"http://x.cn/\"\">y</a>",
         "<a href=\"http://x.cn/\" rel=\"noopener noreferrer\" "
         "target=\"_blank\">y</a>"},
        {"<!-- <script>x</script> -->ok", "ok"},
        {"<!DOCTYPE html>ok", "ok"},
        {"1 < 2 > 0 & \"q\" 'r'", "1 &lt; 2 &gt; 0 &amp; \"q\" 'r'"},
        {"&lt;b&gt; &amp; &#39; &#x4e2d;", "&lt;b&gt; &amp; &#39; &#x4e2d;"},
        {"<ul><li>一<li>二</ul>", "<ul><li>一<li>二</li></li></ul>"},
        {"<p><em>open", "<p><em>open</em></p>"},
        {"</p>stray</em>", "stray"},
        {"a<br/>b<br>c</br>", "a<br>b<br>c"},
        {"<table><tr><td>1</td><th>2</th></tr></table>",
         "<table><tr><td>1</td><th>2</th></tr></table>"},
        {"<div><span>keep text</span></div>", "keep text"},
        {"<p title=\"a>b\">x</p>", "<p>x</p>"},
        {"<p unterminated", ""},
        /* "<script" is an attribute name here, as in a browser */
        {"<a href=\"https://x\" <script>",
         "<a href=\"https://x\" rel=\"noopener noreferrer\" "
         "target=\"_blank\"></a>"},
        {"x<!--unterminated", "x"},
        {"<textarea><p>in</p></textarea>after", "after"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        const char *got = clean(t[i].in);

        if (strcmp(got, t[i].out) != 0)
            fail_msg("case %zu: %s\n  got  %s\n  want %s", i, t[i].in, got,
                     t[i].out);
    }
}

/* Whatever the input, no script survives: no "<script", no "on...=" inside a
 * tag, no "javascript:" in an href. */
static void
test_sanitize_never_script(void **state)
{
    static const char *const evil[] = {
        "<scr<script>ipt>alert(1)</script>",
        "<<script>script>alert(1)<</script>/script>",
        "<a href=javascript:alert(1)>x",
        "<p onmouseover=alert(1)>x",
        "<a/href=\"javascript:x\">x</a>",
        "<math><mi xlink:href=\"javascript:x\">x</mi></math>",
        "\"><script>alert(1)</script>",
        "<scRipt>alert(1)</scRipt>",
        "<a href=\"https://ok\" onclick=\"x\">y</a>",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(evil); i++) {
        const char *o = clean(evil[i]);
        char lower[4096];
        size_t k;

        for (k = 0; o[k] && k < sizeof(lower) - 1; k++)
            lower[k] = (char)tolower((unsigned char)o[k]);
        lower[k] = '\0';
        if (strstr(lower, "<script") || strstr(lower, "javascript:") ||
            strstr(lower, " on"))
            fail_msg("case %zu: %s -> %s", i, evil[i], o);
    }
}

static void
test_html_text(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    {
        const char *h = "<p>携带 <strong>身份证</strong></p>\n<p>&lt;原件&gt;&amp;复印件</p>";

        kb_html_text(h, strlen(h), &b);
    }
    assert_string_equal(b.data, "携带 身份证 <原件>&复印件");
    buf_reset(&b);
    kb_html_text("<p></p><br>", strlen("<p></p><br>"), &b);
    assert_string_equal(b.data, "");
    buf_release(&b);
}

static void
test_csv_field(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 4096);
    kb_csv_field(&b, "plain", 0);
    kb_csv_field(&b, "a,b", 0);
    kb_csv_field(&b, "say \"hi\"", 0);
    kb_csv_field(&b, "two\nlines", 0);
    kb_csv_field(&b, " pad", 0);
    kb_csv_field(&b, NULL, 0);
    kb_csv_field(&b, "中文", 1);
    assert_string_equal(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" pad\",,中文\r\n");
    buf_release(&b);
}

struct rows {
    char got[8][8][64];
    size_t nf[8];
    long line[8];
    int n;
};

static int
collect(void *ctx, char **f, size_t nf, long line, struct err *e)
{
    struct rows *r = ctx;

    (void)e;
    if (r->n == 8)
        return -1;
    for (size_t i = 0; i < nf && i < 8; i++)
        snprintf(r->got[r->n][i], 64, "%s", f[i]);
    r->nf[r->n] = nf;
    r->line[r->n] = line;
    r->n++;
    return 0;
}

static void
test_csv_parse(void **state)
{
    const char *s = "\xEF\xBB\xBFtitle,answer\r\n"
                    "\"a,b\",\"say \"\"hi\"\"\"\r\n"
                    "\r\n"
                    "\"two\nlines\",x\n"
                    "last,,\n"
                    "noeol,y";
    struct err e = ERR_INIT;
    struct rows r;

    (void)state;
    memset(&r, 0, sizeof(r));
    assert_int_equal(kb_csv_parse(s, strlen(s), 8, collect, &r, &e), 0);
    assert_int_equal(r.n, 5);
    assert_string_equal(r.got[0][0], "title"); /* BOM skipped */
    assert_string_equal(r.got[1][0], "a,b");
    assert_string_equal(r.got[1][1], "say \"hi\"");
    assert_string_equal(r.got[2][0], "two\nlines");
    assert_int_equal(r.line[2], 4);
    assert_int_equal(r.nf[3], 3);
    assert_string_equal(r.got[3][2], "");
    assert_string_equal(r.got[4][1], "y");
}

static void
test_csv_malformed(void **state)
{
    static const char *const bad[] = {"a,\"open\nb", "a,b\"c\n", "\"x\"y,z\n",
                                      "1,2,3,4,5\n"};
    struct err e = ERR_INIT;
    struct rows r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memset(&r, 0, sizeof(r));
        err_clear(&e);
        assert_int_equal(kb_csv_parse(bad[i], strlen(bad[i]), 4, collect, &r, &e), -1);
        assert_int_equal(e.code, ERR_VALIDATION);
        assert_string_equal(e.field, "csv");
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sanitize_table),
        cmocka_unit_test(test_sanitize_never_script),
        cmocka_unit_test(test_html_text),
        cmocka_unit_test(test_csv_field),
        cmocka_unit_test(test_csv_parse),
        cmocka_unit_test(test_csv_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
