/* notify_http.h — HTTP handlers of notifications, templates, preferences,
 * the live event stream, and the test clock (docs/notifications.md). */
#ifndef HOTLINE_NOTIFY_HTTP_H
#define HOTLINE_NOTIFY_HTTP_H

#include "http/http.h"

int h_notifications_list(struct req *r, struct resp *out, struct err *e);
int h_notification_read(struct req *r, struct resp *out, struct err *e);
int h_notifications_read_all(struct req *r, struct resp *out, struct err *e);
int h_events(struct req *r, struct resp *out, struct err *e);
int h_notify_templates_list(struct req *r, struct resp *out, struct err *e);
int h_notify_template_put(struct req *r, struct resp *out, struct err *e);
int h_notify_prefs_get(struct req *r, struct resp *out, struct err *e);
int h_notify_prefs_put(struct req *r, struct resp *out, struct err *e);
int h_notify_outbox_list(struct req *r, struct resp *out, struct err *e);
/* Test clock: 404 unless the server runs with --test-clock. */
int h_test_clock(struct req *r, struct resp *out, struct err *e);
int h_test_tick(struct req *r, struct resp *out, struct err *e);

#endif
