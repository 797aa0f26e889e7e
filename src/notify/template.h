/* template.h — the message templates (pure: no I/O).
 *
 * Every message hotline sends has a key, an audience (citizen: SMS to the
 * caller; staff: in-app / SMS / email alerts to users) and a zh-CN default
 * body with {name} placeholders. An admin may replace a body
 * (notify_templates table); the defaults here are what a fresh install
 * sends. Rendering never cuts a UTF-8 sequence.
 */
#ifndef HOTLINE_NOTIFY_TEMPLATE_H
#define HOTLINE_NOTIFY_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

#define TEMPLATE_BODY_MAX 300   /* characters of an edited body */
#define TEMPLATE_TEXT_MAX 2048  /* bytes of a rendered message */
#define TEMPLATE_PARAM_MAX 8

struct notify_template {
    const char *key;       /* "receipt", "yellow", ... */
    const char *audience;  /* "citizen" or "staff" */
    const char *name;      /* zh-CN label for the admin screen */
    const char *body;      /* default body */
    const char *params[TEMPLATE_PARAM_MAX]; /* placeholders it may use */
};

extern const struct notify_template notify_templates[];
extern const size_t notify_ntemplates;

/* The template of a key, or NULL. */
const struct notify_template *template_find(const char *key);

/* Replaces each {name} of body with params[name] (a string or an integer;
 * absent -> ""). "{{" is a literal "{". Writes at most n - 1 bytes and a
 * NUL; returns 0, or 1 when the text was cut (at a character boundary). */
int template_render(const char *body, json_t *params, char *out, size_t n);

/* Checks an edited body: 1..TEMPLATE_BODY_MAX characters of valid UTF-8,
 * every {name} one of t's placeholders, no unbalanced brace. */
int template_check(const struct notify_template *t, const char *body,
                   struct err *e);

#endif
