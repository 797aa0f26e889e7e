/* replay.c — runs a fuzz target over files, without libFuzzer.
 *
 * Usage: replay-<name> FILE|DIR...   Every regular file (directories are
 * read one level deep, in name order) is copied into a buffer of exactly its
 * size and given to LLVMFuzzerTestOneInput. Built with gcc and ASan/UBSan
 * by `make fuzz-replay`, so the corpus is a regression test that needs no
 * clang. Prints "fuzz_<name>: N inputs ok"; an empty corpus is an error (a
 * replay that runs nothing cannot fail). A broken invariant aborts. */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static int
run_file(const char *path)
{
    struct stat st;
    uint8_t *data;
    size_t n = 0;
    FILE *f;

    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    /* exactly the file's size (at least 1 byte for malloc), so reads past
     * the input land in ASan's redzone */
    data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
    if (data == NULL)
        abort();
    if (st.st_size > 0)
        n = fread(data, 1, (size_t)st.st_size, f);
    fclose(f);
    if (n != (size_t)st.st_size) {
        fprintf(stderr, "replay: %s: short read\n", path);
        exit(2);
    }
    if (getenv("REPLAY_VERBOSE") != NULL)
        fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 1;
}

static int
skip_dot(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

int
main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    struct dirent **names;
    char path[4096];
    struct stat st;
    int count = 0;
    int i, j, k, w;

    base = base ? base + 1 : argv[0];
    if (strncmp(base, "replay-", 7) == 0)
        base += 7;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            count += run_file(argv[i]);
            continue;
        }
        k = scandir(argv[i], &names, skip_dot, alphasort);
        if (k < 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        for (j = 0; j < k; j++) {
            w = snprintf(path, sizeof(path), "%s/%s", argv[i],
                         names[j]->d_name);
            if (w > 0 && (size_t)w < sizeof(path))
                count += run_file(path);
            free(names[j]);
        }
        free(names);
    }
    if (count == 0) {
        fprintf(stderr, "fuzz_%s: no inputs\n", base);
        return 1;
    }
    printf("fuzz_%s: %d inputs ok\n", base, count);
    return 0;
}
