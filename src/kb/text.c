/* text.c — the answer sanitiser and CSV (pure, no I/O; tests/unit/test_kb.c).
 *
 * The sanitiser is a small scanner, not an HTML parser: it never passes
 * through anything it did not build itself. Output tags are written fresh
 * from the whitelist (no attribute survives except a checked href), so no
 * quirk of the input's markup can reach the browser. */
#include "common.h"

#include "kb/kb.h"

static const char *const allowed_tags[] = {"p",  "br", "ul", "ol", "li",
                                           "strong", "em", "a", "table",
                                           "tr", "td", "th"};
/* Dropped together with everything up to their closing tag. */
static const char *const dropped_tags[] = {"script", "style",    "iframe",
                                           "object", "embed",    "template",
                                           "textarea", "title",  "noscript",
                                           "xmp",    "noembed", "noframes",
                                           "svg",    "math"};

static int
in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

/* Case-insensitive search for `needle` (ASCII) in s[0..n). */
static const char *
find_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return s + i;
    return NULL;
}

/* Length of a character reference at s ("&amp;", "&#39;", "&#x4e2d;"), 0 if
 * it is not one. */
static size_t
entity_len(const char *s, size_t n)
{
    size_t i = 1;

    if (i < n && s[i] == '#') {
        i++;
        if (i < n && (s[i] == 'x' || s[i] == 'X')) {
            i++;
            while (i < n && isxdigit((unsigned char)s[i]) && i < 12)
                i++;
        } else {
            while (i < n && isdigit((unsigned char)s[i]) && i < 10)
                i++;
        }
    } else {
        while (i < n && isalnum((unsigned char)s[i]) && i < 32)
            i++;
    }
    if (i < 3 || i >= n || s[i] != ';')
        return 0;
    return i + 1;
}

static void
add_escaped(struct buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&#39;"); break;
        case '&': buf_adds(out, "&amp;"); break;
        default: buf_addc(out, s[i]);
        }
    }
}

/* Reads the attributes of a tag from s[*i] up to its '>' and returns the
 * raw href value (not decoded) in *href, *hlen when present. Returns 0 when
 * the tag ends, -1 when the input ends first. */
static int
scan_attrs(const char *s, size_t n, size_t *i, const char **href,
           size_t *hlen)
{
    size_t p = *i;

    *href = NULL;
    *hlen = 0;
    while (p < n) {
        size_t ns, ne, vs, ve;

        if (s[p] == '>') {
            *i = p + 1;
            return 0;
        }
        if (isspace((unsigned char)s[p]) || s[p] == '/') {
            p++;
            continue;
        }
        ns = p;
        while (p < n && !isspace((unsigned char)s[p]) && s[p] != '=' &&
               s[p] != '>' && s[p] != '/')
            p++;
        ne = p;
        while (p < n && isspace((unsigned char)s[p]))
            p++;
        vs = ve = p;
        if (p < n && s[p] == '=') {
            p++;
            while (p < n && isspace((unsigned char)s[p]))
                p++;
            if (p < n && (s[p] == '"' || s[p] == '\'')) {
                char q = s[p++];

                vs = p;
                while (p < n && s[p] != q)
                    p++;
                if (p >= n)
                    return -1;
                ve = p++;
            } else {
                vs = p;
                while (p < n && !isspace((unsigned char)s[p]) && s[p] != '>')
                    p++;
                ve = p;
            }
        }
        if (ne - ns == 4 && strncasecmp(s + ns, "href", 4) == 0 && !*href) {
            *href = s + vs;
            *hlen = ve - vs;
        }
    }
    return -1;
}

/* RULE kb-sanitize: a link keeps only an http(s) URL, written literally
 * (an entity or a control character before the colon fails the prefix). */
static int
href_ok(const char *h, size_t n)
{
    if (n > 2000)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)h[i] < 0x20 || h[i] == '<' || h[i] == '>' ||
            h[i] == '"' || h[i] == '\'' || h[i] == '`' || h[i] == '\\')
            return 0;
    return (n > 7 && strncasecmp(h, "http://", 7) == 0) ||
           (n > 8 && strncasecmp(h, "https://", 8) == 0);
}

void
kb_sanitize(const char *s, size_t n, struct buf *out)
{
    const char *stack[KB_DEPTH_MAX];
    int depth = 0;
    size_t i = 0;

    while (i < n) {
        char name[16];
        size_t k, j, hlen, el;
        int closing = 0;
        const char *href;

        if (s[i] == '&') {
            el = entity_len(s + i, n - i);
            if (el) {
                buf_add(out, s + i, el);
                i += el;
            } else {
                buf_adds(out, "&amp;");
                i++;
            }
            continue;
        }
        if (s[i] == '>') { /* quotes are harmless in text */
            add_escaped(out, s + i, 1);
            i++;
            continue;
        }
        if (s[i] != '<') {
            buf_addc(out, s[i++]);
            continue;
        }
        /* '<': a comment, a tag, or a literal. */
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *end = find_ci(s + i + 4, n - i - 4, "-->");

            i = end ? (size_t)(end - s) + 3 : n;
            continue;
        }
        j = i + 1;
        if (j < n && s[j] == '/') {
            closing = 1;
            j++;
        }
        if (j < n && (s[j] == '!' || s[j] == '?')) {
            /* <!DOCTYPE>, <![CDATA[, <?xml: dropped up to '>' */
            const char *end = memchr(s + j, '>', n - j);

            i = end ? (size_t)(end - s) + 1 : n;
            continue;
        }
        if (j >= n || !isalpha((unsigned char)s[j])) {
            buf_adds(out, "&lt;");
            i++;
            continue;
        }
        k = 0;
        while (j < n && isalnum((unsigned char)s[j])) {
            if (k < sizeof(name) - 1)
                name[k++] = (char)tolower((unsigned char)s[j]);
            j++;
        }
        name[k] = '\0';
        if (scan_attrs(s, n, &j, &href, &hlen) < 0) {
            /* unterminated tag: the rest is not markup we can trust */
            break;
        }
        i = j;
        if (in_list(name, dropped_tags, ARRAY_SIZE(dropped_tags))) {
            if (!closing) {
                char close[24];
                const char *end;

                snprintf(close, sizeof(close), "</%s", name);
                end = find_ci(s + i, n - i, close);
                if (!end) {
                    i = n;
                } else {
                    const char *gt = memchr(end, '>', (size_t)(s + n - end));

                    i = gt ? (size_t)(gt - s) + 1 : n;
                }
            }
            continue;
        }
        if (!in_list(name, allowed_tags, ARRAY_SIZE(allowed_tags)))
            continue; /* the tag goes, its text stays */
        if (strcmp(name, "br") == 0) {
            if (!closing)
                buf_adds(out, "<br>");
            continue;
        }
        if (closing) {
            int d;

            for (d = depth - 1; d >= 0; d--)
                if (strcmp(stack[d], name) == 0)
                    break;
            if (d < 0)
                continue; /* stray close */
            while (depth > d) {
                depth--;
                buf_addf(out, "</%s>", stack[depth]);
            }
            continue;
        }
        if (depth == KB_DEPTH_MAX)
            continue;
        for (k = 0; k < ARRAY_SIZE(allowed_tags); k++)
            if (strcmp(name, allowed_tags[k]) == 0)
                stack[depth++] = allowed_tags[k];
        if (strcmp(name, "a") == 0 && href && href_ok(href, hlen)) {
            buf_adds(out, "<a href=\"");
            add_escaped(out, href, hlen);
            buf_adds(out, "\" rel=\"noopener noreferrer\" target=\"_blank\">");
        } else {
            buf_addf(out, "<%s>", name);
        }
    }
    while (depth > 0) {
        depth--;
        buf_addf(out, "</%s>", stack[depth]);
    }
}

void
kb_html_text(const char *s, size_t n, struct buf *out)
{
    static const struct {
        const char *ent;
        const char *txt;
    } ents[] = {{"&lt;", "<"},   {"&gt;", ">"},  {"&amp;", "&"},
                {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
    int space = 1;
    size_t i = 0, k;

    while (i < n) {
        const char *t = NULL;
        size_t adv = 1;

        if (s[i] == '<') {
            const char *gt = memchr(s + i, '>', n - i);

            i = gt ? (size_t)(gt - s) + 1 : n;
            t = " ";
            adv = 0;
        } else if (s[i] == '&') {
            for (k = 0; k < ARRAY_SIZE(ents); k++) {
                size_t el = strlen(ents[k].ent);

                if (n - i >= el && memcmp(s + i, ents[k].ent, el) == 0) {
                    t = ents[k].txt;
                    adv = el;
                    break;
                }
            }
        }
        if (!t) {
            if (isspace((unsigned char)s[i])) {
                if (!space)
                    buf_addc(out, ' ');
                space = 1;
            } else {
                buf_addc(out, s[i]);
                space = 0;
            }
            i += adv;
            continue;
        }
        if (*t == ' ') {
            if (!space)
                buf_addc(out, ' ');
            space = 1;
        } else {
            buf_adds(out, t);
            space = 0;
        }
        i += adv;
    }
    if (out->len > 0 && out->data[out->len - 1] == ' ') {
        out->len--;
        out->data[out->len] = '\0';
    }
}

void
kb_csv_field(struct buf *out, const char *s, int last)
{
    size_t n = s ? strlen(s) : 0;
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');

    if (n > 0 && strpbrk(s, ",\"\r\n"))
        quote = 1;
    if (!quote) {
        buf_add(out, s ? s : "", n);
    } else {
        buf_addc(out, '"');
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '"')
                buf_addc(out, '"');
            buf_addc(out, s[i]);
        }
        buf_addc(out, '"');
    }
    buf_adds(out, last ? "\r\n" : ",");
}

int
kb_csv_parse(const char *s, size_t n, size_t max_fields,
             int (*row)(void *ctx, char **fields, size_t nfields, long line,
                        struct err *e),
             void *ctx, struct err *e)
{
    struct buf field;
    char **fields = xcalloc(max_fields, sizeof(*fields));
    size_t nf = 0, i = 0;
    long line = 1, row_line = 1;
    int rc = 0, quoted = 0, at_start = 1, any = 0;

    buf_init(&field, n + 1);
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;; i++) {
        int end_field = 0, end_row = 0;

        if (i >= n) {
            if (quoted) {
                rc = err_set(e, ERR_VALIDATION, "csv",
                             "csv: line %ld: unterminated quoted field", row_line);
                goto out;
            }
            end_field = end_row = 1;
        } else if (quoted) {
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    buf_addc(&field, '"');
                    i++;
                } else {
                    quoted = 0;
                    if (i + 1 < n && s[i + 1] != ',' && s[i + 1] != '\r' &&
                        s[i + 1] != '\n') {
                        rc = err_set(e, ERR_VALIDATION, "csv",
                                     "csv: line %ld: text after a closing quote",
                                     line);
                        goto out;
                    }
                }
            } else {
                if (s[i] == '\n')
                    line++;
                buf_addc(&field, s[i]);
            }
            continue;
        } else if (s[i] == '"') {
            if (!at_start) {
                rc = err_set(e, ERR_VALIDATION, "csv",
                             "csv: line %ld: quote inside an unquoted field",
                             line);
                goto out;
            }
            quoted = 1;
            at_start = 0;
            any = 1;
            continue;
        } else if (s[i] == ',') {
            end_field = 1;
        } else if (s[i] == '\r' || s[i] == '\n') {
            if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
                i++;
            end_field = end_row = 1;
        } else {
            buf_addc(&field, s[i]);
            at_start = 0;
            any = 1;
            continue;
        }
        if (end_field) {
            if (nf == max_fields) {
                rc = err_set(e, ERR_VALIDATION, "csv",
                             "csv: line %ld: more than %zu fields", row_line,
                             max_fields);
                goto out;
            }
            fields[nf++] = xstrdup(field.data ? field.data : "");
            buf_reset(&field);
            at_start = 1;
            if (i < n && s[i] == ',')
                any = 1;
        }
        if (end_row) {
            if (any) {
                rc = row(ctx, fields, nf, row_line, e);
                if (rc < 0)
                    goto out;
            }
            for (size_t k = 0; k < nf; k++)
                free(fields[k]);
            nf = 0;
            any = 0;
            line++;
            row_line = line;
            if (i >= n)
                break;
        }
    }
out:
    for (size_t k = 0; k < nf; k++)
        free(fields[k]);
    free(fields);
    buf_release(&field);
    return rc < 0 ? -1 : 0;
}
