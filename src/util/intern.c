/* intern.c — a mutex-protected set of strings that lives until exit. */
#include "common.h"

#include <pthread.h>

#include "util/intern.h"

#define INTERN_MAX 4096 /* distinct shapes; past it is a BUG (input leaked in) */

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char *interned[INTERN_MAX];
static size_t ninterned;

const char *
intern(const char *s)
{
    const char *found = NULL;

    pthread_mutex_lock(&intern_lock);
    for (size_t i = 0; i < ninterned; i++) {
        if (strcmp(interned[i], s) == 0) {
            found = interned[i];
            break;
        }
    }
    if (!found) {
        if (ninterned == INTERN_MAX)
            BUG("intern table full: are input values being interned?");
        interned[ninterned] = xstrdup(s);
        found = interned[ninterned++];
    }
    pthread_mutex_unlock(&intern_lock);
    return found;
}
