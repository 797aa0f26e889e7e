/* intern.h — stable copies of strings built from a bounded set of fragments.
 *
 * The statement cache of db/ is keyed by the SQL text's address. A query
 * assembled from fixed fragments (a list filter: which conditions are
 * present, never their values) is interned so that each distinct shape gets
 * one address and one prepared statement. Never intern anything derived from
 * input values: the table only grows. Thread-safe.
 */
#ifndef HOTLINE_INTERN_H
#define HOTLINE_INTERN_H

const char *intern(const char *s);

#endif
