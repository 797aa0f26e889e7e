/* test_lifecycle.c — every (status, action) pair against DESIGN.md §3.
 *
 * The expectations below are a second, independent transcription of the
 * lifecycle table in DESIGN.md (from-statuses, to-status, who). The code's
 * table (src/cases/lifecycle.c) must agree with it for every status, every
 * action and every role. */
#include "common.h"

#include <setjmp.h>
#include <stdarg.h>

#include <cmocka.h>

#include "cases/lifecycle.h"

#define S(x) CS_BIT(CS_##x)
#define ANY ((1u << CS__COUNT) - 1)

/* who: P platform roles, L lead unit, A assist/sub unit, V any viewer */
static const struct {
    const char *action;
    unsigned from;
    int to; /* CS_SAME = unchanged */
    char who;
    unsigned roles;
} design[] = {
    {"accept", S(NEW), CS_ACCEPTED, 'P', ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER},
    {"reject", S(NEW) | S(ACCEPTED), CS_REJECTED, 'P',
     ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER},
    {"answer", S(NEW) | S(ACCEPTED), CS_CLOSED, 'P',
     ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER},
    {"merge", S(NEW) | S(ACCEPTED), CS_MERGED, 'P', ROLE_BIT_DISPATCHER},
    {"dispatch", S(ACCEPTED) | S(RETURNED), CS_DISPATCHED, 'P',
     ROLE_BIT_DISPATCHER},
    {"sign", S(DISPATCHED), CS_HANDLING, 'L', ROLE_BITS_UNIT},
    {"return", S(DISPATCHED) | S(HANDLING), CS_RETURNED, 'L', ROLE_BITS_UNIT},
    {"deny_return", S(RETURNED), CS_DISPATCHED, 'P', ROLE_BIT_DISPATCHER},
    {"subdispatch", S(HANDLING), CS_SAME, 'L', ROLE_BIT_UNIT_ADMIN},
    {"request_extension", S(DISPATCHED) | S(HANDLING), CS_SAME, 'L',
     ROLE_BITS_UNIT},
    {"decide_extension", S(DISPATCHED) | S(HANDLING), CS_SAME, 'P',
     ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR},
    {"reply", S(HANDLING), CS_REPLIED, 'L', ROLE_BITS_UNIT},
    {"review_reject", S(REPLIED), CS_HANDLING, 'P', ROLE_BIT_DISPATCHER},
    {"visit", S(REPLIED), CS_CLOSED, 'P', ROLE_BIT_AGENT | ROLE_BIT_DISPATCHER},
    {"reopen", S(REPLIED) | S(CLOSED), CS_HANDLING, 'P',
     ROLE_BIT_DISPATCHER | ROLE_BIT_SUPERVISOR},
    {"close", S(REPLIED), CS_CLOSED, 'P', ROLE_BIT_DISPATCHER},
    {"supervise", S(DISPATCHED) | S(HANDLING) | S(RETURNED), CS_SAME, 'P',
     ROLE_BIT_SUPERVISOR},
    {"urge", S(DISPATCHED) | S(HANDLING) | S(RETURNED), CS_SAME, 'P',
     ROLE_BIT_SUPERVISOR | ROLE_BIT_DISPATCHER},
    /* any staff who can see the case; leaders only read */
    {"note", ANY, CS_SAME, 'V', ROLE_BITS_ALL & ~ROLE_BIT_LEADER},
    /* additions of docs/api.md: an assist unit's opinion to the lead */
    {"opinion", S(DISPATCHED) | S(HANDLING), CS_SAME, 'A', ROLE_BITS_UNIT},
};

/* Facts for a caller standing in relation `who` to a case in status s, with
 * every guard satisfied. */
static struct case_facts
facts_for(char who, enum role role, enum case_status s)
{
    struct case_facts f;

    memset(&f, 0, sizeof(f));
    f.status = s;
    f.can_view = 1;
    f.is_platform = who == 'P' || (who == 'V' && role_is_platform(role));
    f.is_lead = who == 'L' || (who == 'V' && !role_is_platform(role));
    f.is_participant = who == 'A';
    f.own_unsigned = 1;
    f.has_lead = 1;
    f.pending_extension = 1;
    f.now = 1000;
    f.return_until = 2000;
    f.reopen_until = 2000;
    return f;
}

static void
test_every_status_action_role(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(design); i++) {
        enum case_action a;

        assert_int_equal(case_action_parse(design[i].action, &a), 0);
        for (int r = 0; r < ROLE__COUNT; r++) {
            for (int s = 0; s < CS__COUNT; s++) {
                struct case_facts f =
                    facts_for(design[i].who, (enum role)r, (enum case_status)s);
                const struct case_transition *t = NULL;
                enum lifecycle_verdict v =
                    lifecycle_decide(a, (enum role)r, &f, &t);
                int role_ok = (design[i].roles & ROLE_BIT(r)) != 0;
                int status_ok = (design[i].from & CS_BIT(s)) != 0;

                if (!role_ok) {
                    assert_int_equal(v, LC_FORBIDDEN);
                } else if (!status_ok) {
                    assert_int_equal(v, LC_INVALID_TRANSITION);
                } else {
                    assert_int_equal(v, LC_ALLOWED);
                    assert_int_equal(t->to, design[i].to);
                }
            }
        }
    }
}

/* The code's table has no action the design does not list. */
static void
test_no_extra_actions(void **state)
{
    (void)state;
    for (size_t k = 0; k < lifecycle_table_len; k++) {
        int found = 0;
        for (size_t i = 0; i < ARRAY_SIZE(design); i++)
            found |= strcmp(lifecycle_table[k].name, design[i].action) == 0;
        assert_true(found);
    }
    assert_int_equal(ARRAY_SIZE(design), CA__COUNT);
}

/* A unit that is neither lead nor participant may do nothing but note. */
static void
test_unrelated_unit(void **state)
{
    struct case_facts f = facts_for('V', ROLE_HANDLER, CS_HANDLING);

    (void)state;
    f.is_lead = 0;
    assert_int_equal(lifecycle_available(ROLE_HANDLER, &f), 1u << CA_NOTE);
    assert_int_equal(lifecycle_decide(CA_REPLY, ROLE_HANDLER, &f, NULL),
                     LC_FORBIDDEN);
}

/* An assist unit signs its own assignment without moving the case, once. */
static void
test_assist_sign(void **state)
{
    struct case_facts f = facts_for('A', ROLE_HANDLER, CS_HANDLING);
    const struct case_transition *t = NULL;

    (void)state;
    assert_int_equal(lifecycle_decide(CA_SIGN, ROLE_HANDLER, &f, &t), LC_ALLOWED);
    assert_int_equal(t->to, CS_SAME);
    f.own_unsigned = 0;
    assert_int_equal(lifecycle_decide(CA_SIGN, ROLE_HANDLER, &f, NULL),
                     LC_INVALID_TRANSITION);
    /* the lead's sign is only from dispatched */
    f = facts_for('L', ROLE_HANDLER, CS_HANDLING);
    assert_int_equal(lifecycle_decide(CA_SIGN, ROLE_HANDLER, &f, NULL),
                     LC_INVALID_TRANSITION);
}

/* Guards: the return window, the reopen window, a pending extension. */
static void
test_guards(void **state)
{
    struct case_facts f = facts_for('L', ROLE_HANDLER, CS_HANDLING);

    (void)state;
    f.now = f.return_until + 1;
    assert_int_equal(lifecycle_decide(CA_RETURN, ROLE_HANDLER, &f, NULL),
                     LC_INVALID_TRANSITION);
    f = facts_for('P', ROLE_DISPATCHER, CS_CLOSED);
    f.now = f.reopen_until + 1;
    assert_int_equal(lifecycle_decide(CA_REOPEN, ROLE_DISPATCHER, &f, NULL),
                     LC_INVALID_TRANSITION);
    f = facts_for('P', ROLE_DISPATCHER, CS_REPLIED);
    f.now = f.reopen_until + 1; /* the window applies to closed cases only */
    assert_int_equal(lifecycle_decide(CA_REOPEN, ROLE_DISPATCHER, &f, NULL),
                     LC_ALLOWED);
    f.has_lead = 0; /* an answered consultation has no unit to reopen to */
    assert_int_equal(lifecycle_decide(CA_REOPEN, ROLE_DISPATCHER, &f, NULL),
                     LC_INVALID_TRANSITION);
    f = facts_for('P', ROLE_DISPATCHER, CS_HANDLING);
    f.pending_extension = 0;
    assert_int_equal(
        lifecycle_decide(CA_DECIDE_EXTENSION, ROLE_DISPATCHER, &f, NULL),
        LC_INVALID_TRANSITION);
}

static void
test_names(void **state)
{
    enum case_status s;
    enum case_action a;

    (void)state;
    for (int i = 0; i < CS__COUNT; i++) {
        assert_int_equal(case_status_parse(case_status_name((enum case_status)i), &s), 0);
        assert_int_equal(s, i);
    }
    assert_int_equal(case_status_parse("open", &s), -1);
    assert_int_equal(case_action_parse("delete", &a), -1);
    assert_true(case_status_terminal(CS_CLOSED));
    assert_true(case_status_terminal(CS_REJECTED));
    assert_true(case_status_terminal(CS_MERGED));
    assert_false(case_status_terminal(CS_REPLIED));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_status_action_role),
        cmocka_unit_test(test_no_extra_actions),
        cmocka_unit_test(test_unrelated_unit),
        cmocka_unit_test(test_assist_sign),
        cmocka_unit_test(test_guards),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
