/* sms.c — the SMS gateway client: one JSON POST per message, shaped like
 * the common Chinese SMS APIs (phone, template id, template parameters):
 *
 *   POST <sms-gateway-url>
 *   X-Api-Key: <sms-gateway-key>
 *   X-Message-Id: <message_id>
 *   {"phone":"139...","template_id":"SMS_1","params":{...},
 *    "message_id":"<32 hex>","text":"【锦州12345】..."}
 *
 * 2xx = accepted. 408, 429, 5xx and transport errors are retried; any other
 * 4xx is permanent (the gateway refuses this message, retrying cannot
 * help). */
#include "common.h"

#include <curl/curl.h>
#include <jansson.h>

#include "notify/notify.h"

#define SMS_TIMEOUT_S 10L

/* Discards the gateway's answer body (status is what counts). */
static size_t
discard(char *p, size_t size, size_t n, void *cls)
{
    (void)p;
    (void)cls;
    return size * n;
}

enum notify_send
sms_send(const struct notify_config *c, const char *phone,
         const char *template_id, const char *params_json, const char *text,
         const char *message_id, char *err, size_t errlen)
{
    struct curl_slist *h = NULL;
    json_t *params, *j;
    char *body = NULL;
    char key_h[300], mid_h[80];
    long status = 0;
    enum notify_send result = NOTIFY_RETRY;
    CURL *curl;
    CURLcode rc;

    err[0] = '\0';
    params = json_loads(params_json ? params_json : "{}", 0, NULL);
    if (!json_is_object(params)) {
        json_decref(params);
        params = json_object();
    }
    j = json_pack("{s:s, s:s, s:o, s:s, s:s}", "phone", phone, "template_id",
                  template_id, "params", params, "message_id", message_id,
                  "text", text);
    body = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    curl = curl_easy_init();
    if (body == NULL || curl == NULL) {
        snprintf(err, errlen, "cannot build the request");
        goto out;
    }
    snprintf(key_h, sizeof(key_h), "X-Api-Key: %s", c->sms_key);
    snprintf(mid_h, sizeof(mid_h), "X-Message-Id: %s", message_id);
    h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
    h = curl_slist_append(h, key_h);
    h = curl_slist_append(h, mid_h);
    curl_easy_setopt(curl, CURLOPT_URL, c->sms_url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, SMS_TIMEOUT_S);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "gateway: %s", curl_easy_strerror(rc));
        goto out;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300)
        result = NOTIFY_SENT;
    else {
        snprintf(err, errlen, "gateway answered %ld", status);
        if (status >= 400 && status < 500 && status != 408 && status != 429)
            result = NOTIFY_PERMANENT;
    }
out:
    curl_slist_free_all(h);
    if (curl)
        curl_easy_cleanup(curl);
    free(body);
    return result;
}
