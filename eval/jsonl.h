// jsonl.h: a minimal reader for the JSON objects `pair --json` writes, one per line.
//
// Only top-level members are kept: numbers, strings, true/false (as 1/0) and null (NAN,
// is_null set); nested objects and arrays are skipped. Enough for compare and report; not a
// general JSON library. Ownership: ev_jobj owns its strings; free with ev_jobj_free.
#ifndef EV_JSONL_H
#define EV_JSONL_H

typedef struct {
    char  *key;
    char  *str;      // string value, or NULL
    double num;      // number value (NAN for null/strings/nested)
    int    is_null;
} ev_jmember;

typedef struct {
    ev_jmember *m;
    int         n, cap;
} ev_jobj;

// Parses one JSON object from text. Returns 0 or GD_ERR_PARSE.
int  ev_jobj_parse(ev_jobj *o, const char *text);
void ev_jobj_free(ev_jobj *o);
// Member named key, or NULL.
const ev_jmember *ev_jobj_get(const ev_jobj *o, const char *key);

#endif
