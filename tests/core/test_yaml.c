// test_yaml.c: core/yaml.h on constructed documents: the tree (kinds, order, positions,
// parents), refused input (duplicate keys at any depth, non-text keys, aliases, a second
// document, NUL in text, nesting too deep, empty documents, syntax errors), and every
// accessor's type and range checks, each asserting the exact "file:line:col: problem" line.
#include "../test.h"
#include "core/error.h"
#include "core/log.h"
#include "core/yaml.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char last[2048];
static int n_logged;
static void capture(gd_log_level level, const char *msg, void *user) {
    (void)level; (void)user;
    snprintf(last, sizeof last, "%s", msg);
    n_logged++;
}

// Loads text as "t.yaml"; the document (NULL on error) goes to *out.
static int load(const char *text, gd_yaml_doc **out) {
    last[0] = 0;
    n_logged = 0;
    return gd_yaml_load_text(out, text, strlen(text), "t.yaml");
}

// 1 when text fails to load with exactly the message want.
static int refused(const char *text, const char *want) {
    gd_yaml_doc *d = NULL;
    int rc = load(text, &d);
    int ok = rc == GD_ERR_PARSE && !d && !strcmp(last, want) && n_logged == 1;
    if (!ok) fprintf(stderr, "  got rc %d: '%s'\n  want: '%s'\n", rc, last, want);
    return ok;
}

// 1 when the last message is want (and exactly one was logged since load).
static int said(const char *want) {
    int ok = !strcmp(last, want) && n_logged == 1;
    if (!ok) fprintf(stderr, "  got: '%s' (%d lines)\n  want: '%s'\n", last, n_logged, want);
    return ok;
}

static void test_tree(void) {
    gd_yaml_doc *d;
    CHECK(load("name: t\nlist:\n  - 1\n  - {k: v, j: [a, b]}\nempty:\nq: \"two words\"\n", &d) == 0);
    const gd_yaml_node *r = gd_yaml_root(d);
    CHECK(r->kind == GD_YAML_MAP && r->n == 4 && r->line == 1 && r->col == 1 && !r->parent);
    CHECK(!strcmp(r->keys[0]->text, "name") && !strcmp(r->keys[3]->text, "q"));
    const gd_yaml_node *l = gd_yaml_get(r, "list");
    CHECK(l && l->kind == GD_YAML_LIST && l->n == 2 && l->line == 3 && l->col == 3);
    CHECK(!strcmp(l->key, "list") && l->parent == r && l->index == 1);
    const gd_yaml_node *m = l->items[1];
    CHECK(m->kind == GD_YAML_MAP && m->line == 4 && m->col == 5 && m->index == 1 && !m->key);
    const gd_yaml_node *j = gd_yaml_get(m, "j");
    CHECK(j && j->n == 2 && !strcmp(j->items[1]->text, "b") && j->items[1]->col == 19);
    char path[64];
    CHECK(!strcmp(gd_yaml_path(j->items[1], path, sizeof path), "list[1].j[1]"));
    CHECK(!strcmp(gd_yaml_path(r, path, sizeof path), "top level"));
    CHECK(!strcmp(gd_yaml_get(r, "empty")->text, ""));
    CHECK(!strcmp(gd_yaml_get(r, "q")->text, "two words"));
    CHECK(!gd_yaml_get(r, "nope") && !gd_yaml_get(l, "list"));
    gd_yaml_free(d);
    gd_yaml_free(NULL);
}

static void test_duplicate_keys(void) {
    gd_yaml_doc *d;
    CHECK(load("a: 1\nb: 2\nc: {a: 1, b: 2}\nd:\n  - a: 1\n  - a: 2\n", &d) == 0 && !last[0]);
    gd_yaml_free(d);
    CHECK(refused("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: duplicate key 'a' (first at line 1)"));
    // the nested clash (line 3) comes before the top-level one (line 5)
    CHECK(refused("x:\n  k: 1\n  k: 2\ny: 1\ny: 2\n", "t.yaml:3:3: duplicate key 'k' (first at line 2)"));
    // in a list of mappings; three times: the second occurrence is named
    CHECK(refused("e:\n  - id: 1\n  - id: 2\n    s: a\n    s: b\n    s: c\n",
                  "t.yaml:5:5: duplicate key 's' (first at line 4)"));
    CHECK(refused("f: {p: 1, q: 2, p: 3}\n", "t.yaml:1:17: duplicate key 'p' (first at line 1)"));
    // quoting does not make a different key
    CHECK(refused("\"a\": 1\n'a': 2\n", "t.yaml:2:1: duplicate key 'a' (first at line 1)"));
    // 2000 distinct keys, then one repeated at the end
    char *big = malloc(2001 * 16);
    size_t o = 0;
    for (int i = 0; i < 2000; i++) o += (size_t)sprintf(big + o, "k%d: %d\n", (i * 7919) % 2000, i);
    CHECK(load(big, &d) == 0);
    CHECK(d && gd_yaml_root(d)->n == 2000);
    gd_yaml_free(d);
    sprintf(big + o, "k1234: 0\n");
    CHECK(load(big, &d) == GD_ERR_PARSE);
    CHECK(strstr(last, "t.yaml:2001:1: duplicate key 'k1234'") == last);
    free(big);
}

static void test_refused_input(void) {
    CHECK(refused("? [1, 2]\n: x\n", "t.yaml:1:3: mapping keys must be plain text, not a list"));
    CHECK(refused("a: &x 1\nb: *x\n", "t.yaml:2:4: aliases (*x) are not supported; write the value out"));
    CHECK(refused("a: 1\n---\nb: 2\n", "t.yaml:2:1: a second YAML document; a file holds one"));
    CHECK(refused("a: \"x\\0y\"\n", "t.yaml:1:4: text holds a NUL character"));
    CHECK(refused("", "t.yaml:1:1: empty YAML document"));
    CHECK(refused("# a comment only\n", "t.yaml:1:1: empty YAML document"));
    char deep[200] = "a: ";
    for (int i = 0; i < 70; i++) strcat(deep, "[");
    CHECK(refused(deep, "t.yaml:1:67: nested deeper than 64 levels"));
    gd_yaml_doc *d;
    CHECK(load("a: [1, 2\nb: 3\n", &d) == GD_ERR_PARSE && !d);
    CHECK(strstr(last, "t.yaml:2:") == last && strstr(last, ": YAML syntax error: "));
    // from a file: its path names it
    char dir[] = "/tmp/gd_test_yaml_XXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/r.yaml", dir);
    last[0] = 0;
    CHECK(gd_yaml_load(&d, path) == GD_ERR_IO && !d);
    CHECK(strstr(last, path) == last && strstr(last, "No such file"));
    FILE *f = fopen(path, "w");
    fputs("seed: 3\nsources:\n  kits: [a]\n  kits: [b]\n", f);
    fclose(f);
    char want[400];
    snprintf(want, sizeof want, "%s:4:3: duplicate key 'kits' (first at line 3)", path);
    last[0] = 0;
    CHECK(gd_yaml_load(&d, path) == GD_ERR_PARSE && !strcmp(last, want));
    unlink(path);
    rmdir(dir);
}

static void test_keys(void) {
    static const char *const top[] = {"name", "seed", "x", NULL}, *const more[] = {"extra", NULL};
    static const char *const item[] = {"y", NULL};
    gd_yaml_doc *d;
    CHECK(load("name: t\nseed: 3\ncolour: red\n", &d) == 0);
    const gd_yaml_node *r = gd_yaml_root(d), *v;
    n_logged = 0;
    CHECK(gd_yaml_check_keys(r, top, NULL) == GD_ERR_PARSE);
    CHECK(said("t.yaml:3:1: unknown key 'colour' (expected one of: name, seed, x)"));
    n_logged = 0;
    CHECK(gd_yaml_check_keys(r, top, more) == GD_ERR_PARSE);
    CHECK(said("t.yaml:3:1: unknown key 'colour' (expected one of: name, seed, x, extra)"));
    n_logged = 0;
    CHECK(gd_yaml_need(r, "x", &v) == GD_ERR_PARSE && said("t.yaml:1:1: top level: lacks required key 'x'"));
    CHECK(gd_yaml_need(r, "seed", &v) == 0 && !strcmp(v->text, "3"));
    gd_yaml_free(d);
    CHECK(load("x:\n  - y: 1\n    zz: 2\n", &d) == 0);
    r = gd_yaml_root(d);
    const gd_yaml_node *x = gd_yaml_get(r, "x");
    CHECK(gd_yaml_check_keys(r, top, NULL) == 0 && n_logged == 0);
    CHECK(gd_yaml_check_keys(x->items[0], item, NULL) == GD_ERR_PARSE);
    CHECK(said("t.yaml:3:5: unknown key 'zz' in x[0] (expected one of: y)"));
    n_logged = 0;
    CHECK(gd_yaml_check_keys(x, item, NULL) == GD_ERR_PARSE);
    CHECK(said("t.yaml:2:3: x: must be a mapping of key: value, not a list"));
    n_logged = 0;
    CHECK(gd_yaml_need(x->items[0], "w", &v) == GD_ERR_PARSE && said("t.yaml:2:5: x[0]: lacks required key 'w'"));
    gd_yaml_free(d);
}

static void test_types_and_ranges(void) {
    gd_yaml_doc *d;
    CHECK(load("seed: three\nrate: 5\nv: 1.5\nl: [1, 2]\nm: {a: 1}\nb: maybe\nbig: 99999999999999999999\n"
               "e: 1e6\nf: 2.0\nh: 0x10\ninf: .inf\nhuge: 1e999\nt: \"\"\nok: yes\n", &d) == 0);
    const gd_yaml_node *r = gd_yaml_root(d);
    int64_t i = -7;
    double x = -7;
    int b = -7;
    const char *s = NULL;
#define REFUSES(call, want) do { n_logged = 0; CHECK((call) == GD_ERR_PARSE); CHECK(said(want)); } while (0)
    REFUSES(gd_yaml_key_int(r, "seed", 0, 10, &i), "t.yaml:1:7: seed: must be a whole number (got 'three')");
    REFUSES(gd_yaml_key_int(r, "rate", 8000, 192000, &i), "t.yaml:2:7: rate: must be in [8000, 192000] (got 5)");
    REFUSES(gd_yaml_key_float(r, "v", 0, 1, &x), "t.yaml:3:4: v: must be in [0, 1] (got 1.5)");
    REFUSES(gd_yaml_key_int(r, "v", 0, 10, &i), "t.yaml:3:4: v: must be a whole number (got '1.5')");
    REFUSES(gd_yaml_key_int(r, "l", 0, 10, &i), "t.yaml:4:4: l: must be a whole number, not a list");
    REFUSES(gd_yaml_key_float(r, "m", 0, 10, &x), "t.yaml:5:4: m: must be a number, not a mapping");
    REFUSES(gd_yaml_key_bool(r, "b", &b), "t.yaml:6:4: b: must be true or false (got 'maybe')");
    REFUSES(gd_yaml_key_text(r, "l", 0, &s), "t.yaml:4:4: l: must be text, not a list");
    REFUSES(gd_yaml_key_text(r, "t", 0, &s), "t.yaml:13:4: t: must not be empty");
    REFUSES(gd_yaml_key_int(r, "big", 0, INT64_MAX, &i),
            "t.yaml:7:6: big: must be in [0, 9223372036854775807] (got 99999999999999999999)");
    REFUSES(gd_yaml_key_int(r, "h", 0, 100, &i), "t.yaml:10:4: h: must be a whole number (got '0x10')");
    REFUSES(gd_yaml_key_float(r, "h", 0, 100, &x), "t.yaml:10:4: h: must be a number (got '0x10')");
    REFUSES(gd_yaml_key_float(r, "inf", -1e300, 1e300, &x), "t.yaml:11:6: inf: must be a number (got '.inf')");
    REFUSES(gd_yaml_key_float(r, "huge", -1e300, 1e300, &x), "t.yaml:12:7: huge: must be in [-1e+300, 1e+300] (got 1e999)");
    REFUSES(gd_yaml_list(gd_yaml_get(r, "m"), 0, -1), "t.yaml:5:4: m: must be a list, not a mapping");
    REFUSES(gd_yaml_list(gd_yaml_get(r, "l"), 3, -1), "t.yaml:4:4: l: must have at least 3 items");
    REFUSES(gd_yaml_list(gd_yaml_get(r, "l"), 0, 1), "t.yaml:4:4: l: has 2 items; at most 1 are allowed");
    REFUSES(gd_yaml_map(gd_yaml_get(r, "seed")), "t.yaml:1:7: seed: must be a mapping of key: value, not text");
    CHECK(i == -7 && x == -7 && b == -7 && !s);   // nothing written on failure
    // accepted: whole values in float notation, absent keys leave the default
    CHECK(gd_yaml_key_int(r, "e", 0, INT64_MAX, &i) == 0 && i == 1000000);
    CHECK(gd_yaml_key_int(r, "f", 0, 10, &i) == 0 && i == 2);
    CHECK(gd_yaml_key_float(r, "v", 0, 2, &x) == 0 && x == 1.5);
    CHECK(gd_yaml_key_bool(r, "ok", &b) == 0 && b == 1);
    CHECK(gd_yaml_key_text(r, "t", 1, &s) == 0 && s && !*s);
    i = 42;
    CHECK(gd_yaml_key_int(r, "absent", 0, 1, &i) == 0 && i == 42);
    CHECK(gd_yaml_list(gd_yaml_get(r, "l"), 2, 2) == 0);
    gd_yaml_free(d);
}

static void test_nested_positions(void) {
    gd_yaml_doc *d;
    CHECK(load("a:\n  b:\n    - 1\n    - {c: [1, 2, x]}\n  d:\n    e: [0.5, 7]\n", &d) == 0);
    const gd_yaml_node *r = gd_yaml_root(d);
    const gd_yaml_node *c = gd_yaml_get(gd_yaml_get(gd_yaml_get(r, "a"), "b")->items[1], "c");
    const gd_yaml_node *e = gd_yaml_get(gd_yaml_get(gd_yaml_get(r, "a"), "d"), "e");
    int64_t i;
    double x;
    REFUSES(gd_yaml_int(c->items[2], 0, 9, &i), "t.yaml:4:18: a.b[1].c[2]: must be a whole number (got 'x')");
    REFUSES(gd_yaml_float(e->items[1], 0, 1, &x), "t.yaml:6:14: a.d.e[1]: must be in [0, 1] (got 7)");
    REFUSES(gd_yaml_fail_path(e, "empty range (lo > hi)"), "t.yaml:6:8: a.d.e: empty range (lo > hi)");
    REFUSES(gd_yaml_fail(c, "plain message %d", 3), "t.yaml:4:11: plain message 3");
#undef REFUSES
    gd_yaml_free(d);
}

int main(void) {
    gd_log_set(capture, NULL);
    RUN(test_tree);
    RUN(test_duplicate_keys);
    RUN(test_refused_input);
    RUN(test_keys);
    RUN(test_types_and_ranges);
    RUN(test_nested_positions);
    gd_log_set(NULL, NULL);
    return TEST_REPORT();
}
