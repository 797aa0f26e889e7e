/* routes.c — the route table: every endpoint, who may call it, how big a
 * body it takes. The authorization test enumerates this table. */
#include "common.h"

#include "cases/cases_http.h"
#include "db/db.h"
#include "http/http.h"
#include "http/metrics.h"
#include "org/auth.h"
#include "org/org.h"
#include "org/user.h"

#define KB 1024
#define ALL ROLE_BITS_ALL
#define PLATFORM_READERS ROLE_BITS_PLATFORM
/* Who takes cases in: agents on the phone, dispatchers for other channels. */
#define INTAKE (ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER)
/* Who looks up a caller's history and duplicate hints. */
#define PLATFORM_CASEWORK                                                      \
    (ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR | ROLE_BIT_ADMIN)

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
    {"GET", "/api/v1/auth/me", h_auth_me, ACCESS_STAFF, ALL, 0},
    {"POST", "/api/v1/auth/logout", h_auth_logout, ACCESS_STAFF, ALL, 1 * KB},

    {"POST", "/api/v1/cases", h_cases_create, ACCESS_STAFF, INTAKE, 64 * KB},
    {"GET", "/api/v1/cases", h_cases_list, ACCESS_STAFF, ALL, 0},
    {"GET", "/api/v1/cases/:id", h_case_get, ACCESS_STAFF, ALL, 0},
    {"GET", "/api/v1/cases/:id/similar", h_case_similar, ACCESS_STAFF,
     PLATFORM_CASEWORK, 0},
    /* Who may take which action is the lifecycle table's decision. */
    {"POST", "/api/v1/cases/:id/:action", h_case_act, ACCESS_STAFF, ALL,
     64 * KB},
    {"GET", "/api/v1/citizens/:phone/cases", h_citizen_cases, ACCESS_STAFF,
     PLATFORM_CASEWORK, 0},
    {"GET", "/api/v1/extensions", h_extensions_list, ACCESS_STAFF,
     ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR | ROLE_BIT_ADMIN, 0},

    {"GET", "/api/v1/units", h_units_list, ACCESS_STAFF, ALL, 0},
    {"GET", "/api/v1/categories", h_categories_list, ACCESS_STAFF, ALL, 0},
    {"GET", "/api/v1/districts", h_districts_list, ACCESS_STAFF, ALL, 0},

    {"POST", "/api/v1/public/cases", h_public_case_create, ACCESS_PUBLIC, 0,
     64 * KB},
    {"GET", "/api/v1/public/cases/:case_no", h_public_case_track,
     ACCESS_PUBLIC, 0, 0},
    {"POST", "/api/v1/public/cases/:case_no/rating", h_public_case_rate,
     ACCESS_PUBLIC, 0, 16 * KB},
    {"GET", "/api/v1/public/categories", h_public_categories, ACCESS_PUBLIC, 0,
     0},
    {"GET", "/api/v1/public/districts", h_districts_list, ACCESS_PUBLIC, 0, 0},
};
const size_t http_nroutes = ARRAY_SIZE(http_routes);
