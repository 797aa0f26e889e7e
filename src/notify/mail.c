/* mail.c — email alerts through SMTP with libcurl (smtp:// or smtps://,
 * STARTTLS when the server offers it). One plain-text UTF-8 message per
 * call; Message-Id carries the outbox message id so a mail system can
 * de-duplicate a message sent twice after a crash. */
#include "common.h"

#include <curl/curl.h>
#include <sodium.h>

#include "notify/notify.h"
#include "util/buf.h"

#define MAIL_MAX (16 * 1024)

struct upload {
    const char *data;
    size_t len, off;
};

static size_t
feed(char *ptr, size_t size, size_t n, void *cls)
{
    struct upload *u = cls;
    size_t room = size * n, left = u->len - u->off;

    if (left < room)
        room = left;
    memcpy(ptr, u->data + u->off, room);
    u->off += room;
    return room;
}

/* "=?UTF-8?B?...?=" for a header. */
static void
encoded_word(struct buf *b, const char *s)
{
    char b64[512];
    size_t len = strlen(s);

    if (len > 300)
        len = 300;
    sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s, len,
                      sodium_base64_VARIANT_ORIGINAL);
    buf_addf(b, "=?UTF-8?B?%s?=", b64);
}

/* Addresses must not smuggle SMTP syntax or headers. */
static int
address_ok(const char *a)
{
    return a[0] && strchr(a, '@') && strpbrk(a, "<>\r\n ,;\"") == NULL &&
           strlen(a) < 120;
}

enum notify_send
mail_send(const struct notify_config *c, const char *to, const char *subject,
          const char *text, const char *message_id, char *err, size_t errlen)
{
    struct curl_slist *rcpt = NULL;
    struct buf msg;
    struct upload up;
    char from[160], rto[160];
    enum notify_send result = NOTIFY_RETRY;
    CURL *curl = NULL;
    CURLcode rc;

    err[0] = '\0';
    if (!address_ok(to) || !address_ok(c->smtp_from)) {
        snprintf(err, errlen, "bad email address");
        return NOTIFY_PERMANENT;
    }
    buf_init(&msg, MAIL_MAX);
    buf_addf(&msg, "From: <%s>\r\nTo: <%s>\r\nSubject: ", c->smtp_from, to);
    encoded_word(&msg, subject);
    buf_addf(&msg,
             "\r\nMessage-ID: <%s@hotline>\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=UTF-8\r\n"
             "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
             message_id, text);
    if (msg.failed) {
        snprintf(err, errlen, "message too long");
        result = NOTIFY_PERMANENT;
        goto out;
    }
    curl = curl_easy_init();
    if (!curl) {
        snprintf(err, errlen, "curl_easy_init failed");
        goto out;
    }
    snprintf(from, sizeof(from), "<%s>", c->smtp_from);
    snprintf(rto, sizeof(rto), "<%s>", to);
    rcpt = curl_slist_append(rcpt, rto);
    up = (struct upload){msg.data, msg.len, 0};
    curl_easy_setopt(curl, CURLOPT_URL, c->smtp_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (c->smtp_user[0]) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, c->smtp_user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, c->smtp_password);
    }
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, feed);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    rc = curl_easy_perform(curl);
    if (rc == CURLE_OK) {
        result = NOTIFY_SENT;
    } else {
        long code = 0;

        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        snprintf(err, errlen, "smtp: %s (%ld)", curl_easy_strerror(rc), code);
        if (code >= 500 && code < 600)
            result = NOTIFY_PERMANENT; /* 5xx SMTP replies are final */
    }
out:
    curl_slist_free_all(rcpt);
    if (curl)
        curl_easy_cleanup(curl);
    buf_release(&msg);
    return result;
}
