// test_yaml_keys.c: gd_yaml_unique_keys on documents parsed by libyaml: no false alarms,
// duplicates at any depth and in flow mappings, the earliest clash in the file reported
// with its position and the first occurrence's line, many keys, non-scalar keys ignored.
#include "../test.h"
#include "core/error.h"
#include "core/log.h"
#include "core/yaml_keys.h"

#include <string.h>

static char last[512];
static void capture(gd_log_level level, const char *msg, void *user) {
    (void)level; (void)user;
    snprintf(last, sizeof last, "%s", msg);
}

// gd_yaml_unique_keys of text (must parse); the logged message lands in `last`.
static int check_text(const char *text) {
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    int ok = yaml_parser_load(&p, &doc);
    yaml_parser_delete(&p);
    if (!ok) return 99;
    last[0] = 0;
    int rc = gd_yaml_unique_keys(&doc, "t.yaml");
    yaml_document_delete(&doc);
    return rc;
}

static void test_unique_keys(void) {
    gd_log_set(capture, NULL);
    CHECK(check_text("a: 1\nb: 2\nc: {a: 1, b: 2}\nd:\n  - a: 1\n  - a: 2\n") == GD_OK);
    CHECK(last[0] == 0);
    CHECK(check_text("a: 1\nb: 2\na: 3\n") == GD_ERR_PARSE);
    CHECK(strcmp(last, "t.yaml:3:1: duplicate key 'a' (first at line 1)") == 0);
    // the nested clash (line 3) comes before the top-level one (line 5)
    CHECK(check_text("x:\n  k: 1\n  k: 2\ny: 1\ny: 2\n") == GD_ERR_PARSE);
    CHECK(strcmp(last, "t.yaml:3:3: duplicate key 'k' (first at line 2)") == 0);
    // in a sequence of mappings; three times: the second occurrence is named
    CHECK(check_text("e:\n  - id: 1\n  - id: 2\n    s: a\n    s: b\n    s: c\n") == GD_ERR_PARSE);
    CHECK(strcmp(last, "t.yaml:5:5: duplicate key 's' (first at line 4)") == 0);
    CHECK(check_text("f: {p: 1, q: 2, p: 3}\n") == GD_ERR_PARSE);
    CHECK(strcmp(last, "t.yaml:1:17: duplicate key 'p' (first at line 1)") == 0);
    // quoting does not make a different key
    CHECK(check_text("\"a\": 1\n'a': 2\n") == GD_ERR_PARSE);
    // complex (non-scalar) keys are not compared
    CHECK(check_text("? [1, 2]\n: x\n? [1, 2]\n: y\n") == GD_OK);
    // 2000 distinct keys, then one repeated at the end
    char *big = malloc(2001 * 16);
    size_t o = 0;
    for (int i = 0; i < 2000; i++) o += (size_t)sprintf(big + o, "k%d: %d\n", (i * 7919) % 2000, i);
    CHECK(check_text(big) == GD_OK);
    sprintf(big + o, "k1234: 0\n");
    CHECK(check_text(big) == GD_ERR_PARSE);
    CHECK(strstr(last, "t.yaml:2001:1: duplicate key 'k1234'") == last);
    free(big);
    gd_log_set(NULL, NULL);
}

int main(void) {
    RUN(test_unique_keys);
    return TEST_REPORT();
}
