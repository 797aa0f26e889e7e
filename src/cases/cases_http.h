/* cases_http.h — the HTTP handlers of cases (staff and public). */
#ifndef HOTLINE_CASES_HTTP_H
#define HOTLINE_CASES_HTTP_H

#include "http/http.h"

int h_cases_create(struct req *r, struct resp *out, struct err *e);
int h_cases_list(struct req *r, struct resp *out, struct err *e);
int h_case_get(struct req *r, struct resp *out, struct err *e);
int h_case_act(struct req *r, struct resp *out, struct err *e);
int h_case_similar(struct req *r, struct resp *out, struct err *e);
int h_citizen_cases(struct req *r, struct resp *out, struct err *e);
int h_extensions_list(struct req *r, struct resp *out, struct err *e);

int h_public_case_create(struct req *r, struct resp *out, struct err *e);
int h_public_case_track(struct req *r, struct resp *out, struct err *e);
int h_public_case_rate(struct req *r, struct resp *out, struct err *e);

#endif
