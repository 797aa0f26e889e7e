/* notify.h — notifications: queueing (inside the action's transaction),
 * delivery (outbox worker: SMS gateway, SMTP), in-app notifications and
 * their live push (SSE). docs/notifications.md.
 *
 * Queueing functions run in the caller's transaction on the caller's
 * connection: the message exists exactly when the action committed.
 * Delivery happens later on the worker thread, at least once.
 */
#ifndef HOTLINE_NOTIFY_H
#define HOTLINE_NOTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"
#include "util/err.h"

/* ---- queueing (store side) ------------------------------------------- */

/* A citizen message (template key with audience "citizen"): one SMS to
 * phone. Nothing when phone is NULL or empty (anonymous cases).
 * params is borrowed. */
int notify_citizen(struct db *db, int64_t case_id, const char *phone,
                   const char *key, json_t *params, int64_t now,
                   struct err *e);
/* A staff alert (audience "staff") to each active handler / unit_admin of
 * the unit, through the channels each chose (in-app by default; SMS to the
 * user's phone; email). params is borrowed; "unit" is filled if absent. */
int notify_unit(struct db *db, int64_t unit_id, const char *key,
                int64_t case_id, json_t *params, int64_t now, struct err *e);
/* The same to every active user of a role ("supervisor"). */
int notify_role(struct db *db, const char *role, const char *key,
                int64_t case_id, json_t *params, int64_t now, struct err *e);

/* ---- delivery (serve) ------------------------------------------------ */

struct notify_config {
    const char *sms_url;       /* "" = SMS stay queued */
    const char *sms_key;
    const char *sms_templates; /* "key=ID,key=ID" */
    const char *smtp_url;      /* "" = email stays queued */
    const char *smtp_user;
    const char *smtp_password;
    const char *smtp_from;
    int64_t retry_base;        /* seconds */
    int max_attempts;
};

/* Starts the delivery worker and the SSE hub (after db_writer_start). */
int notify_start(const struct notify_config *c, struct err *e);
/* Stops both (before db_writer_stop). Safe when not started. */
void notify_stop(void);

/* RULE outbox-backoff: the delay before attempt n+1 after n failed ones:
 * base * 2^(n-1), capped at NOTIFY_BACKOFF_CAP. */
#define NOTIFY_BACKOFF_CAP (6 * 3600)
int64_t notify_backoff(int64_t base, int64_t attempts);
/* How long a claimed message is left to its sender before another
 * delivery run may take it again (sender died). */
#define NOTIFY_CLAIM_SECONDS 60

/* The gateway template id of a key from "key=ID,key=ID" (else the key). */
void notify_sms_template_id(const char *map, const char *key, char *out,
                            size_t n);

/* Result of one send: sent, try again later, or give up. */
enum notify_send { NOTIFY_SENT, NOTIFY_RETRY, NOTIFY_PERMANENT };

/* sms.c: JSON POST {phone, template_id, params, message_id, text} with
 * X-Api-Key and X-Message-Id. err gets a short reason on failure. */
enum notify_send sms_send(const struct notify_config *c, const char *phone,
                          const char *template_id, const char *params_json,
                          const char *text, const char *message_id,
                          char *err, size_t errlen);
/* mail.c: one plain-text UTF-8 email through SMTP (libcurl). */
enum notify_send mail_send(const struct notify_config *c, const char *to,
                           const char *subject, const char *text,
                           const char *message_id, char *err, size_t errlen);

/* Runs one delivery pass now (tests; the worker runs it every second).
 * Returns the number of messages handled or < 0. */
int notify_deliver_once(struct err *e);

/* ---- SSE hub (sse.c) -------------------------------------------------- */

int sse_start(struct err *e);
void sse_stop(void);

#endif
