/* lifecycle.c — the lifecycle table and the decision over it. */
#include "common.h"

#include "cases/lifecycle.h"

static const char *const status_names[CS__COUNT] = {
    "new",      "accepted", "dispatched", "handling", "returned",
    "replied",  "closed",   "rejected",   "merged",
};

#define B(s) CS_BIT(CS_##s)
#define R(r) ROLE_BIT_##r

/* Platform roles that act on cases: agents and dispatchers do the intake,
 * supervisors supervise; leaders only read. */
#define STAFF_WRITERS                                                          \
    (R(AGENT) | R(DISPATCHER) | R(SUPERVISOR) | R(ADMIN) | R(HANDLER) |        \
     R(UNIT_ADMIN))

/* DESIGN.md §3, row by row. */
const struct case_transition lifecycle_table[] = {
    {CA_ACCEPT, "accept", B(NEW), CS_ACCEPTED, WHO_PLATFORM,
     R(AGENT) | R(DISPATCHER), GUARD_NONE, 1},
    {CA_REJECT, "reject", B(NEW) | B(ACCEPTED), CS_REJECTED, WHO_PLATFORM,
     R(AGENT) | R(DISPATCHER), GUARD_NONE, 1},
    {CA_ANSWER, "answer", B(NEW) | B(ACCEPTED), CS_CLOSED, WHO_PLATFORM,
     R(AGENT) | R(DISPATCHER), GUARD_NONE, 1},
    {CA_MERGE, "merge", B(NEW) | B(ACCEPTED), CS_MERGED, WHO_PLATFORM,
     R(DISPATCHER), GUARD_NONE, 1},
    {CA_DISPATCH, "dispatch", B(ACCEPTED) | B(RETURNED), CS_DISPATCHED,
     WHO_PLATFORM, R(DISPATCHER), GUARD_NONE, 1},
    {CA_SIGN, "sign", B(DISPATCHED), CS_HANDLING, WHO_LEAD,
     R(HANDLER) | R(UNIT_ADMIN), GUARD_NONE, 1},
    {CA_SIGN, "sign", B(DISPATCHED) | B(HANDLING), CS_SAME, WHO_PARTICIPANT,
     R(HANDLER) | R(UNIT_ADMIN), GUARD_OWN_UNSIGNED, 0},
    {CA_RETURN, "return", B(DISPATCHED) | B(HANDLING), CS_RETURNED, WHO_LEAD,
     R(HANDLER) | R(UNIT_ADMIN), GUARD_RETURN_WINDOW, 0},
    {CA_DENY_RETURN, "deny_return", B(RETURNED), CS_DISPATCHED, WHO_PLATFORM,
     R(DISPATCHER), GUARD_NONE, 0},
    {CA_SUBDISPATCH, "subdispatch", B(HANDLING), CS_SAME, WHO_LEAD,
     R(UNIT_ADMIN), GUARD_NONE, 0},
    {CA_REQUEST_EXTENSION, "request_extension", B(DISPATCHED) | B(HANDLING),
     CS_SAME, WHO_LEAD, R(HANDLER) | R(UNIT_ADMIN), GUARD_NONE, 0},
    {CA_DECIDE_EXTENSION, "decide_extension", B(DISPATCHED) | B(HANDLING),
     CS_SAME, WHO_PLATFORM, R(DISPATCHER) | R(SUPERVISOR),
     GUARD_PENDING_EXTENSION, 1},
    {CA_REPLY, "reply", B(HANDLING), CS_REPLIED, WHO_LEAD,
     R(HANDLER) | R(UNIT_ADMIN), GUARD_NONE, 1},
    {CA_OPINION, "opinion", B(DISPATCHED) | B(HANDLING), CS_SAME,
     WHO_PARTICIPANT, R(HANDLER) | R(UNIT_ADMIN), GUARD_NONE, 0},
    {CA_REVIEW_REJECT, "review_reject", B(REPLIED), CS_HANDLING, WHO_PLATFORM,
     R(DISPATCHER), GUARD_NONE, 0},
    {CA_VISIT, "visit", B(REPLIED), CS_CLOSED, WHO_PLATFORM,
     R(AGENT) | R(DISPATCHER), GUARD_NONE, 1},
    {CA_REOPEN, "reopen", B(REPLIED) | B(CLOSED), CS_HANDLING, WHO_PLATFORM,
     R(DISPATCHER) | R(SUPERVISOR), GUARD_REOPEN_WINDOW, 1},
    {CA_CLOSE, "close", B(REPLIED), CS_CLOSED, WHO_PLATFORM, R(DISPATCHER),
     GUARD_NONE, 1},
    {CA_SUPERVISE, "supervise", B(DISPATCHED) | B(HANDLING) | B(RETURNED),
     CS_SAME, WHO_PLATFORM, R(SUPERVISOR), GUARD_NONE, 0},
    {CA_URGE, "urge", B(DISPATCHED) | B(HANDLING) | B(RETURNED), CS_SAME,
     WHO_PLATFORM, R(SUPERVISOR) | R(DISPATCHER), GUARD_NONE, 0},
    {CA_NOTE, "note", (1u << CS__COUNT) - 1, CS_SAME, WHO_VIEWER,
     STAFF_WRITERS, GUARD_NONE, 0},
};
const size_t lifecycle_table_len = ARRAY_SIZE(lifecycle_table);

#undef B
#undef R

const char *
case_status_name(enum case_status s)
{
    if ((unsigned)s >= CS__COUNT)
        BUG("case status %d out of range", (int)s);
    return status_names[s];
}

int
case_status_parse(const char *s, enum case_status *out)
{
    for (int i = 0; i < CS__COUNT; i++) {
        if (strcmp(s, status_names[i]) == 0) {
            *out = (enum case_status)i;
            return 0;
        }
    }
    return -1;
}

int
case_status_terminal(enum case_status s)
{
    return s == CS_CLOSED || s == CS_REJECTED || s == CS_MERGED;
}

const char *
case_action_name(enum case_action a)
{
    for (size_t i = 0; i < lifecycle_table_len; i++) {
        if (lifecycle_table[i].action == a)
            return lifecycle_table[i].name;
    }
    BUG("case action %d not in the table", (int)a);
}

int
case_action_parse(const char *s, enum case_action *out)
{
    for (size_t i = 0; i < lifecycle_table_len; i++) {
        if (strcmp(s, lifecycle_table[i].name) == 0) {
            *out = lifecycle_table[i].action;
            return 0;
        }
    }
    return -1;
}

static int
who_matches(enum case_who who, const struct case_facts *f)
{
    switch (who) {
    case WHO_PLATFORM:
        return f->is_platform;
    case WHO_LEAD:
        return f->is_lead;
    case WHO_PARTICIPANT:
        return f->is_participant;
    case WHO_VIEWER:
        return f->can_view;
    }
    return 0;
}

static int
guard_holds(enum case_guard g, const struct case_facts *f)
{
    switch (g) {
    case GUARD_NONE:
        return 1;
    case GUARD_OWN_UNSIGNED:
        return f->own_unsigned;
    case GUARD_RETURN_WINDOW:
        return f->return_until == 0 || f->now <= f->return_until;
    case GUARD_REOPEN_WINDOW:
        if (!f->has_lead)
            return 0;
        return f->status != CS_CLOSED || f->now <= f->reopen_until;
    case GUARD_PENDING_EXTENSION:
        return f->pending_extension;
    }
    return 0;
}

enum lifecycle_verdict
lifecycle_decide(enum case_action a, enum role role,
                 const struct case_facts *f,
                 const struct case_transition **row)
{
    int known = 0, permitted = 0;

    for (size_t i = 0; i < lifecycle_table_len; i++) {
        const struct case_transition *t = &lifecycle_table[i];
        if (t->action != a)
            continue;
        known = 1;
        if (!(t->roles & ROLE_BIT(role)) || !who_matches(t->who, f))
            continue;
        permitted = 1;
        if (!(t->from & CS_BIT(f->status)) || !guard_holds(t->guard, f))
            continue;
        if (row)
            *row = t;
        return LC_ALLOWED;
    }
    if (!known)
        return LC_UNKNOWN_ACTION;
    return permitted ? LC_INVALID_TRANSITION : LC_FORBIDDEN;
}

uint32_t
lifecycle_available(enum role role, const struct case_facts *f)
{
    uint32_t mask = 0;

    for (int a = 0; a < CA__COUNT; a++) {
        if (lifecycle_decide((enum case_action)a, role, f, NULL) == LC_ALLOWED)
            mask |= 1u << a;
    }
    return mask;
}
