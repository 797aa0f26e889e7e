/* rules.h — pure rules of a case: vocabularies, numbers, codes, deadlines.
 *
 * Deadlines, the return and reopen windows and the extension rule come from
 * the working-day calendar and the time-limit rules: deadline/rules.h.
 */
#ifndef HOTLINE_CASE_RULES_H
#define HOTLINE_CASE_RULES_H

#include <stddef.h>
#include <stdint.h>

#define CASE_CONTENT_MAX 4000
#define CASE_TITLE_MAX 100
#define CASE_TITLE_DERIVED 30
#define CASE_ADDRESS_MAX 200
#define CASE_NAME_MAX 50
#define CASE_TEXT_MAX 2000      /* reasons, notes, opinions */
#define CASE_REPLY_MAX 4000
#define CASE_MAX_ASSISTS 10
/* Defaults of --extension-max-count / --extension-max-days (working days);
 * the rule itself (RULE extension-2wd) is in deadline/rules.h. */
#define CASE_EXTENSION_MAX_COUNT 3
#define CASE_EXTENSION_MAX_DAYS 30
#define CASE_YELLOW_SECONDS (24 * 3600)

extern const char *const case_types[];
extern const size_t case_ntypes;
extern const char *const case_urgencies[];
extern const size_t case_nurgencies;
extern const char *const case_satisfactions[];
extern const size_t case_nsatisfactions;

int case_type_valid(const char *s);
int case_urgency_valid(const char *s);
/* [a-z0-9_]{1,32} */
int case_channel_valid(const char *s);
/* Mainland mobile (1[3-9] + 9 digits) or landline (0 + 2–3 digit area code,
 * optional '-', 7–8 digits). */
int case_phone_valid(const char *s);
/* Category and district codes: [0-9A-Za-z]{1,16}. */
int case_code_valid(const char *s);

/* "JZ" + YYYYMMDD + 6-digit sequence of that city day. */
void case_no_format(int ymd, int64_t seq, char out[24]);
/* 1 when s looks like a case number (shape only). */
int case_no_shape(const char *s);
/* A 6-digit random query code. */
void case_query_code(char out[8]);

/* "none", "yellow" or "red" for a case's deadlines. */
const char *case_warning(const char *status, int64_t sign_due, int64_t due,
                         int64_t now);

/* Title from content: the first CASE_TITLE_DERIVED characters of its first
 * line, with an ellipsis when cut. Writes into out (size n). */
void case_title_from(const char *content, char *out, size_t n);

#endif
