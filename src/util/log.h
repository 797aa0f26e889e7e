/* log.h — one line per event, key=value, request id on every line.
 *
 * Personal data (citizen name, phone, ID number, address) never goes into a
 * log unmasked: pass it through log_mask_phone / log_mask_name first.
 */
#ifndef HOTLINE_LOG_H
#define HOTLINE_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_FATAL, LOG_BUG };

void log_set_level(enum log_level lvl);
int log_parse_level(const char *s, enum log_level *out);
/* Request id of the current thread's request ("-" when none). */
void log_set_request_id(const char *id);
const char *log_request_id(void);

void log_msg(enum log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
/* An impossible state: log and abort. */
#define BUG(fmt, ...)                                                          \
    do {                                                                       \
        log_msg(LOG_BUG, "at=%s:%d " fmt, __FILE__, __LINE__, ##__VA_ARGS__);  \
        abort();                                                               \
    } while (0)

/* "138****1234"; keeps first 3 and last 4 of 8+ digit numbers, else "****". */
void log_mask_phone(const char *phone, char out[32]);

#endif
