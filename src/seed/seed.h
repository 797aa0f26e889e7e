/* seed.h — demo data for 锦州市 12345: organisation and cases.
 *
 * seed_org fills an empty database with the administrative divisions, the
 * unit tree (platform, city departments, districts and their streets,
 * public-service companies), the category tree and the demo users; it is
 * fast (one password hash for every user) because every test server calls it.
 * seed_cases replays n realistic cases through case_create/case_act, so every
 * timeline, assignment and counter is produced by the real lifecycle code.
 * See docs/demo-data.md.
 *
 * DEMO ONLY: every demo user gets the password "demo-pass-2026", and all of
 * them share one argon2id hash string (same salt). Never use this for real
 * accounts.
 */
#ifndef HOTLINE_SEED_H
#define HOTLINE_SEED_H

#include <stdint.h>
#include <stdio.h>

#include "db/db.h"
#include "util/err.h"

#define SEED_DEMO_PASSWORD "demo-pass-2026"

/* Districts, units, categories and users. ERR_CONFLICT when units already
 * exist (the database was seeded before). One transaction. */
int seed_org(struct db *db, int64_t now, struct err *e);

/* n demo cases created over the 90 days before `now`, replayed through the
 * lifecycle in time order; actions planned after `now` are not taken, so the
 * newest cases are still open. Deterministic for a given (n, now, seed).
 * Needs seed_org first. Any refused action aborts the seed with its error. */
int seed_cases(struct db *db, int n, int64_t now, unsigned seed,
               struct err *e);

/* The demo logins: platform users, a few unit users, the rule for the rest. */
void seed_print_logins(struct db *db, FILE *out);

#endif
