/* static.c — files of the web app, resolved beneath a root directory fd. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static.h"

#define STATIC_MAX_DEPTH 16

static const struct {
    const char *ext;
    const char *mime;
} mime_table[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"wasm", "application/wasm"},
};

const char *
static_mime(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t i;

    if (dot != NULL && (slash == NULL || dot > slash)) {
        for (i = 0; i < ARRAY_SIZE(mime_table); i++)
            if (strcasecmp(dot + 1, mime_table[i].ext) == 0)
                return mime_table[i].mime;
    }
    return "application/octet-stream";
}

int
static_path_ok(const char *path)
{
    const char *seg;
    const char *p;
    size_t len;

    if (path == NULL || path[0] != '/')
        return 0;
    for (p = path; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return 0;
    seg = path + 1;
    for (;;) {
        p = strchrnul(seg, '/');
        len = (size_t)(p - seg);
        if (len == 0) {
            /* only "/" itself may end with an empty segment */
            if (*p == '\0' && seg == path + 1)
                return 1;
            return 0;
        }
        if (seg[0] == '.') /* ".", "..", dotfiles */
            return 0;
        if (*p == '\0')
            return 1;
        seg = p + 1;
    }
}

int
static_root_open(const char *dir)
{
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Opens path below root, one segment at a time, refusing symlinks.
 * Returns an fd to a regular file, or -1. */
static int
open_beneath(int root_fd, const char *path)
{
    char seg[256];
    const char *s = path + 1;
    const char *p;
    struct stat st;
    int dir = root_fd;
    int fd = -1;
    int depth = 0;
    size_t len;

    for (;;) {
        p = strchrnul(s, '/');
        len = (size_t)(p - s);
        if (len == 0 || len >= sizeof(seg) || ++depth > STATIC_MAX_DEPTH)
            goto fail;
        memcpy(seg, s, len);
        seg[len] = '\0';
        if (*p == '\0') {
            fd = openat(dir, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
                                      O_NONBLOCK);
            break;
        }
        fd = openat(dir, seg, O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        if (dir != root_fd)
            close(dir);
        dir = root_fd;
        if (fd < 0)
            goto fail;
        dir = fd;
        fd = -1;
        s = p + 1;
    }
    if (dir != root_fd)
        close(dir);
    dir = root_fd;
    if (fd < 0)
        goto fail;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        fd = -1;
        goto fail;
    }
    /* the blocking flag only mattered for opening (FIFOs); clear it */
    if (fcntl(fd, F_SETFL, 0) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
fail:
    if (dir != root_fd)
        close(dir);
    return -1;
}

static int
fill(int fd, const char *path, struct static_file *out)
{
    struct stat st;
    int n;

    if (fstat(fd, &st) != 0) {
        close(fd);
        return 0;
    }
    out->fd = fd;
    out->size = (uint64_t)st.st_size;
    out->mime = static_mime(path);
    out->cache_control = strncmp(path, "/assets/", 8) == 0
                             ? "public, max-age=31536000, immutable"
                             : "no-cache";
    n = snprintf(out->etag, sizeof(out->etag), "\"%llx-%llx\"",
                 (unsigned long long)st.st_size,
                 (unsigned long long)st.st_mtime);
    if (n < 0 || (size_t)n >= sizeof(out->etag))
        out->etag[0] = '\0';
    return 1;
}

int
static_lookup(int root_fd, const char *path, struct static_file *out)
{
    const char *last;
    int fd;

    out->fd = -1;
    if (!static_path_ok(path))
        return 0;
    if (strcmp(path, "/") == 0)
        path = "/index.html";
    fd = open_beneath(root_fd, path);
    if (fd >= 0)
        return fill(fd, path, out);
    /* SPA fallback: client-side routes have no file extension */
    last = strrchr(path, '/');
    if (strchr(last, '.') != NULL || strncmp(path, "/assets/", 8) == 0)
        return 0;
    fd = open_beneath(root_fd, "/index.html");
    if (fd < 0)
        return 0;
    return fill(fd, "/index.html", out);
}
