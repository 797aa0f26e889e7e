/* log.c — key=value lines on stderr, one write(2) per line.
 *
 * Line: ts=<city ISO time with ms> level=<level> req=<id> <fields>
 * A message that does not start with a `key=` token is wrapped as
 * msg="..." so free text stays one parseable field. Newlines and other
 * control characters are escaped so a value can never forge a line.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "util/timeutil.h"

static enum log_level log_min = LOG_INFO;
static _Thread_local char log_req[20] = "";

static const char *const level_names[] = {
    [LOG_DEBUG] = "debug", [LOG_INFO] = "info",   [LOG_WARN] = "warn",
    [LOG_ERROR] = "error", [LOG_FATAL] = "fatal", [LOG_BUG] = "bug",
};

void
log_set_level(enum log_level lvl)
{
    log_min = lvl;
}

int
log_parse_level(const char *s, enum log_level *out)
{
    size_t i;

    if (s == NULL)
        return -1;
    for (i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    if (strcmp(s, "warning") == 0) {
        *out = LOG_WARN;
        return 0;
    }
    return -1;
}

void
log_set_request_id(const char *id)
{
    size_t n;

    if (id == NULL) {
        log_req[0] = '\0';
        return;
    }
    n = strlen(id);
    if (n >= sizeof(log_req))
        n = sizeof(log_req) - 1;
    memcpy(log_req, id, n);
    log_req[n] = '\0';
}

const char *
log_request_id(void)
{
    return log_req[0] ? log_req : "-";
}

/* 1 when s starts with an identifier followed by '=' (already key=value). */
static int
starts_with_key(const char *s)
{
    const char *p = s;

    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
           (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-')
        p++;
    return p > s && *p == '=';
}

/* Appends s to line[*len..cap) escaping control characters (and, when
 * quoted, '"' and '\\'). Stops early, without cutting, when full. */
static void
append_escaped(char *line, size_t cap, size_t *len, const char *s, int quoted)
{
    size_t n = *len;
    unsigned char c;
    char esc[5];
    size_t k;

    for (; *s != '\0'; s++) {
        c = (unsigned char)*s;
        k = 0;
        if (c == '\n') {
            esc[k++] = '\\';
            esc[k++] = 'n';
        } else if (c == '\r') {
            esc[k++] = '\\';
            esc[k++] = 'r';
        } else if (c == '\t') {
            esc[k++] = '\\';
            esc[k++] = 't';
        } else if (c < 0x20 || c == 0x7f) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = "0123456789abcdef"[c >> 4];
            esc[k++] = "0123456789abcdef"[c & 15];
        } else if (quoted && (c == '"' || c == '\\')) {
            esc[k++] = '\\';
            esc[k++] = (char)c;
        } else {
            esc[k++] = (char)c;
        }
        if (n + k >= cap)
            break;
        memcpy(line + n, esc, k);
        n += k;
    }
    /* do not leave half a UTF-8 sequence at a cut */
    if (*s != '\0')
        while (n > *len && ((unsigned char)line[n - 1] & 0xC0) == 0x80)
            n--;
    if (*s != '\0' && n > *len && ((unsigned char)line[n - 1] & 0xC0) == 0xC0)
        n--;
    *len = n;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
    char msg[2048];
    char line[2400];
    char ts[32];
    struct timespec now;
    size_t len;
    va_list ap;
    int n;

    if (lvl < log_min && lvl < LOG_FATAL)
        return;
    if ((unsigned)lvl >= ARRAY_SIZE(level_names))
        lvl = LOG_BUG;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        memcpy(msg, "(bad log format)", sizeof("(bad log format)"));

    if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
        now.tv_sec = 0;
        now.tv_nsec = 0;
    }
    time_iso((int64_t)now.tv_sec, ts);
    /* 2026-11-29T10:15:00.123+08:00 */
    n = snprintf(line, sizeof(line), "ts=%.19s.%03ld%s level=%s req=%s ", ts,
                 (long)(now.tv_nsec / 1000000), ts + 19, level_names[lvl],
                 log_request_id());
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    len = (size_t)n;
    if (starts_with_key(msg)) {
        append_escaped(line, sizeof(line) - 2, &len, msg, 0);
    } else {
        memcpy(line + len, "msg=\"", 5);
        len += 5;
        append_escaped(line, sizeof(line) - 3, &len, msg, 1);
        line[len++] = '"';
    }
    line[len++] = '\n';
    /* one write per line: lines from threads never interleave */
    if (write(STDERR_FILENO, line, len) < 0)
        return;
}

void
log_mask_phone(const char *phone, char out[32])
{
    char digits[32];
    size_t n = 0;
    const char *p;

    if (phone != NULL) {
        for (p = phone; *p != '\0' && n < sizeof(digits); p++)
            if (*p >= '0' && *p <= '9')
                digits[n++] = *p;
    }
    if (n < 8) {
        memcpy(out, "****", 5);
        return;
    }
    memcpy(out, digits, 3);
    memcpy(out + 3, "****", 4);
    memcpy(out + 7, digits + n - 4, 4);
    out[11] = '\0';
}
