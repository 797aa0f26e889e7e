/* lifecycle.h — the case lifecycle of DESIGN.md §3 as data (pure, no I/O).
 *
 * One table (lifecycle.c) lists every action: the statuses it may start from,
 * the status it leads to, and who may take it. The HTTP layer, the `actions`
 * list of a case, the tests and the UI's buttons all come from it.
 *
 * Who may act is a role plus a relation to the case:
 *   WHO_PLATFORM     platform roles (agent, dispatcher, supervisor, admin)
 *   WHO_LEAD         unit roles whose unit is the lead unit or above it
 *   WHO_PARTICIPANT  unit roles whose unit holds an active assist/sub assignment
 *   WHO_VIEWER       anyone who can see the case
 * An action may have several rows (sign: the lead moves the case to handling;
 * an assist unit only signs its own assignment).
 */
#ifndef HOTLINE_LIFECYCLE_H
#define HOTLINE_LIFECYCLE_H

#include <stdint.h>

#include "org/user.h"

enum case_status {
    CS_NEW,
    CS_ACCEPTED,
    CS_DISPATCHED,
    CS_HANDLING,
    CS_RETURNED,
    CS_REPLIED,
    CS_CLOSED,
    CS_REJECTED,
    CS_MERGED,
    CS__COUNT
};
#define CS_SAME (-1) /* "to" of actions that leave the status unchanged */
#define CS_BIT(s) (1u << (s))

enum case_action {
    CA_ACCEPT,
    CA_REJECT,
    CA_ANSWER,
    CA_MERGE,
    CA_DISPATCH,
    CA_SIGN,
    CA_RETURN,
    CA_DENY_RETURN,
    CA_SUBDISPATCH,
    CA_REQUEST_EXTENSION,
    CA_DECIDE_EXTENSION,
    CA_REPLY,
    CA_OPINION,
    CA_REVIEW_REJECT,
    CA_VISIT,
    CA_REOPEN,
    CA_CLOSE,
    CA_SUPERVISE,
    CA_URGE,
    CA_NOTE,
    CA__COUNT
};

enum case_who { WHO_PLATFORM, WHO_LEAD, WHO_PARTICIPANT, WHO_VIEWER };

/* Conditions beyond the status, checked against struct case_facts. */
enum case_guard {
    GUARD_NONE,
    GUARD_OWN_UNSIGNED,     /* the caller's assist/sub assignment is not signed */
    GUARD_RETURN_WINDOW,    /* now <= return_until */
    GUARD_REOPEN_WINDOW,    /* has a lead unit; closed: now <= reopen_until */
    GUARD_PENDING_EXTENSION /* a pending extension request exists */
};

struct case_transition {
    enum case_action action;
    const char *name;
    unsigned from;            /* CS_BIT mask */
    int to;                   /* enum case_status or CS_SAME */
    enum case_who who;
    unsigned roles;           /* ROLE_BIT mask */
    enum case_guard guard;
    int public_event;         /* shown on the citizen's timeline */
};

extern const struct case_transition lifecycle_table[];
extern const size_t lifecycle_table_len;

/* What the pure decision needs to know about a case and the caller. */
struct case_facts {
    enum case_status status;
    int is_platform;          /* caller has a platform role */
    int is_lead;              /* caller's unit is the lead unit or above it */
    int is_participant;       /* caller's unit holds an active assist/sub assignment */
    int own_unsigned;         /* ... and that assignment is not yet signed */
    int can_view;
    int has_lead;             /* the case has (had) a lead unit */
    int pending_extension;
    int64_t now;
    int64_t return_until;     /* 0 = no window */
    int64_t reopen_until;
};

enum lifecycle_verdict {
    LC_ALLOWED = 0,
    LC_UNKNOWN_ACTION,        /* 404 */
    LC_FORBIDDEN,             /* 403: the caller may never take it on this case */
    LC_INVALID_TRANSITION     /* 409: not from this status / guard fails */
};

const char *case_status_name(enum case_status s);
int case_status_parse(const char *s, enum case_status *out);
const char *case_action_name(enum case_action a);
int case_action_parse(const char *s, enum case_action *out);
int case_status_terminal(enum case_status s);

/* Decides whether role `role` may take action `a` now. On LC_ALLOWED, *row
 * (if not NULL) is the table row that applies. */
enum lifecycle_verdict lifecycle_decide(enum case_action a, enum role role,
                                        const struct case_facts *f,
                                        const struct case_transition **row);

/* Bit mask (1u << action) of the actions the caller may take now. */
uint32_t lifecycle_available(enum role role, const struct case_facts *f);

#endif
