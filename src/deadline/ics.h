/* ics.h — the holiday part of an iCalendar (RFC 5545) text (pure).
 *
 * Reads the VEVENTs of a VCALENDAR: DTSTART;VALUE=DATE (or a bare
 * YYYYMMDD), optional DTEND (exclusive) and SUMMARY. Every day of an event
 * becomes a calendar exception named by its SUMMARY (cut to
 * CALENDAR_NAME_MAX characters): a make-up working day when the summary
 * contains 班, 调休 or 上班, else a holiday. Lines may end in CRLF or LF;
 * folded lines (a line starting with a space or tab continues the previous
 * one) are unfolded first. Other components (VTIMEZONE, VALARM, ...) and
 * other properties are skipped. Anything malformed fails with
 * ERR_VALIDATION, field "ics", and a message naming the line.
 */
#ifndef HOTLINE_DEADLINE_ICS_H
#define HOTLINE_DEADLINE_ICS_H

#include <stddef.h>

#include "deadline/calendar.h"
#include "util/err.h"

#define ICS_MAX_LINE 4096     /* bytes of one unfolded line */
#define ICS_MAX_EVENT_DAYS 60 /* a longer "holiday" is a mistake */
#define ICS_MAX_DAYS 2000     /* days in one file */

/* Adds the file's days to out (calendar_finish() is called). Two events
 * giving one date different kinds are an error; the same kind twice keeps
 * the first name. */
int ics_parse(const char *text, size_t len, struct calendar *out,
              struct err *e);

#endif
