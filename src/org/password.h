/* password.h — the rules a staff password must meet (pure, no I/O).
 *
 * RULE password-staff: at least 10 characters, at most 128 bytes, at least
 * 3 of the 4 classes (lower-case, upper-case, digit, other), must not
 * contain the username (case-insensitive), and must not be one of a small
 * built-in list of common passwords. The rules apply whenever a password is
 * set (API, command line); stored hashes are never re-checked, so the
 * seeded demo users keep "demo-pass-2026" — which passes anyway.
 */
#ifndef HOTLINE_PASSWORD_H
#define HOTLINE_PASSWORD_H

#include "util/err.h"

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_BYTES 128

/* 0 when `pw` is acceptable for `username`; otherwise < 0 with e =
 * validation_failed on `field` saying which rule failed. */
int password_check(const char *pw, const char *username, const char *field,
                   struct err *e);

#endif
