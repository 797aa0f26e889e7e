/* jsonv.h — validated reads of fields from a JSON request body.
 *
 * Each reader checks presence, type and bounds and, on failure, fills e with
 * validation_failed naming the field (dotted for nested: "citizen.phone").
 * An absent optional field (or JSON null) leaves the default.
 */
#ifndef HOTLINE_JSONV_H
#define HOTLINE_JSONV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define JV_REQUIRED 1
#define JV_OPTIONAL 0

/* String of 1..max_chars code points (required) or 0..max_chars (optional,
 * *out = NULL when absent). Leading/trailing whitespace is kept. A required
 * string that is empty or only whitespace is rejected. */
int jv_str(json_t *obj, const char *field, int required, size_t max_chars,
           const char **out, struct err *e);
int jv_int(json_t *obj, const char *field, int required, int64_t min,
           int64_t max, int64_t *out, struct err *e);
int jv_bool(json_t *obj, const char *field, int required, int *out,
            struct err *e);
/* One of names[0..n); *out = index. */
int jv_enum(json_t *obj, const char *field, int required,
            const char *const *names, size_t n, int *out, struct err *e);
/* Time as ISO 8601 string or epoch number. */
int jv_time(json_t *obj, const char *field, int required, int64_t *out,
            struct err *e);
/* Rejects keys of obj not in allowed[] (typos should not pass silently). */
int jv_only(json_t *obj, const char *prefix, const char *const *allowed,
            size_t n, struct err *e);

/* Formats a time for responses: ISO string, or JSON null when t == 0. */
json_t *jv_time_json(int64_t t);

#endif
