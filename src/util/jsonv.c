/* jsonv.c — validated reads of request-body fields.
 *
 * `field` may be dotted ("citizen.phone"): the reader walks nested objects
 * from obj, and error messages name the full path. An absent parent object
 * counts as an absent field; a parent that is not an object is an error.
 */
#include "common.h"

#include <stdio.h>

#include "util/jsonv.h"
#include "util/timeutil.h"
#include "util/utf8.h"

/* Finds field (possibly dotted) in obj. Returns 0 and *out (NULL when
 * absent or JSON null), or < 0 with e filled. */
static int
jv_lookup(json_t *obj, const char *field, json_t **out, struct err *e)
{
    const char *full = field;
    const char *dot;
    json_t *cur = obj;
    char part[64];
    size_t n;

    *out = NULL;
    if (cur == NULL || !json_is_object(cur))
        return 0;
    for (;;) {
        dot = strchr(field == NULL ? "" : field, '.');
        if (dot == NULL || json_object_get(cur, field) != NULL)
            break;
        n = (size_t)(dot - field);
        if (n >= sizeof(part))
            return err_set(e, ERR_INTERNAL, NULL, "field name too long");
        memcpy(part, field, n);
        part[n] = '\0';
        cur = json_object_get(cur, part);
        if (cur == NULL || json_is_null(cur))
            return 0;
        if (!json_is_object(cur)) {
            n = (size_t)(dot - full); /* name the whole path so far */
            memcpy(part, full, n < sizeof(part) ? n : sizeof(part) - 1);
            part[n < sizeof(part) ? n : sizeof(part) - 1] = '\0';
            return err_set(e, ERR_VALIDATION, part, "must be an object");
        }
        field = dot + 1;
    }
    cur = json_object_get(cur, field);
    if (cur != NULL && !json_is_null(cur))
        *out = cur;
    return 0;
}

/* The full dotted name for messages: the caller's field as given. */
static int
missing(const char *field, struct err *e)
{
    return err_set(e, ERR_VALIDATION, field, "is required");
}

/* 1 for code points that render as blank: ASCII space and controls, NBSP,
 * the Unicode spaces, zero-width space/joiners, BOM, ideographic space. */
static int
is_blank(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x7f || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
           cp == 0x3000 || cp == 0xFEFF;
}

static int
all_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;
    size_t k;

    while (i < n) {
        if (p[i] < 0x80) {
            cp = p[i];
            k = 1;
        } else if ((p[i] & 0xE0) == 0xC0 && i + 1 < n) {
            cp = ((uint32_t)(p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F);
            k = 2;
        } else if ((p[i] & 0xF0) == 0xE0 && i + 2 < n) {
            cp = ((uint32_t)(p[i] & 0x0F) << 12) |
                 ((uint32_t)(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
            k = 3;
        } else {
            return 0; /* 4-byte sequences are never blank */
        }
        if (!is_blank(cp))
            return 0;
        i += k;
    }
    return 1;
}

int
jv_str(json_t *obj, const char *field, int required, size_t max_chars,
       const char **out, struct err *e)
{
    json_t *v;
    const char *s;
    size_t len;
    int rc;

    rc = jv_lookup(obj, field, &v, e);
    if (rc < 0)
        return rc;
    if (v == NULL) {
        *out = NULL;
        return required ? missing(field, e) : 0;
    }
    if (!json_is_string(v))
        return err_set(e, ERR_VALIDATION, field, "must be a string");
    s = json_string_value(v);
    len = json_string_length(v);
    if (strlen(s) != len)
        return err_set(e, ERR_VALIDATION, field,
                       "must not contain NUL characters");
    if (!utf8_valid(s, len)) /* jansson checks; a built object may not */
        return err_set(e, ERR_VALIDATION, field, "must be valid UTF-8");
    if (required && all_blank(s, len))
        return err_set(e, ERR_VALIDATION, field, "must not be empty");
    if (utf8_chars(s, len) > max_chars)
        return err_set(e, ERR_VALIDATION, field,
                       "must be at most %zu characters", max_chars);
    *out = s;
    return 0;
}

int
jv_int(json_t *obj, const char *field, int required, int64_t min, int64_t max,
       int64_t *out, struct err *e)
{
    json_t *v;
    json_int_t n;
    int rc;

    rc = jv_lookup(obj, field, &v, e);
    if (rc < 0)
        return rc;
    if (v == NULL)
        return required ? missing(field, e) : 0;
    if (!json_is_integer(v))
        return err_set(e, ERR_VALIDATION, field, "must be an integer");
    n = json_integer_value(v);
    if (n < min || n > max)
        return err_set(e, ERR_VALIDATION, field,
                       "must be between %lld and %lld", (long long)min,
                       (long long)max);
    *out = (int64_t)n;
    return 0;
}

int
jv_bool(json_t *obj, const char *field, int required, int *out, struct err *e)
{
    json_t *v;
    int rc;

    rc = jv_lookup(obj, field, &v, e);
    if (rc < 0)
        return rc;
    if (v == NULL)
        return required ? missing(field, e) : 0;
    if (!json_is_boolean(v))
        return err_set(e, ERR_VALIDATION, field, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

int
jv_enum(json_t *obj, const char *field, int required,
        const char *const *names, size_t n, int *out, struct err *e)
{
    char list[160];
    size_t used = 0;
    json_t *v;
    const char *s;
    size_t i;
    int rc;
    int w;

    rc = jv_lookup(obj, field, &v, e);
    if (rc < 0)
        return rc;
    if (v == NULL)
        return required ? missing(field, e) : 0;
    if (json_is_string(v)) {
        s = json_string_value(v);
        for (i = 0; i < n; i++) {
            if (strcmp(s, names[i]) == 0 &&
                strlen(s) == json_string_length(v)) {
                *out = (int)i;
                return 0;
            }
        }
    }
    list[0] = '\0';
    for (i = 0; i < n; i++) {
        w = snprintf(list + used, sizeof(list) - used, "%s%s",
                     i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= sizeof(list) - used) {
            /* too many to list: say so rather than cut a name */
            list[used] = '\0';
            if (used + 6 < sizeof(list))
                memcpy(list + used, ", ...", 6);
            break;
        }
        used += (size_t)w;
    }
    return err_set(e, ERR_VALIDATION, field, "must be one of: %s", list);
}

int
jv_time(json_t *obj, const char *field, int required, int64_t *out,
        struct err *e)
{
    json_t *v;
    json_int_t n;
    int64_t t;
    int rc;

    rc = jv_lookup(obj, field, &v, e);
    if (rc < 0)
        return rc;
    if (v == NULL)
        return required ? missing(field, e) : 0;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
        if (n < 0 || n > INT64_C(253402300799))
            return err_set(e, ERR_VALIDATION, field,
                           "must be a time (ISO 8601 or epoch seconds)");
        *out = (int64_t)n;
        return 0;
    }
    if (!json_is_string(v) ||
        strlen(json_string_value(v)) != json_string_length(v) ||
        time_parse(json_string_value(v), &t) < 0)
        return err_set(e, ERR_VALIDATION, field,
                       "must be a time (ISO 8601 or epoch seconds)");
    *out = t;
    return 0;
}

int
jv_only(json_t *obj, const char *prefix, const char *const *allowed, size_t n,
        struct err *e)
{
    char name[64];
    const char *key;
    json_t *v;
    size_t i;
    int w;

    if (obj == NULL)
        return 0;
    if (!json_is_object(obj))
        return err_set(e, ERR_VALIDATION,
                       prefix && prefix[0] ? prefix : "body",
                       "must be an object");
    json_object_foreach(obj, key, v) {
        for (i = 0; i < n; i++)
            if (strcmp(key, allowed[i]) == 0)
                break;
        if (i < n)
            continue;
        {
            /* Name the key, cut (at a character boundary) to fit the field. */
            int dotted = prefix != NULL && prefix[0] != '\0';
            size_t room = sizeof(name) - 1 - (dotted ? strlen(prefix) + 1 : 0);
            size_t klen = strlen(key);

            klen = utf8_prefix(key, klen < room ? klen : room, (size_t)-1);
            w = snprintf(name, sizeof(name), "%s%s%.*s", dotted ? prefix : "",
                         dotted ? "." : "", (int)klen, key);
            if (w < 0 || klen == 0)
                return err_set(e, ERR_VALIDATION, dotted ? prefix : "body",
                               "unknown field");
        }
        return err_set(e, ERR_VALIDATION, name, "unknown field");
    }
    return 0;
}

json_t *
jv_time_json(int64_t t)
{
    char iso[32];

    if (t == 0)
        return json_null();
    time_iso(t, iso);
    return json_string(iso);
}
