/* deadline_http.h — HTTP handlers of the calendar and the time-limit rules
 * (docs/api.md "Time limits"). */
#ifndef HOTLINE_DEADLINE_HTTP_H
#define HOTLINE_DEADLINE_HTTP_H

#include "http/http.h"

#define CALENDAR_YEAR_MIN 2000
#define CALENDAR_YEAR_MAX 2100
#define CALENDAR_ICS_MAX (192 * 1024) /* bytes of ics text */

int h_calendar_get(struct req *r, struct resp *out, struct err *e);
int h_calendar_put(struct req *r, struct resp *out, struct err *e);
int h_calendar_import(struct req *r, struct resp *out, struct err *e);
int h_time_limits_get(struct req *r, struct resp *out, struct err *e);
int h_time_limits_put(struct req *r, struct resp *out, struct err *e);

#endif
