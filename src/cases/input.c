/* input.c — reading a new case from a request body. */
#include "common.h"

#include <stdio.h>

#include "cases/cases.h"
#include "cases/rules.h"
#include "util/jsonv.h"

/* Names a nested field in full ("phone" -> "citizen.phone"). */
static int
nested_field(struct err *e, const char *prefix)
{
    struct err inner = *e;
    int room = (int)(sizeof(e->field) - strlen(prefix) - 1);

    err_set(e, inner.code, NULL, "%s%s", prefix, inner.message);
    snprintf(e->field, sizeof(e->field), "%s%.*s", prefix, room, inner.field);
    return -1;
}

int
case_new_from_json(json_t *body, int public_form, struct case_new *out,
                   struct err *e)
{
    static const char *const staff_fields[] = {
        "channel",  "type",     "urgency",       "title",
        "content",  "category_code", "district_code", "address",
        "lat",      "lng",      "citizen",       "external_id",
        "attachments",
    };
    static const char *const public_fields[] = {
        "channel", "type", "title", "content", "category_code",
        "district_code", "address", "lat", "lng", "citizen",
    };
    static const char *const citizen_fields[] = {"name", "phone", "anonymous",
                                                 "confidential"};
    json_t *citizen, *v, *attachments;
    int anonymous = 0, confidential = 0;
    memset(out, 0, sizeof(*out));
    if (public_form) {
        if (jv_only(body, "", public_fields, ARRAY_SIZE(public_fields), e) < 0)
            return -1;
    } else if (jv_only(body, "", staff_fields, ARRAY_SIZE(staff_fields), e) <
               0) {
        return -1;
    }

    if (jv_str(body, "channel", JV_OPTIONAL, 32, &out->channel, e) < 0)
        return -1;
    if (!out->channel)
        out->channel = public_form ? "web" : "phone";
    if (!case_channel_valid(out->channel))
        return err_set(e, ERR_VALIDATION, "channel",
                       "channel: must be lowercase letters, digits or _");
    if (public_form && strcmp(out->channel, "web") != 0 &&
        strcmp(out->channel, "app") != 0)
        return err_set(e, ERR_VALIDATION, "channel",
                       "channel: must be web or app");

    if (jv_str(body, "type", JV_REQUIRED, 16, &out->type, e) < 0)
        return -1;
    if (!case_type_valid(out->type))
        return err_set(e, ERR_VALIDATION, "type",
                       "type: must be one of consult, help, suggest, "
                       "complain, report, praise, other");
    if (jv_str(body, "urgency", JV_OPTIONAL, 16, &out->urgency, e) < 0)
        return -1;
    if (!out->urgency)
        out->urgency = "normal";
    if (!case_urgency_valid(out->urgency))
        return err_set(e, ERR_VALIDATION, "urgency",
                       "urgency: must be normal, urgent or emergency");

    if (jv_str(body, "title", JV_OPTIONAL, CASE_TITLE_MAX, &out->title, e) < 0 ||
        jv_str(body, "content", JV_REQUIRED, CASE_CONTENT_MAX, &out->content,
               e) < 0 ||
        jv_str(body, "category_code", JV_OPTIONAL, 16, &out->category_code,
               e) < 0 ||
        jv_str(body, "district_code", JV_OPTIONAL, 16, &out->district_code,
               e) < 0 ||
        jv_str(body, "address", JV_OPTIONAL, CASE_ADDRESS_MAX, &out->address,
               e) < 0 ||
        jv_str(body, "external_id", JV_OPTIONAL, 64, &out->external_id, e) < 0)
        return -1;
    if (out->category_code && !case_code_valid(out->category_code))
        return err_set(e, ERR_VALIDATION, "category_code",
                       "category_code: not a category code");
    if (out->district_code && !case_code_valid(out->district_code))
        return err_set(e, ERR_VALIDATION, "district_code",
                       "district_code: not a district code");

    v = json_object_get(body, "lat");
    if (v && !json_is_null(v)) {
        json_t *lng = json_object_get(body, "lng");
        if (!json_is_number(v) || json_number_value(v) < -90 ||
            json_number_value(v) > 90)
            return err_set(e, ERR_VALIDATION, "lat",
                           "lat: must be a number between -90 and 90");
        if (!lng || !json_is_number(lng) || json_number_value(lng) < -180 ||
            json_number_value(lng) > 180)
            return err_set(e, ERR_VALIDATION, "lng",
                           "lng: must be a number between -180 and 180");
        out->has_geo = 1;
        out->lat = json_number_value(v);
        out->lng = json_number_value(lng);
    } else if (json_object_get(body, "lng") &&
               !json_is_null(json_object_get(body, "lng"))) {
        return err_set(e, ERR_VALIDATION, "lat", "lat: required with lng");
    }

    attachments = json_object_get(body, "attachments");
    if (attachments && !json_is_null(attachments) &&
        (!json_is_array(attachments) || json_array_size(attachments) > 0))
        return err_set(e, ERR_VALIDATION, "attachments",
                       "attachments: uploads are not supported yet; send []");

    citizen = json_object_get(body, "citizen");
    if (citizen && !json_is_null(citizen) && !json_is_object(citizen))
        return err_set(e, ERR_VALIDATION, "citizen",
                       "citizen: must be an object");
    if (citizen && json_is_object(citizen)) {
        if (jv_only(citizen, "citizen", citizen_fields,
                    ARRAY_SIZE(citizen_fields), e) < 0)
            return -1;
        if (jv_str(citizen, "name", JV_OPTIONAL, CASE_NAME_MAX,
                   &out->citizen_name, e) < 0 ||
            jv_str(citizen, "phone", JV_OPTIONAL, 20, &out->citizen_phone,
                   e) < 0 ||
            jv_bool(citizen, "anonymous", JV_OPTIONAL, &anonymous, e) < 0 ||
            jv_bool(citizen, "confidential", JV_OPTIONAL, &confidential, e) <
                0)
            return nested_field(e, "citizen.");
    }
    out->anonymous = anonymous;
    out->confidential = confidential;
    if (out->citizen_phone && !case_phone_valid(out->citizen_phone))
        return err_set(e, ERR_VALIDATION, "citizen.phone",
                       "citizen.phone: not a valid phone number");
    if (!out->citizen_phone && !anonymous)
        return err_set(e, ERR_VALIDATION, "citizen.phone",
                       "citizen.phone: required unless citizen.anonymous");
    if (anonymous)
        out->citizen_name = NULL;
    return 0;
}
