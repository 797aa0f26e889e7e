/* routes.c — the route table: every endpoint, who may call it, how big a
 * body it takes. The authorization test enumerates this table. */
#include "common.h"

#include "cases/cases_http.h"
#include "db/db.h"
#include "deadline/deadline_http.h" /* time limits */
#include "http/http.h"
#include "http/metrics.h"
#include "kb/kb.h" /* knowledge base */
#include "notify/notify_http.h" /* notifications, tick test clock */
#include "org/audit.h"
#include "org/admin.h" /* administration */
#include "org/auth.h"
#include "org/org.h"
#include "org/user.h"

#define KB 1024
#define ALL ROLE_BITS_ALL
/* Who takes cases in: agents on the phone, dispatchers for other channels. */
#define INTAKE (ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER)
/* Who looks up a caller's history and duplicate hints. */
#define PLATFORM_CASEWORK                                                      \
    (ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR | ROLE_BIT_ADMIN)
/* Authorization (docs/authorization.md): every staff route admitting a unit
 * role states its scope (SCOPE_ALL / SCOPE_UNIT, http.h); leaders read only,
 * so routes that change data name WRITERS, not ALL. */
#define WRITERS                                                                \
    (ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER | ROLE_BIT_HANDLER |                 \
     ROLE_BIT_UNIT_ADMIN | ROLE_BIT_SUPERVISOR | ROLE_BIT_ADMIN)
/* knowledge base: who writes articles (units their own, the platform its
 * own and the review). */
#define KB_WRITERS                                                             \
    (ROLE_BIT_DISPATCHER | ROLE_BIT_ADMIN | ROLE_BIT_HANDLER |                 \
     ROLE_BIT_UNIT_ADMIN)
/* Who reads the audit log. */
#define AUDITORS (ROLE_BIT_ADMIN | ROLE_BIT_SUPERVISOR)

static int
h_healthz(struct req *r, struct resp *out, struct err *e)
{
    struct db *db = db_thread(e);
    int64_t one;

    (void)r;
    if (!db || db_query_int(db, e, &one, "SELECT 1", "") != 1)
        return err_set(e, ERR_UNAVAILABLE, NULL, "database: not answering");
    resp_json(out, 200, json_pack("{s:s}", "status", "ok"));
    return 0;
}

const struct route http_routes[] = {
    {"GET", "/healthz", h_healthz, ACCESS_PUBLIC, 0, 0},
    /* loopback or admin only; the handler checks */
    {"GET", "/metrics", h_metrics, ACCESS_PUBLIC, 0, 0},

    {"POST", "/api/v1/auth/login", h_auth_login, ACCESS_PUBLIC, 0, 4 * KB},
    {"GET", "/api/v1/auth/me", h_auth_me, ACCESS_STAFF, ALL | SCOPE_SELF, 0},
    {"POST", "/api/v1/auth/logout", h_auth_logout, ACCESS_STAFF,
     ALL | SCOPE_SELF, 1 * KB},

    {"POST", "/api/v1/cases", h_cases_create, ACCESS_STAFF, INTAKE, 64 * KB},
    {"GET", "/api/v1/cases", h_cases_list, ACCESS_STAFF, ALL | SCOPE_UNIT, 0},
    {"GET", "/api/v1/cases/:id", h_case_get, ACCESS_STAFF, ALL | SCOPE_UNIT,
     0},
    {"GET", "/api/v1/cases/:id/similar", h_case_similar, ACCESS_STAFF,
     PLATFORM_CASEWORK, 0},
    /* Who may take which action is the lifecycle table's decision. */
    {"POST", "/api/v1/cases/:id/:action", h_case_act, ACCESS_STAFF,
     WRITERS | SCOPE_UNIT, 64 * KB},
    {"GET", "/api/v1/citizens/:phone/cases", h_citizen_cases, ACCESS_STAFF,
     PLATFORM_CASEWORK, 0},
    {"GET", "/api/v1/extensions", h_extensions_list, ACCESS_STAFF,
     ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR | ROLE_BIT_ADMIN, 0},

    {"GET", "/api/v1/units", h_units_list, ACCESS_STAFF, ALL | SCOPE_ALL, 0},
    {"GET", "/api/v1/categories", h_categories_list, ACCESS_STAFF,
     ALL | SCOPE_ALL, 0},
    {"GET", "/api/v1/districts", h_districts_list, ACCESS_STAFF,
     ALL | SCOPE_ALL, 0},

    {"POST", "/api/v1/public/cases", h_public_case_create, ACCESS_PUBLIC, 0,
     64 * KB},
    {"GET", "/api/v1/public/cases/:case_no", h_public_case_track,
     ACCESS_PUBLIC, 0, 0},
    {"POST", "/api/v1/public/cases/:case_no/rating", h_public_case_rate,
     ACCESS_PUBLIC, 0, 16 * KB},
    {"GET", "/api/v1/public/categories", h_public_categories, ACCESS_PUBLIC, 0,
     0},
    {"GET", "/api/v1/public/districts", h_districts_list, ACCESS_PUBLIC, 0, 0},

    /* administration and authentication hardening (org/admin.c, org/auth.c,
     * docs/security.md). A caller's own session and password: every role,
     * leaders too. Users: unit_admin within their own unit's subtree. */
    {"POST", "/api/v1/auth/logout-all", h_auth_logout_all, ACCESS_STAFF,
     ALL | SCOPE_SELF, 1 * KB},
    {"POST", "/api/v1/auth/password", h_auth_password, ACCESS_STAFF,
     ALL | SCOPE_SELF, 4 * KB},
    {"POST", "/api/v1/units", h_units_create, ACCESS_STAFF, ROLE_BIT_ADMIN,
     16 * KB},
    {"PATCH", "/api/v1/units/:id", h_units_update, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 16 * KB},
    {"DELETE", "/api/v1/units/:id", h_units_delete, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 0},
    {"GET", "/api/v1/users", h_users_list, ACCESS_STAFF,
     ROLE_BIT_ADMIN | ROLE_BIT_UNIT_ADMIN | SCOPE_UNIT, 0},
    {"GET", "/api/v1/users/:id", h_users_get, ACCESS_STAFF,
     ROLE_BIT_ADMIN | ROLE_BIT_UNIT_ADMIN | SCOPE_UNIT, 0},
    {"POST", "/api/v1/users", h_users_create, ACCESS_STAFF,
     ROLE_BIT_ADMIN | ROLE_BIT_UNIT_ADMIN | SCOPE_UNIT, 4 * KB},
    {"PATCH", "/api/v1/users/:id", h_users_update, ACCESS_STAFF,
     ROLE_BIT_ADMIN | ROLE_BIT_UNIT_ADMIN | SCOPE_UNIT, 4 * KB},
    {"POST", "/api/v1/users/:id/password", h_users_password, ACCESS_STAFF,
     ROLE_BIT_ADMIN | ROLE_BIT_UNIT_ADMIN | SCOPE_UNIT, 4 * KB},
    {"POST", "/api/v1/categories", h_categories_create, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 4 * KB},
    {"PATCH", "/api/v1/categories/:id", h_categories_update, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 4 * KB},

    /* audit log (org/audit.c, docs/audit.md) */
    {"GET", "/api/v1/audit", h_audit_list, ACCESS_STAFF, AUDITORS, 0},

    /* time limits: working-day calendar and rules (deadline/, docs/time-limits.md) */
    {"GET", "/api/v1/calendar/:year", h_calendar_get, ACCESS_STAFF,
     ALL | SCOPE_ALL, 0},
    {"PUT", "/api/v1/calendar/:year", h_calendar_put, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 64 * KB},
    {"POST", "/api/v1/calendar/import", h_calendar_import, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 256 * KB},
    {"GET", "/api/v1/time-limits", h_time_limits_get, ACCESS_STAFF,
     ALL | SCOPE_ALL, 0},
    {"PUT", "/api/v1/time-limits", h_time_limits_put, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 128 * KB},

    /* notifications and the deadline tick (notify/, deadline/tick.c,
     * docs/notifications.md, docs/tick.md). A user's own bell and channel
     * choice: every role, its own rows only. */
    {"GET", "/api/v1/notifications", h_notifications_list, ACCESS_STAFF,
     ALL | SCOPE_SELF, 0},
    {"POST", "/api/v1/notifications/read-all", h_notifications_read_all,
     ACCESS_STAFF, ALL | SCOPE_SELF, 1 * KB},
    {"POST", "/api/v1/notifications/:id/read", h_notification_read,
     ACCESS_STAFF, ALL | SCOPE_SELF, 1 * KB},
    {"GET", "/api/v1/events", h_events, ACCESS_STAFF, ALL | SCOPE_SELF, 0},
    {"GET", "/api/v1/auth/me/notify-prefs", h_notify_prefs_get, ACCESS_STAFF,
     ALL | SCOPE_SELF, 0},
    {"PUT", "/api/v1/auth/me/notify-prefs", h_notify_prefs_put, ACCESS_STAFF,
     ALL | SCOPE_SELF, 1 * KB},
    {"GET", "/api/v1/notify/templates", h_notify_templates_list, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 0},
    {"PUT", "/api/v1/notify/templates/:key", h_notify_template_put,
     ACCESS_STAFF, ROLE_BIT_ADMIN, 4 * KB},
    {"GET", "/api/v1/notify/outbox", h_notify_outbox_list, ACCESS_STAFF,
     ROLE_BIT_ADMIN, 0},
    /* only with `hotline serve --test-clock`; 404 otherwise */
    {"POST", "/api/v1/test/clock", h_test_clock, ACCESS_STAFF, ROLE_BIT_ADMIN,
     1 * KB},
    {"POST", "/api/v1/test/tick", h_test_tick, ACCESS_STAFF, ROLE_BIT_ADMIN,
     1 * KB},

    /* knowledge base (kb/, docs/kb.md). Units write their own articles,
     * dispatcher and admin the platform's and review what units submit (the
     * handler decides who may take which step); everyone reads what is on
     * offer; citizens search public articles. */
    {"GET", "/api/v1/kb/articles", h_kb_list, ACCESS_STAFF, ALL | SCOPE_UNIT, 0},
    {"POST", "/api/v1/kb/articles", h_kb_create, ACCESS_STAFF,
     KB_WRITERS | SCOPE_UNIT, 256 * KB},
    {"GET", "/api/v1/kb/articles/:id", h_kb_get, ACCESS_STAFF,
     ALL | SCOPE_UNIT, 0},
    {"PATCH", "/api/v1/kb/articles/:id", h_kb_update, ACCESS_STAFF,
     KB_WRITERS | SCOPE_UNIT, 256 * KB},
    {"DELETE", "/api/v1/kb/articles/:id", h_kb_delete, ACCESS_STAFF,
     KB_WRITERS | SCOPE_UNIT, 0},
    {"GET", "/api/v1/kb/articles/:id/history", h_kb_history, ACCESS_STAFF,
     ALL | SCOPE_UNIT, 0},
    /* submit, approve, reject, expire */
    {"POST", "/api/v1/kb/articles/:id/:action", h_kb_act, ACCESS_STAFF,
     KB_WRITERS | SCOPE_UNIT, 4 * KB},
    {"GET", "/api/v1/kb/search", h_kb_search, ACCESS_STAFF, ALL | SCOPE_ALL,
     0},
    {"GET", "/api/v1/kb/stats", h_kb_stats, ACCESS_STAFF, ALL | SCOPE_UNIT, 0},
    {"GET", "/api/v1/kb/export/:format", h_kb_export, ACCESS_STAFF,
     ALL | SCOPE_UNIT, 0},
    {"POST", "/api/v1/kb/import", h_kb_import, ACCESS_STAFF,
     KB_WRITERS | SCOPE_UNIT, 1024 * KB},
    {"GET", "/api/v1/public/kb", h_public_kb, ACCESS_PUBLIC, 0, 0},
};
const size_t http_nroutes = ARRAY_SIZE(http_routes);
