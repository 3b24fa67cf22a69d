// test_ops.c: the ops-string parser and resolver: error positions, ranges, distributions,
// probabilities, resolve determinism and round trip, and a deterministic mutation fuzz
// (random edits of valid strings must parse or fail cleanly, never crash).
#include <stdlib.h>
#include <string.h>

#include "augment/augment.h"
#include "core/error.h"
#include "core/rng.h"
#include "tests/test.h"

static int parse_err(const char *ops, int *pos) {
    aug_spec *s = NULL;
    aug_parse_err e = {0};
    int rc = aug_spec_parse(&s, ops, &e);
    aug_spec_free(s);
    *pos = e.pos;
    return rc;
}

static void test_error_positions(void) {
    static const struct { const char *ops; int code, pos; } cases[] = {
        {"gain:db=1|pitc:semitones=2", GD_ERR_PARSE, 10},
        {"gain:db=1,,bright=1", GD_ERR_PARSE, 10},
        {"gain:db=1x", GD_ERR_PARSE, 9},
        {"gain:volume=1", GD_ERR_PARSE, 5},
        {"gain:db=100", GD_ERR_RANGE, 8},
        {"gain:db=uniform(-3,30)", GD_ERR_RANGE, 8},
        {"gain:db=uniform(3,-3)", GD_ERR_RANGE, 8},
        {"filter:type=bandstop", GD_ERR_RANGE, 12},
        {"gain@2:db=1", GD_ERR_RANGE, 5},
        {"gain:db=1|", GD_ERR_PARSE, 10},
        {"gain:db=1,db=2", GD_ERR_PARSE, 10},
        {"gain:db=normal(0)", GD_ERR_PARSE, 8},
        {"gain:db=choice(1,2", GD_ERR_PARSE, 18},
        {"pitch:mode=uniform(1,2)", GD_ERR_PARSE, 11},
        {"gain:db=nan", GD_ERR_PARSE, 8},
        {"gain db=1", GD_ERR_PARSE, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int pos = -1, rc = parse_err(cases[i].ops, &pos);
        if (rc != cases[i].code || pos != cases[i].pos)
            fprintf(stderr, "  '%s': rc %d pos %d (want %d at %d)\n", cases[i].ops, rc, pos,
                    cases[i].code, cases[i].pos);
        CHECK(rc == cases[i].code);
        CHECK(pos == cases[i].pos);
    }
    int pos;
    CHECK(parse_err("", &pos) == 0);   // the empty chain is the identity
    CHECK(parse_err(" pitch : semitones = 2 | gain@0.5 : db = -3 ", &pos) == 0);
}

static void test_distributions(void) {
    aug_spec *s;
    CHECK(aug_spec_parse(&s, "gain:db=uniform(-6,-3),bright=choice(0,0.5,1)|"
                             "filter:freq=loguniform(100,10000),q=normal(1,50)|reverb@0.3", NULL) == 0);
    CHECK(!aug_spec_is_resolved(s));
    gd_rng r;
    gd_rng_init(&r, 1, 2);
    int n_rev = 0, seen_b[3] = {0};
    double lo_f = 1e9, hi_f = 0;
    for (int i = 0; i < 2000; i++) {
        char *res;
        CHECK(aug_spec_resolve(&res, s, &r, NULL) == 0);
        double db, b, f, q;
        CHECK(sscanf(res, "gain:db=%lf,bright=%lf|filter:freq=%lf,q=%lf", &db, &b, &f, &q) == 4);
        CHECK(db >= -6 && db < -3);
        CHECK(q >= 0.1 && q <= 20);   // normal draws clamped to the parameter's range
        lo_f = f < lo_f ? f : lo_f;
        hi_f = f > hi_f ? f : hi_f;
        seen_b[b == 0 ? 0 : b == 0.5 ? 1 : 2]++;
        if (strstr(res, "reverb:seed=")) n_rev++;   // a random effect always gets its seed
        aug_spec *back;
        CHECK(aug_spec_parse(&back, res, NULL) == 0 && aug_spec_is_resolved(back));
        aug_spec_free(back);
        free(res);
    }
    CHECK(lo_f >= 100 && lo_f < 110 && hi_f <= 10000 && hi_f > 9000);
    CHECK(seen_b[0] > 500 && seen_b[1] > 500 && seen_b[2] > 500);
    CHECK(n_rev > 520 && n_rev < 680);   // p = 0.3 of 2000: 600 +- 3.5 sigma
    // the same stream resolves to the same string
    gd_rng a, b;
    gd_rng_init(&a, 9, 9);
    gd_rng_init(&b, 9, 9);
    char *ra, *rb;
    CHECK(aug_spec_resolve(&ra, s, &a, NULL) == 0 && aug_spec_resolve(&rb, s, &b, NULL) == 0);
    CHECK(!strcmp(ra, rb));
    free(ra); free(rb);
    aug_spec_free(s);
    // @pool without a pool is an error at resolution
    CHECK(aug_spec_parse(&s, "mix:file=@pool", NULL) == 0);
    char *res = NULL;
    CHECK(aug_spec_resolve(&res, s, &a, NULL) == GD_ERR_ARG);
    const char *pool[] = {"/x/a.wav", "/x/b.wav"};
    aug_ctx ctx = {pool, 2};
    CHECK(aug_spec_resolve(&res, s, &a, &ctx) == 0 && strstr(res, "mix:file=/x/"));
    free(res);
    aug_spec_free(s);
}

static void test_mutation_fuzz(void) {
    static const char *seeds[] = {
        "pitch:semitones=uniform(-3,3)|gain:db=normal(-3,2),bright=0.5",
        "filter@0.5:type=choice(lowpass,peak),freq=loguniform(2000,12000),db=3|reverb:rt60=0.4",
        "noise:snr=uniform(30,60),color=choice(white,pink,brown)|mix@0.3:file=@pool,offset=3"};
    const char alphabet[] = "|:,=@()._-+0123456789abcdefghijklmnopqrstuvwxyz eE";
    gd_rng r;
    gd_rng_init(&r, 123, 456);
    int ok = 0, bad = 0;
    for (int it = 0; it < 20000; it++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", seeds[it % 3]);
        int n = (int)strlen(buf), edits = 1 + (int)gd_rng_below(&r, 4);
        for (int e = 0; e < edits; e++) {
            int at = (int)gd_rng_below(&r, (uint64_t)n), op = (int)gd_rng_below(&r, 3);
            char ch = alphabet[gd_rng_below(&r, sizeof alphabet - 1)];
            if (op == 0) buf[at] = ch;                                   // replace
            else if (op == 1 && n > 1) { memmove(buf + at, buf + at + 1, n - at); n--; }   // delete
            else if (n < 250) { memmove(buf + at + 1, buf + at, n - at + 1); buf[at] = ch; n++; }
        }
        aug_spec *s = NULL;
        aug_parse_err e = {0};
        int rc = aug_spec_parse(&s, buf, &e);
        if (rc == 0) {
            ok++;
            char *res = NULL;
            const char *pool[] = {"p.wav"};
            aug_ctx ctx = {pool, 1};
            if (aug_spec_resolve(&res, s, &r, &ctx) == 0) {
                aug_spec *back = NULL;
                CHECK(aug_spec_parse(&back, res, &e) == 0);   // resolved strings always re-parse
                aug_spec_free(back);
            }
            free(res);
        } else {
            bad++;
            CHECK(rc == GD_ERR_PARSE || rc == GD_ERR_RANGE);
            CHECK(e.pos >= 0 && e.pos <= n);
            CHECK(e.msg[0] != 0);
        }
        aug_spec_free(s);
    }
    CHECK(ok > 100 && bad > 100);
}

int main(void) {
    RUN(test_error_positions);
    RUN(test_distributions);
    RUN(test_mutation_fuzz);
    return TEST_REPORT();
}
