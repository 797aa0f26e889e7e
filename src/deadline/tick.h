/* tick.h — the periodic deadline tick (docs/tick.md).
 *
 * One thread per server runs tick_run every tick-interval seconds; a lease
 * row (tick_lease) lets one app node act at a time. A run reads only the
 * assignments whose next_check_at has come (index assignments_next_check),
 * and for each:
 *   - marks warning yellow (at most yellow-days working days left) or red
 *     (overdue), for signing (while unsigned) and for handling, on the
 *     assignment and — for the lead — on the case; alerts the unit when a
 *     mark rises;
 *   - RULE tick-auto-urge: urges (催办) once per deadline, on the first
 *     working day after the day the deadline passed (a case_event 'urge' by
 *     the system actor, and an 'urged' alert to the unit);
 *   - RULE tick-escalate-5wd: escalates once per handling deadline when the
 *     case is TICK_ESCALATE_WORKDAYS working days overdue (a case_event
 *     'escalate' and an 'escalated' alert to every supervisor);
 *   - sets next_check_at to the next moment any of this can change.
 * Running it twice changes nothing (the second run finds nothing due).
 */
#ifndef HOTLINE_DEADLINE_TICK_H
#define HOTLINE_DEADLINE_TICK_H

#include <stdint.h>

#include "db/db.h"
#include "deadline/calendar.h"
#include "util/err.h"

#define TICK_ESCALATE_WORKDAYS 5
#define TICK_BATCH 200 /* assignments per write job */

enum tick_status { TICK_OTHER, TICK_DISPATCHED, TICK_HANDLING };
enum tick_level { TICK_NONE, TICK_YELLOW, TICK_RED };

struct tick_input {
    enum tick_status status; /* of the assignment (dispatched = unsigned) */
    int lead;                /* urges and escalations are the lead's */
    int64_t sign_due, due;   /* 0 = none */
    int64_t urged_for;       /* the deadline already auto-urged, 0 = none */
    int64_t escalated_for;   /* the deadline already escalated, 0 = none */
};

struct tick_decision {
    enum tick_level level;
    int of_sign;             /* the mark is about the sign deadline */
    int64_t deadline;        /* the deadline the mark is about */
    int urge;                /* urge now, for deadline urge_for */
    int64_t urge_for;
    int urge_of_sign;
    int escalate;            /* escalate now, for the handling deadline */
    int64_t next_check;      /* next moment to look again; 0 = never */
};

/* Pure: what the tick does with one assignment at `now`. */
int tick_decide(const struct calendar *cal, const struct tick_input *in,
                int64_t now, int yellow_days, struct tick_decision *out,
                struct err *e);
const char *tick_level_name(enum tick_level l);

/* The moments the decision is made of (pure, exported for tests). */
int64_t tick_yellow_from(const struct calendar *cal, int64_t due, int days);
int64_t tick_urge_at(const struct calendar *cal, int64_t due);
int tick_escalate_at(const struct calendar *cal, int64_t due, int64_t *out,
                     struct err *e);

struct tick_config {
    int64_t interval;  /* seconds */
    int yellow_days;
};

struct tick_result {
    int ran;           /* 0: another node holds the lease */
    int checked, marked, urged, escalated;
    char holder[96];
};

/* One run now (the thread, and POST /api/v1/test/tick). */
int tick_run(struct tick_result *out, struct err *e);
int tick_start(const struct tick_config *c, struct err *e);
void tick_stop(void);

/* In an action's transaction: look at the case's assignments at the next
 * run (deadlines or statuses may have changed). */
int tick_touch_case(struct db *db, int64_t case_id, struct err *e);

#endif
