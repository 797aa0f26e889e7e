#!/usr/bin/env python3
"""seeds.py — writes the hand-made seed corpora in tests/fuzz/corpus/.

Run from the repository root: python3 tests/fuzz/seeds.py
Files are named by what they test; existing files of the same name are
overwritten, others (e.g. inputs kept from real fuzzing runs) are left alone.
"""
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def jdump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# --- utf8: first byte = max_chars (mod 64), rest = text ---------------------
U = {
    "empty": b"",
    "ascii": b"\x05hello, world",
    "chinese": b"\x03" + "锦州市12345热线".encode(),
    "emoji_4byte": b"\x02" + "😀𝄞a".encode(),
    "mixed_limits": b"\x1e" + ("市民反映：小区供暖不热，" * 4).encode(),
    "truncated_2": b"\x08ab\xc3",
    "truncated_3": b"\x08ab\xe9\x94",
    "truncated_4": b"\x08ab\xf0\x9f\x98",
    "overlong_2": b"\x08\xc0\xaf",
    "overlong_2b": b"\x08\xc1\xbf",
    "overlong_3": b"\x08\xe0\x80\xaf",
    "overlong_4": b"\x08\xf0\x80\x80\xaf",
    "surrogate_hi": b"\x08\xed\xa0\x80",
    "surrogate_lo": b"\x08\xed\xbf\xbf",
    "max_cp": b"\x08\xf4\x8f\xbf\xbf",
    "above_max": b"\x08\xf4\x90\x80\x80",
    "f5_lead": b"\x08\xf5\x80\x80\x80",
    "ff_fe": b"\x08\xff\xfe",
    "lone_cont": b"\x08\x80\x80abc",
    "nul_inside": b"\x08a\x00b",
    "bom": b"\x08\xef\xbb\xbfx",
    "zero_max": b"\x00" + "中文".encode(),
    "cut_at_limit": b"\x01" + "中a".encode(),
    "e0_boundary": b"\x08\xe0\xa0\x80",
    "ed_boundary": b"\x08\xed\x9f\xbf",
    "f0_boundary": b"\x08\xf0\x90\x80\x80",
    "cont_after_lead": b"\x08\xe4\xb8",
    "lead_then_ascii": b"\x08\xe4a\xb8",
}
for k, v in U.items():
    put("utf8", k, v)

# --- time_parse ---------------------------------------------------------------
T = {
    "iso_city": "2026-11-29T10:15:00+08:00",
    "iso_z": "2026-11-29T02:15:00Z",
    "iso_z_lower": "2026-11-29t02:15:00z",
    "iso_space": "2026-11-29 10:15:00",
    "iso_no_sec": "2026-11-29T10:15",
    "iso_frac": "2026-11-29T10:15:00.123456+08:00",
    "iso_frac_comma": "2026-11-29T10:15:00,5Z",
    "iso_frac_empty": "2026-11-29T10:15:00.Z",
    "off_compact": "2026-11-29T10:15:00+0800",
    "off_minus": "2026-11-29T10:15:00-05:30",
    "off_14": "2026-11-29T10:15:00+14:00",
    "off_15": "2026-11-29T10:15:00+15:00",
    "off_bad_min": "2026-11-29T10:15:00+08:60",
    "off_short": "2026-11-29T10:15:00+8",
    "date_only": "2026-11-29",
    "date_leap": "2024-02-29",
    "date_not_leap": "2100-02-29",
    "date_400_leap": "2000-02-29",
    "date_month_13": "2026-13-01",
    "date_day_0": "2026-01-00",
    "date_day_32": "2026-01-32",
    "year_0": "0000-01-01T00:00:00Z",
    "year_1_z": "0001-01-01T00:00:00Z",
    "year_9999_city": "9999-12-31T23:59:59+08:00",
    "hour_24": "2026-11-29T24:00:00Z",
    "leap_sec": "2026-12-31T23:59:60Z",
    "epoch_0": "0",
    "epoch_now": "1796004900",
    "epoch_leading_zeros": "0000001796004900",
    "epoch_max_city": "253402271999",
    "epoch_huge": "99999999999999999999999",
    "epoch_int64_max": "9223372036854775807",
    "epoch_neg": "-1",
    "epoch_plus": "+5",
    "trailing": "2026-11-29T10:15:00+08:00x",
    "empty": "",
    "spaces": "   ",
    "nul_inside": b"2026-11-29\x00T10:15:00Z",
    "chinese": "2026年11月29日",
    "midnight_city": "2026-01-01T00:00:00+08:00",
    "unix_neg_era": "1969-12-31T23:59:59Z",
}
for k, v in T.items():
    put("time", k, v)

# --- rules: phone, case number, codes, channels, titles -------------------------
R = {
    "mobile": "13912345678",
    "mobile_12": "139123456789",
    "mobile_10": "1391234567",
    "mobile_2nd_2": "12912345678",
    "landline_dash": "0416-1234567",
    "landline_dash8": "0416-12345678",
    "landline_3dash": "024-12345678",
    "landline_nodash": "04161234567",
    "landline_short": "0416-123456",
    "landline_long_area": "04161-1234567",
    "landline_two_dash": "0416--1234567",
    "landline_trailing_dash": "0416-",
    "plus86": "+8613912345678",
    "zero": "0",
    "empty": "",
    "case_no": "JZ20261129000123",
    "case_no_lower": "jz20261129000123",
    "case_no_15": "JZ2026112900012",
    "case_no_letter": "JZ2026112900012X",
    "code": "210703",
    "code_alpha": "A01b",
    "code_16": "ABCDEFGHIJKLMNOP",
    "code_17": "ABCDEFGHIJKLMNOPQ",
    "code_space": "21 07",
    "channel": "wechat_mini",
    "channel_upper": "WeChat",
    "title_content": "  小区楼道灯坏了一个月，晚上老人上下楼很危险，希望尽快维修。\n第二行",
    "title_cr": "短\r\n标题",
    "title_4byte": "😀" * 40,
    "title_mixed": ("a中😀" * 20),
    "latin1_digits": "１３９１２３４５６７８",
    "tabs": "\t\t\t",
}
for k, v in R.items():
    put("rules", k, v)

# --- router: "METHOD PATH" ------------------------------------------------------
P = {
    "healthz": "GET /healthz",
    "head_healthz": "HEAD /healthz",
    "post_healthz": "POST /healthz",
    "cases_get": "GET /api/v1/cases",
    "cases_post": "POST /api/v1/cases",
    "case_id": "GET /api/v1/cases/42",
    "case_no": "GET /api/v1/cases/JZ20261129000123",
    "case_similar": "GET /api/v1/cases/42/similar",
    "case_action": "POST /api/v1/cases/42/dispatch",
    "case_action_get": "GET /api/v1/cases/42/dispatch",
    "case_trailing": "GET /api/v1/cases/",
    "case_empty_seg": "GET /api/v1/cases//similar",
    "double_slash": "GET //api/v1/cases",
    "dotdot": "GET /api/v1/cases/../auth/me",
    "pct_dotdot": "GET /api/v1/cases/%2e%2e/similar",
    "citizen": "GET /api/v1/citizens/13912345678/cases",
    "public_track": "GET /api/v1/public/cases/JZ20261129000123",
    "public_rate": "POST /api/v1/public/cases/JZ20261129000123/rating",
    "delete": "DELETE /api/v1/cases/42",
    "options": "OPTIONS /api/v1/cases",
    "lower_method": "get /healthz",
    "no_method": "/api/v1/units",
    "empty": "",
    "no_slash": "GET healthz",
    "chinese_seg": "GET /api/v1/cases/案件",
    "long_seg": "GET /api/v1/cases/" + "9" * 500,
    "many_segs": "GET " + "/a" * 200,
    "nul": b"GET /healthz\x00/x",
    "space_in_path": "GET /api/v1/cases/4 2",
    "query_left": "GET /api/v1/cases?x=1",
}
for k, v in P.items():
    put("router", k, v)

# --- static paths (decoded) -----------------------------------------------------------
S = {
    "root": "/",
    "index": "/index.html",
    "asset": "/assets/index-3f2a.js",
    "spa_route": "/cases/42",
    "dotdot": "/../etc/passwd",
    "dotdot_mid": "/assets/../../etc/passwd",
    "dotdot_end": "/assets/..",
    "dot": "/./index.html",
    "dotfile": "/.env",
    "git": "/.git/config",
    "pct_dotdot": "/%2e%2e/etc/passwd",
    "pct_2f": "/assets%2f..%2fx",
    "backslash": "/..\\..\\etc\\passwd",
    "double_slash": "//etc/passwd",
    "trailing_slash": "/assets/",
    "empty": "",
    "relative": "index.html",
    "nul": b"/index.html\x00/../../etc/passwd",
    "ctrl": "/a\x01b",
    "del": "/a\x7fb",
    "tab": "/a\tb",
    "triple_dot": "/...",
    "dots_in_name": "/a..b/c.d.e",
    "chinese": "/文件/说明.txt",
    "overlong_dot": b"/\xc0\xae\xc0\xae/etc/passwd",
    "mime_upper": "/IMG.PNG",
    "deep": "/a" * 40 + "/x.js",
}
for k, v in S.items():
    put("static", k, v)

# --- case bodies ---------------------------------------------------------------
ok = {
    "type": "complain",
    "content": "小区楼下烧烤摊夜间噪音扰民，持续到凌晨两点。",
    "citizen": {"name": "张三", "phone": "13912345678"},
}
C = {
    "minimal": ok,
    "full_staff": {
        "channel": "phone", "type": "help", "urgency": "urgent",
        "title": "供暖不热", "content": "家中室温只有15度。",
        "category_code": "HEAT01", "district_code": "210703",
        "address": "凌河区解放路二段18号", "lat": 41.1, "lng": 121.1,
        "citizen": {"name": "李四", "phone": "0416-1234567",
                    "anonymous": False, "confidential": True},
        "external_id": "ext-123", "attachments": [],
    },
    "public_web": {"channel": "web", "type": "suggest", "content": "建议增加公交线路。",
                   "citizen": {"phone": "13812345678"}},
    "anonymous": {"type": "report", "content": "有人违规排污。",
                  "citizen": {"anonymous": True, "name": "王五"}},
    "content_4000": dict(ok, content="诉" * 4000),
    "content_4001_ascii": dict(ok, content="a" * 4001),
    "title_100_emoji": dict(ok, title="😀" * 100),
    "title_100": dict(ok, title="标" * 100),
    "title_101": dict(ok, title="标" * 101),
    "name_51": dict(ok, citizen={"name": "名" * 51, "phone": "13912345678"}),
    "content_blank": dict(ok, content=" \t\u3000\u00a0\u200b"),
    "content_empty": dict(ok, content=""),
    "citizen_string": dict(ok, citizen="13912345678"),
    "citizen_array": dict(ok, citizen=[1, 2]),
    "citizen_phone_num": dict(ok, citizen={"phone": 13912345678}),
    "citizen_anon_str": dict(ok, citizen={"anonymous": "true"}),
    "citizen_unknown": dict(ok, citizen={"phone": "13912345678", "idcard": "x"}),
    "citizen_nested": dict(ok, citizen={"phone": {"phone": "13912345678"}}),
    "citizen_null": dict(ok, citizen=None),
    "type_bad": dict(ok, type="rant"),
    "type_num": dict(ok, type=3),
    "urgency_bad": dict(ok, urgency="asap"),
    "channel_upper": dict(ok, channel="Phone"),
    "lat_only": dict(ok, lat=41.0),
    "lng_only": dict(ok, lng=121.0),
    "lat_range": dict(ok, lat=91, lng=0),
    "lat_string": dict(ok, lat="41", lng="121"),
    "attachments_some": dict(ok, attachments=[{"id": 1}]),
    "code_bad": dict(ok, category_code="HEAT-01"),
    "unknown_field": dict(ok, foo=1),
    # "unknown_long_key" ({"k" * 70: 1}) is a known bug (docs/fuzzing.md):
    # add it back once jv_only names a field for it
    "unknown_chinese_key": dict(ok, **{"市民": 1}),
    "phone_bad": dict(ok, citizen={"phone": "12345"}),
}
for k, v in C.items():
    put("case_input", k, jdump(v))
put("case_input", "nul_in_content",
    '{"type":"help","content":"a\\u0000b","citizen":{"phone":"13912345678"}}')
put("case_input", "duplicate_key",
    '{"type":"help","type":"complain","content":"x","citizen":{"phone":"13912345678"}}')
put("case_input", "huge_number",
    '{"type":"help","content":"x","lat":1e400,"lng":0,"citizen":{"phone":"13912345678"}}')
put("case_input", "big_int",
    '{"type":"help","content":"x","lat":99999999999999999999,"lng":0,"citizen":{"phone":"13912345678"}}')
put("case_input", "deep", "[" * 300 + "]" * 300)
put("case_input", "deep_citizen",
    '{"type":"help","content":"x","citizen":' + '{"name":' * 50 + '1' + '}' * 50 + '}')
put("case_input", "not_object", '"just a string"')
put("case_input", "truncated", '{"type":"help","content":"小区')
put("case_input", "invalid_utf8", b'{"type":"help","content":"\xe9\x94","citizen":{"phone":"13912345678"}}')
put("case_input", "escaped_surrogate", '{"type":"help","content":"\\ud83d\\ude00 \\ud800","citizen":{"phone":"13912345678"}}')
put("case_input", "empty_object", "{}")

# --- jsonv: objects with fields a, b, content, a.b, a.b.c ------------------------
J = {
    "strings": {"a": "短", "b": "12345678", "content": "九个字符九个字符九"},
    "nested": {"a": {"b": {"c": "2026-11-29T10:15:00+08:00"}}},
    "dotted_key": {"a.b": 5, "a": {"b": 6}},
    "ints": {"a": 1000, "b": -5, "content": 1001},
    "int_big": {"a": 9223372036854775807, "b": -9223372036854775808},
    "floats": {"a": 1.5, "b": 1e300},
    "bools": {"a": True, "b": False, "content": None},
    "enum": {"a": "urgent", "b": "URGENT", "content": "normal "},
    "times": {"a": 253402300799, "b": -1, "content": "0001-01-01T00:00:00Z"},
    "time_date": {"a": "2026-11-29", "b": "9999-12-31"},
    "parent_not_object": {"a": [1], "b": "x"},
    "parent_null": {"a": None},
    "blank": {"a": "\u3000\u200b", "b": " "},
    "unknown_keys": {"a": 1, "zz": 2},
    # "long_key" ({"x" * 80: 1}): the same known jv_only bug
    "chinese_key": {"键": 1},
    "nested_unknown": {"a": {"b": 1, "q": 2}},
}
for k, v in J.items():
    put("jsonv", k, jdump(v))
put("jsonv", "nul_string", '{"a":"x\\u0000y","b":"\\u0000"}')
put("jsonv", "array_top", "[1,2,3]")
put("jsonv", "deep", '{"a":' * 40 + "1" + "}" * 40)

# --- config: "name=value" -------------------------------------------------------
G = {
    "threads": "threads=8",
    "threads_0": "threads=0",
    "threads_257": "threads=257",
    "threads_neg": "threads=-1",
    "threads_huge": "threads=99999999999999999999",
    "threads_hex": "threads=0x10",
    "threads_space": "threads= 8",
    "max_body_k": "max-body=512k",
    "max_body_m": "max-body=64m",
    "max_body_M_over": "max-body=65M",
    "max_body_small": "max-body=1023",
    "max_body_suffix_only": "max-body=k",
    "max_body_overflow": "max-body=9223372036854775807k",
    "bare_value": "1m",
    "listen": "listen=127.0.0.1:8080",
    "listen_v6": "listen=[::1]:8080",
    "listen_v6_bare": "listen=::1:8080",
    "listen_port_0": "listen=127.0.0.1:0",
    "listen_port_big": "listen=127.0.0.1:65536",
    "listen_no_port": "listen=127.0.0.1:",
    "listen_colon_first": "listen=:8080",
    "db_empty": "db=",
    "db_pg": "db=postgres://u@localhost/hotline",
    "static_empty": "static=",
    "log_level": "log-level=debug",
    "log_level_bad": "log-level=DEBUG",
    "unknown": "colour=blue",
    "empty_name": "=x",
    "timeout": "timeout=3600",
    "max_conn": "max-connections=15",
    "chinese_value": "listen=本机:八零",
    "long_value": "threads=" + "9" * 300,
}
for k, v in G.items():
    put("config", k, v)
