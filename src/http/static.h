/* static.h — serving the built web app (web/dist) safely.
 *
 * Paths are resolved one segment at a time below a directory descriptor with
 * O_NOFOLLOW, so neither "..", nor a symlink, nor anything the client
 * encodes can leave the root. Dotfiles are never served.
 */
#ifndef HOTLINE_STATIC_H
#define HOTLINE_STATIC_H

#include <stdint.h>

struct static_file {
    int fd;                    /* open, read-only; the caller owns it */
    uint64_t size;
    const char *mime;          /* "text/html; charset=utf-8", ... */
    const char *cache_control; /* immutable for /assets/, else no-cache */
    char etag[48];             /* "\"<size hex>-<mtime hex>\"" */
};

/* 1 when path (decoded, starting with '/') is safe to look up: no empty,
 * "." or ".." segments, no dotfiles, no backslash, NUL or control bytes. */
int static_path_ok(const char *path);
/* MIME type by file extension; "application/octet-stream" when unknown. */
const char *static_mime(const char *path);

/* Opens the root directory. -1 (errno set) on failure. */
int static_root_open(const char *dir);
/* Finds the file for a GET path: the file itself, "/" -> index.html, and
 * for a missing path whose last segment has no '.', index.html (the SPA's
 * client-side routes). 1 found, 0 not found. */
int static_lookup(int root_fd, const char *path, struct static_file *out);

#endif
