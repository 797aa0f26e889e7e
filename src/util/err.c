/* err.c — the one table from error code to HTTP status and machine name. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
    int status;
    const char *name;
} err_table[ERR__COUNT] = {
    [ERR_OK] = {200, "ok"},
    [ERR_VALIDATION] = {400, "validation_failed"},
    [ERR_UNAUTHORIZED] = {401, "unauthorized"},
    [ERR_FORBIDDEN] = {403, "forbidden"},
    [ERR_NOT_FOUND] = {404, "not_found"},
    [ERR_METHOD] = {405, "method_not_allowed"},
    [ERR_INVALID_TRANSITION] = {409, "invalid_transition"},
    [ERR_CONFLICT] = {409, "conflict"},
    [ERR_TOO_LARGE] = {413, "too_large"},
    [ERR_UNSUPPORTED_MEDIA] = {415, "unsupported_media_type"},
    [ERR_RATE_LIMITED] = {429, "rate_limited"},
    [ERR_INTERNAL] = {500, "internal"},
    [ERR_UNAVAILABLE] = {503, "unavailable"},
};

int
err_http_status(enum err_code code)
{
    if ((unsigned)code >= ERR__COUNT || err_table[code].name == NULL)
        return 500;
    return err_table[code].status;
}

const char *
err_code_name(enum err_code code)
{
    if ((unsigned)code >= ERR__COUNT || err_table[code].name == NULL)
        return "internal";
    return err_table[code].name;
}

void
err_clear(struct err *e)
{
    if (e == NULL)
        return;
    e->code = ERR_OK;
    e->field[0] = '\0';
    e->message[0] = '\0';
}

/* Drops an incomplete UTF-8 sequence at the end of s (left by truncation). */
static void
trim_partial_utf8(char *s)
{
    size_t len = strlen(s);
    size_t i = len;
    size_t need;
    unsigned char c;

    while (i > 0 && len - i < 4) {
        i--;
        c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        if (c < 0x80)
            need = 1;
        else if ((c & 0xE0) == 0xC0)
            need = 2;
        else if ((c & 0xF0) == 0xE0)
            need = 3;
        else
            need = 4;
        if (len - i < need)
            s[i] = '\0';
        return;
    }
}

/* Copies src into dst[cap] without cutting a UTF-8 sequence. */
static void
copy_bounded(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        n = cap - 1;
    memmove(dst, src, n);
    dst[n] = '\0';
    trim_partial_utf8(dst);
}

int
err_set(struct err *e, enum err_code code, const char *field,
        const char *fmt, ...)
{
    char msg[sizeof(e->message)];
    char full[sizeof(e->message)];
    va_list ap;
    size_t flen;
    int n;

    if ((unsigned)code >= ERR__COUNT || code == ERR_OK)
        code = ERR_INTERNAL;
    if (e == NULL)
        return -(int)code;

    va_start(ap, fmt);
    n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        copy_bounded(msg, sizeof(msg), "error");
    else if ((size_t)n >= sizeof(msg))
        trim_partial_utf8(msg);

    e->code = code;
    if (field != NULL && field[0] != '\0') {
        copy_bounded(e->field, sizeof(e->field), field);
        flen = strlen(field);
        if (strncmp(msg, field, flen) == 0 &&
            (msg[flen] == ':' || msg[flen] == '\0'))
            copy_bounded(e->message, sizeof(e->message), msg);
        else {
            n = snprintf(full, sizeof(full), "%s: %s", field, msg);
            if (n < 0)
                copy_bounded(full, sizeof(full), msg);
            copy_bounded(e->message, sizeof(e->message), full);
        }
    } else {
        e->field[0] = '\0';
        copy_bounded(e->message, sizeof(e->message), msg);
    }
    return -(int)code;
}
