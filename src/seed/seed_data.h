/* seed_data.h — the tables behind the demo data (private to src/seed/). */
#ifndef HOTLINE_SEED_DATA_H
#define HOTLINE_SEED_DATA_H

#include <stddef.h>

/* County-level divisions and functional zones. Zones have made-up codes
 * ("2107F1"): they are run by 管委会 and have no official code. */
struct seed_county {
    const char *code;
    const char *name;
    int urban;          /* city district or zone: 小区, roads, utilities */
    int zone;           /* functional zone, made-up code */
    double lat, lng;    /* rough centre, for demo coordinates */
    const char *const *roads; /* NULL-terminated */
};

/* Township-level divisions: official 2023 statistical codes, plus made-up
 * streets ("2107F1001") for the zones. kind: 街道, 镇, 乡, other. */
struct seed_township {
    const char *county_code;
    const char *code;
    const char *name;
    const char *kind;
};

extern const struct seed_county seed_counties[];
extern const size_t seed_counties_len;
extern const struct seed_township seed_townships[];
extern const size_t seed_townships_len;

/* Categories: code, name, default unit code (NULL: the dispatcher picks). */
#define CAT_LOCAL 1u  /* handled where it happens: the district unit */
#define CAT_CITY 2u   /* handled city-wide, also for the counties */
struct seed_category {
    const char *code;
    const char *name;
    const char *unit;
    unsigned flags;
    int weight;       /* relative frequency of leaf categories */
    const char *assist; /* a unit often asked to assist, or NULL */
};
extern const struct seed_category seed_categories[];
extern const size_t seed_categories_len;

/* Case templates. Placeholders are {x} with one ASCII letter, expanded by
 * seed_cases.c (see the list there). */
#define TPL_URBAN 1u   /* needs a 小区 address (city districts and zones) */
#define TPL_RURAL 2u   /* needs a village address */
#define TPL_URGENT 4u
#define TPL_EMERGENCY 8u
#define TPL_ANSWER 16u /* a consultation an agent can answer on the spot */
#define TPL_SPAM 32u   /* not a government matter: rejected */
#define TPL_CONFIDENTIAL 64u
struct seed_template {
    const char *cat;
    const char *type;
    unsigned flags;
    const char *title;
    const char *content;
    const char *answer; /* TPL_ANSWER: the agent's reply; TPL_SPAM: reason */
};
extern const struct seed_template seed_templates[];
extern const size_t seed_templates_len;

/* Replies of the handling unit, by category code prefix (longest match). */
struct seed_reply {
    const char *cat;
    const char *text;
};
extern const struct seed_reply seed_replies[];
extern const size_t seed_replies_len;

/* Word lists. */
extern const char *const seed_communities[];
extern const size_t seed_communities_len;
extern const char *const seed_town_roads[];
extern const size_t seed_town_roads_len;
extern const char *const seed_villages[];
extern const size_t seed_villages_len;
extern const char *const seed_shops[];
extern const size_t seed_shops_len;
extern const char *const seed_venues[];
extern const size_t seed_venues_len;
extern const char *const seed_companies[];
extern const size_t seed_companies_len;
extern const char *const seed_surnames[];
extern const size_t seed_surnames_len;
extern const char *const seed_given_names[];
extern const size_t seed_given_names_len;

#endif
