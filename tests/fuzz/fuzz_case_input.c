/* fuzz_case_input.c — case_new_from_json on a whole request body.
 *
 * The bytes are parsed as the server parses a body (json_loadb with
 * JSON_REJECT_DUPLICATES); a non-object is dropped (the server answers 400
 * before the handler). Each object is read both as a staff body and as a
 * citizen-portal body.
 *
 * Invariants:
 *  - the call returns 0 or -1;
 *  - on failure: e.code == ERR_VALIDATION, e.field is non-empty, and field
 *    and message are valid UTF-8;
 *  - on success: every string field is valid UTF-8 with no NUL cut short,
 *    within its limit in rules.h (title 100, content 1..4000 and not blank,
 *    address 200, name 50, codes [0-9A-Za-z]{1,16}, external id 64), the
 *    vocabularies hold (type, urgency, channel; portal: web or app), the
 *    phone is valid or absent only for anonymous callers (whose name is
 *    dropped), coordinates are in range, and the portal sends no staff-only
 *    field;
 *  - a body the portal accepts, staff accept too. */
#include "common.h"

#include <jansson.h>

#include "cases/cases.h"
#include "cases/rules.h"
#include "fuzz.h"
#include "util/utf8.h"

/* s is the string that json holds at obj[key], whole (no NUL inside),
 * valid UTF-8 and 1..max code points (0..max when !nonempty). */
static void
check_str(json_t *obj, const char *key, const char *s, size_t max)
{
    json_t *v = json_object_get(obj, key);
    size_t len;

    FUZZ_CHECK(v != NULL && json_is_string(v));
    FUZZ_CHECK(s == json_string_value(v));
    len = strlen(s);
    FUZZ_CHECK(len == json_string_length(v));
    FUZZ_CHECK(fuzz_utf8_ok(s, len));
    FUZZ_CHECK(fuzz_utf8_count(s, len) <= max);
}

static int
blank(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s > 0x20)
            return 0;
    return 1;
}

static int
one(json_t *body, int public_form)
{
    struct case_new c;
    struct err e = ERR_INIT;
    json_t *cit;
    int rc;

    rc = case_new_from_json(body, public_form, &c, &e);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(e.code == ERR_VALIDATION);
        FUZZ_CHECK(e.field[0] != '\0');
        FUZZ_CHECK(fuzz_utf8_ok(e.field, strlen(e.field)));
        FUZZ_CHECK(e.message[0] != '\0');
        FUZZ_CHECK(fuzz_utf8_ok(e.message, strlen(e.message)));
        return rc;
    }

    FUZZ_CHECK(c.channel != NULL && case_channel_valid(c.channel));
    if (json_object_get(body, "channel") != NULL &&
        !json_is_null(json_object_get(body, "channel")))
        check_str(body, "channel", c.channel, 32);
    if (public_form)
        FUZZ_CHECK(strcmp(c.channel, "web") == 0 ||
                   strcmp(c.channel, "app") == 0);
    FUZZ_CHECK(c.type != NULL && case_type_valid(c.type));
    check_str(body, "type", c.type, 16);
    FUZZ_CHECK(c.urgency != NULL && case_urgency_valid(c.urgency));
    if (public_form)
        FUZZ_CHECK(strcmp(c.urgency, "normal") == 0);
    FUZZ_CHECK(c.content != NULL);
    check_str(body, "content", c.content, CASE_CONTENT_MAX);
    FUZZ_CHECK(!blank(c.content));
    if (c.title != NULL)
        check_str(body, "title", c.title, CASE_TITLE_MAX);
    if (c.address != NULL)
        check_str(body, "address", c.address, CASE_ADDRESS_MAX);
    if (c.external_id != NULL) {
        FUZZ_CHECK(!public_form);
        check_str(body, "external_id", c.external_id, 64);
    }
    if (c.category_code != NULL) {
        check_str(body, "category_code", c.category_code, 16);
        FUZZ_CHECK(case_code_valid(c.category_code));
    }
    if (c.district_code != NULL) {
        check_str(body, "district_code", c.district_code, 16);
        FUZZ_CHECK(case_code_valid(c.district_code));
    }
    if (c.has_geo)
        FUZZ_CHECK(c.lat >= -90 && c.lat <= 90 && c.lng >= -180 &&
                   c.lng <= 180);
    if (public_form)
        FUZZ_CHECK(json_object_get(body, "attachments") == NULL &&
                   json_object_get(body, "urgency") == NULL);
    cit = json_object_get(body, "citizen");
    FUZZ_CHECK(c.anonymous == 0 || c.anonymous == 1);
    FUZZ_CHECK(c.confidential == 0 || c.confidential == 1);
    if (c.citizen_phone != NULL) {
        check_str(cit, "phone", c.citizen_phone, 20);
        FUZZ_CHECK(case_phone_valid(c.citizen_phone));
    } else {
        FUZZ_CHECK(c.anonymous);
    }
    if (c.citizen_name != NULL) {
        FUZZ_CHECK(!c.anonymous);
        check_str(cit, "name", c.citizen_name, CASE_NAME_MAX);
    }
    FUZZ_CHECK(c.idem_key == NULL && c.idem_scope == NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    json_t *body;
    int staff, portal;

    if (size > 64 * 1024) /* the routes' body limit */
        return 0;
    body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (body == NULL)
        return 0;
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    staff = one(body, 0);
    portal = one(body, 1);
    if (portal == 0)
        FUZZ_CHECK(staff == 0);
    json_decref(body);
    return 0;
}
