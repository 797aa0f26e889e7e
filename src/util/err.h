/* err.h — error codes and the one table that maps them to HTTP.
 *
 * Functions return 0 on success or a negative value (-code) on failure and
 * fill a caller-owned struct err. Handlers never choose HTTP status codes:
 * http/ looks them up here (err_http_status, err_code_name).
 */
#ifndef HOTLINE_ERR_H
#define HOTLINE_ERR_H

enum err_code {
    ERR_OK = 0,
    ERR_VALIDATION,         /* 400 validation_failed */
    ERR_UNAUTHORIZED,       /* 401 unauthorized */
    ERR_FORBIDDEN,          /* 403 forbidden */
    ERR_NOT_FOUND,          /* 404 not_found */
    ERR_METHOD,             /* 405 method_not_allowed */
    ERR_INVALID_TRANSITION, /* 409 invalid_transition */
    ERR_CONFLICT,           /* 409 conflict */
    ERR_TOO_LARGE,          /* 413 too_large */
    ERR_UNSUPPORTED_MEDIA,  /* 415 unsupported_media_type */
    ERR_RATE_LIMITED,       /* 429 rate_limited */
    ERR_INTERNAL,           /* 500 internal */
    ERR_UNAVAILABLE,        /* 503 unavailable */
    ERR__COUNT
};

struct err {
    enum err_code code;
    char field[64];    /* offending input field, "" if none */
    char message[256]; /* lowercase, subject first: "phone: not a valid phone number" */
};

#define ERR_INIT {ERR_OK, "", ""}

/* Sets *e and returns -code, so callers can write `return err_set(...)`.
 * field may be NULL. The message is formatted; when field is given and the
 * message does not start with it, "field: " is prefixed. */
int err_set(struct err *e, enum err_code code, const char *field,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void err_clear(struct err *e);

int err_http_status(enum err_code code);
const char *err_code_name(enum err_code code);

#endif
