/* notify_store.h — SQL behind the notification endpoints. */
#ifndef HOTLINE_NOTIFY_STORE_H
#define HOTLINE_NOTIFY_STORE_H

#include <jansson.h>
#include <stdint.h>

#include "db/db.h"

/* The user's notifications, newest first, ids below `before` (0 = all). */
int nstore_list(struct db *db, int64_t user_id, int unread_only,
                int64_t before, int limit, json_t **items, int64_t *unread,
                struct err *e);
/* 1 marked (or already read), 0 no such notification of this user. */
int nstore_read(struct db *db, int64_t user_id, int64_t id, int64_t now,
                struct err *e);
int nstore_read_all(struct db *db, int64_t user_id, int64_t now, int64_t *n,
                    struct err *e);
int nstore_templates(struct db *db, json_t **out, struct err *e);
/* body NULL: back to the default. */
int nstore_template_put(struct db *db, const char *key, const char *body,
                        const char *sms_id, int64_t user_id, int64_t now,
                        struct err *e);
int nstore_prefs_get(struct db *db, int64_t user_id, json_t **out,
                     struct err *e);
int nstore_prefs_put(struct db *db, int64_t user_id, int sms, int inapp,
                     const char *email, int64_t now, struct err *e);
/* Newest outbox rows (admin view; recipients masked). */
int nstore_outbox(struct db *db, const char *state, int limit, json_t **out,
                  struct err *e);

#endif
