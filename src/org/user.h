/* user.h — roles and the authenticated user a request carries. */
#ifndef HOTLINE_USER_H
#define HOTLINE_USER_H

#include <stdint.h>

enum role {
    ROLE_AGENT,
    ROLE_DISPATCHER,
    ROLE_HANDLER,
    ROLE_UNIT_ADMIN,
    ROLE_SUPERVISOR,
    ROLE_LEADER,
    ROLE_ADMIN,
    ROLE__COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLE_BIT_AGENT ROLE_BIT(ROLE_AGENT)
#define ROLE_BIT_DISPATCHER ROLE_BIT(ROLE_DISPATCHER)
#define ROLE_BIT_HANDLER ROLE_BIT(ROLE_HANDLER)
#define ROLE_BIT_UNIT_ADMIN ROLE_BIT(ROLE_UNIT_ADMIN)
#define ROLE_BIT_SUPERVISOR ROLE_BIT(ROLE_SUPERVISOR)
#define ROLE_BIT_LEADER ROLE_BIT(ROLE_LEADER)
#define ROLE_BIT_ADMIN ROLE_BIT(ROLE_ADMIN)
#define ROLE_BITS_ALL ((1u << ROLE__COUNT) - 1)
#define ROLE_BITS_UNIT (ROLE_BIT_HANDLER | ROLE_BIT_UNIT_ADMIN)
#define ROLE_BITS_PLATFORM (ROLE_BITS_ALL & ~ROLE_BITS_UNIT)

const char *role_name(enum role r);
int role_is_platform(enum role r);
int role_parse(const char *s, enum role *out);

struct user {
    int64_t id;
    char username[64];
    char name[64];
    enum role role;
    int64_t unit_id;
    char unit_path[256]; /* materialised path of the unit, "/1/4/17/" */
    char unit_name[128];
    char unit_kind[16];  /* platform, department, district, street, company */
    int64_t session_id;
    int via_cookie;      /* authenticated by cookie (CSRF applies) */
    char client_ip[64];  /* the request's peer address (audit: "from where") */
};

#endif
