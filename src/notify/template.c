/* template.c — default zh-CN messages and the {name} renderer. */
#include "common.h"

#include "notify/template.h"
#include "util/utf8.h"

/* RULE notify-templates: citizen messages are receipt (case number + query
 * code), extension approved (new deadline + reason), replied (how to rate),
 * reopened; staff alerts are new case, yellow, red, urged, escalated. */
const struct notify_template notify_templates[] = {
    {"receipt", "citizen", "受理回执",
     "【锦州12345】您的诉求已受理，编号{case_no}，查询码{query_code}。"
     "可凭编号和查询码在市民服务网查询办理进度。",
     {"case_no", "query_code"}},
    {"extension_approved", "citizen", "延期告知",
     "【锦州12345】您的诉求{case_no}办理期限延长至{deadline}，原因：{reason}",
     {"case_no", "deadline", "reason"}},
    {"replied", "citizen", "答复告知",
     "【锦州12345】您的诉求{case_no}已答复，可凭查询码{query_code}"
     "在市民服务网查看答复并评价，您也可以等待回访电话。",
     {"case_no", "query_code"}},
    {"reopened", "citizen", "重办告知",
     "【锦州12345】您的诉求{case_no}已交承办单位重新办理，"
     "办理期限至{deadline}。",
     {"case_no", "deadline", "reason"}},
    {"new_case", "staff", "新工单",
     "新工单{case_no}：{title}。请于{sign_deadline}前签收。",
     {"case_no", "title", "unit", "sign_deadline", "deadline"}},
    {"yellow", "staff", "即将超期",
     "工单{case_no}即将超期：{deadline_kind}期限{deadline}，请抓紧办理。",
     {"case_no", "title", "unit", "deadline_kind", "deadline"}},
    {"red", "staff", "已超期",
     "工单{case_no}已超期：{deadline_kind}期限{deadline}。",
     {"case_no", "title", "unit", "deadline_kind", "deadline"}},
    {"urged", "staff", "催办",
     "工单{case_no}被催办：{note}",
     {"case_no", "title", "unit", "note"}},
    {"escalated", "staff", "超期督办提请",
     "工单{case_no}（{unit}）已超期{overdue_days}个工作日，请督办。",
     {"case_no", "title", "unit", "overdue_days", "deadline"}},
};
const size_t notify_ntemplates = ARRAY_SIZE(notify_templates);

const struct notify_template *
template_find(const char *key)
{
    size_t i;

    for (i = 0; key != NULL && i < notify_ntemplates; i++)
        if (strcmp(notify_templates[i].key, key) == 0)
            return &notify_templates[i];
    return NULL;
}

/* Appends s[0..len) to out, cutting at a character boundary. 1 if cut. */
static int
put(char *out, size_t n, size_t *k, const char *s, size_t len)
{
    size_t room = n - 1 - *k, take = len;

    if (take > room) {
        take = room;
        while (take > 0 && ((unsigned char)s[take] & 0xC0) == 0x80)
            take--; /* never cut a sequence */
    }
    memcpy(out + *k, s, take);
    *k += take;
    return take < len;
}

int
template_render(const char *body, json_t *params, char *out, size_t n)
{
    const char *p = body, *close;
    char name[64], num[32];
    size_t k = 0;
    int cut = 0;
    json_t *v;

    if (n == 0)
        return 1;
    while (*p && !cut) {
        if (p[0] == '{' && p[1] == '{') {
            cut = put(out, n, &k, "{", 1);
            p += 2;
            continue;
        }
        close = p[0] == '{' ? strchr(p, '}') : NULL;
        if (close == NULL || (size_t)(close - p - 1) >= sizeof(name)) {
            size_t run = p[0] == '{' ? 1 : strcspn(p, "{");

            cut = put(out, n, &k, p, run);
            p += run;
            continue;
        }
        memcpy(name, p + 1, (size_t)(close - p - 1));
        name[close - p - 1] = '\0';
        v = params ? json_object_get(params, name) : NULL;
        if (json_is_string(v)) {
            cut = put(out, n, &k, json_string_value(v), json_string_length(v));
        } else if (json_is_integer(v)) {
            snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
            cut = put(out, n, &k, num, strlen(num));
        }
        p = close + 1;
    }
    out[k] = '\0';
    return cut;
}

int
template_check(const struct notify_template *t, const char *body,
               struct err *e)
{
    const char *p = body, *close;
    size_t len = strlen(body), prefix, i, nlen;
    int known;

    if (!utf8_valid(body, len))
        return err_set(e, ERR_VALIDATION, "body", "body: not valid UTF-8");
    prefix = utf8_prefix(body, len, TEMPLATE_BODY_MAX);
    if (len == 0 || prefix < len)
        return err_set(e, ERR_VALIDATION, "body",
                       "body: must be 1 to %d characters", TEMPLATE_BODY_MAX);
    while ((p = strpbrk(p, "{}")) != NULL) {
        if (p[0] == '{' && p[1] == '{') {
            p += 2;
            continue;
        }
        if (p[0] == '}')
            return err_set(e, ERR_VALIDATION, "body",
                           "body: '}' without '{' (write {{ for a literal brace)");
        close = strchr(p, '}');
        if (close == NULL)
            return err_set(e, ERR_VALIDATION, "body", "body: '{' not closed");
        nlen = (size_t)(close - p - 1);
        known = 0;
        for (i = 0; i < TEMPLATE_PARAM_MAX && t->params[i]; i++)
            if (strlen(t->params[i]) == nlen &&
                memcmp(t->params[i], p + 1, nlen) == 0)
                known = 1;
        if (!known)
            return err_set(e, ERR_VALIDATION, "body",
                           "body: unknown placeholder {%.*s} for '%s'",
                           (int)(nlen > 40 ? 40 : nlen), p + 1, t->key);
        p = close + 1;
    }
    return 0;
}
