// test_checkpoint.c: checkpoint verification before a resume (rv_ckpt_load_verified) and the
// run folder's checkpoint list, pruning and log trimming (train/run_dir.h).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fileio.h"
#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/checkpoint.h"
#include "train/run_dir.h"

static char dir[64];

static char *at(const char *name) { return gd_path_join(dir, name); }

// The tiny model with seeded parameters and made-up (finite) Adam moments.
static int make_model(rv_config *c, rv_model *m) {
    if (load_tiny(c) || rv_model_init(m, c)) return 1;
    rv_model_init_params(m, 3);
    for (long i = 0; i < m->P.total; i++) { m->M[i] = 1e-3f * (float)(i % 7); m->V[i] = 1e-6f * (float)(i % 5); }
    return 0;
}

// rv_ckpt_load_verified's return code for path, its reason in why.
static int verify(const char *path, char *why, size_t n, long *step) {
    rv_model m;
    rv_ckpt_meta meta = {0};
    why[0] = 0;
    int rc = rv_ckpt_load_verified(path, &m, &meta, why, n);
    if (step) *step = meta.step;
    rv_model_free(&m);
    return rc;
}

static void append(const char *path, const char *bytes, size_t n) {
    FILE *f = fopen(path, "ab");
    fwrite(bytes, 1, n, f);
    fclose(f);
}

static void test_good_checkpoint_verifies_and_loads_exactly(void) {
    rv_config c;
    rv_model m, r;
    CHECK(make_model(&c, &m) == 0);
    char *p = at("good.safetensors"), why[600];
    CHECK(rv_ckpt_save(p, &m, 7, "abc", 42, 1) == 0);
    rv_ckpt_meta meta;
    CHECK(rv_ckpt_load_verified(p, &r, &meta, why, sizeof(why)) == 0);
    CHECK(meta.step == 7 && meta.seed == 42 && !strcmp(meta.data_sha256, "abc"));
    CHECK(r.P.total == m.P.total && !memcmp(r.P.data, m.P.data, sizeof(float) * m.P.total));
    CHECK(!memcmp(r.M, m.M, sizeof(float) * m.P.total) && !memcmp(r.V, m.V, sizeof(float) * m.P.total));
    CHECK(r.disc == NULL);
    rv_ckpt_meta peek;
    CHECK(rv_ckpt_peek(p, &peek) == 0 && peek.step == 7);
    rv_model_free(&r);
    rv_model_free(&m);
    free(p);
}

static void test_checkpoint_without_optimiser_state_is_refused(void) {
    rv_config c;
    rv_model m;
    CHECK(make_model(&c, &m) == 0);
    char *p = at("export.safetensors"), why[600];
    CHECK(rv_ckpt_save(p, &m, 7, "", 1, 0) == 0);
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    CHECK(strstr(why, "no optimiser state") != NULL);
    rv_model r;   // inference still loads it
    CHECK(rv_ckpt_load(p, &r, NULL, NULL, 0) == 0);
    rv_model_free(&r);
    rv_model_free(&m);
    free(p);
}

static void test_non_finite_value_is_refused(void) {
    rv_config c;
    rv_model m;
    CHECK(make_model(&c, &m) == 0);
    m.V[m.P.total / 2] = INFINITY;
    char *p = at("inf.safetensors"), why[600];
    CHECK(rv_ckpt_save(p, &m, 7, "", 1, 1) == 0);
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_NUMERIC);
    CHECK(strstr(why, "optim.v.") && strstr(why, "holds a non-finite value"));
    rv_model_free(&m);
    free(p);
}

static void test_size_must_match_the_header(void) {
    rv_config c;
    rv_model m;
    CHECK(make_model(&c, &m) == 0);
    char *p = at("size.safetensors"), why[600];
    CHECK(rv_ckpt_save(p, &m, 7, "", 1, 1) == 0);
    size_t size;
    char *bytes;
    CHECK(gd_read_file(p, &bytes, &size) == 0);
    free(bytes);
    append(p, "\0\0\0\0", 4);   // appended to
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    CHECK(strstr(why, "the header describes") != NULL);
    CHECK(truncate(p, (off_t)size - 100) == 0);   // cut inside the data
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    CHECK(strstr(why, "the header describes") != NULL);
    CHECK(truncate(p, 20) == 0);     // cut inside the header
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    CHECK(strstr(why, "header length out of range") != NULL);
    rv_model_free(&m);
    free(p);
}

// A checkpoint past the phase boundary must hold the discriminator with its Adam state.
static void test_phase_two_needs_the_discriminator(void) {
    rv_config c;
    rv_model m;
    CHECK(make_model(&c, &m) == 0);
    char *p = at("p2.safetensors"), why[600];
    long step;
    CHECK(rv_ckpt_save(p, &m, c.phase_1_duration + 1, "", 1, 1) == 0);
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    CHECK(strstr(why, "no discriminator") != NULL);
    CHECK(rv_model_init_disc(&m, 5) == 0);
    CHECK(rv_ckpt_save(p, &m, c.phase_1_duration + 1, "", 1, 1) == 0);
    CHECK(verify(p, why, sizeof(why), &step) == 0 && step == c.phase_1_duration + 1);
    CHECK(rv_ckpt_save(p, &m, 3, "", 1, 1) == 0);   // a discriminator in phase 1: not ours
    CHECK(verify(p, why, sizeof(why), NULL) == GD_ERR_FORMAT);
    rv_model_free(&m);
    free(p);
}

static void touch(const char *name) {
    char *p = at(name);
    append(p, "x", 1);
    free(p);
}

static int exists(const char *name) {
    char *p = at(name);
    int e = gd_path_exists(p);
    free(p);
    return e;
}

static void test_run_folder_lists_newest_first_and_prunes(void) {
    char sub[80];
    snprintf(sub, sizeof(sub), "%s/run", dir);
    CHECK(gd_mkdir_p(sub) == 0);
    snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/run");
    rv_config c;
    rv_model m;
    CHECK(make_model(&c, &m) == 0);
    char *mp = at(RV_RUN_MODEL);
    CHECK(rv_ckpt_save(mp, &m, 10, "", 1, 1) == 0);
    touch("ckpt_5.safetensors"); touch("ckpt_10.safetensors"); touch("ckpt_12.safetensors");
    touch("ckpt_x.safetensors"); touch("ckpt_7.safetensors.tmp.1.0"); touch("notes.txt");
    rv_run_ckpt *l;
    int n;
    CHECK(rv_run_ckpts(dir, &l, &n) == 0);
    CHECK(n == 4);
    static const char *want[4] = {"ckpt_12.safetensors", RV_RUN_MODEL, "ckpt_10.safetensors", "ckpt_5.safetensors"};
    static const long steps[4] = {12, 10, 10, 5};
    for (int i = 0; i < n && i < 4; i++)
        CHECK(!strcmp(gd_path_basename(l[i].path), want[i]) && l[i].step == steps[i]);
    rv_run_ckpts_free(l, n);
    touch("ckpt_8.safetensors");
    rv_run_prune(dir, 10, 2, 5);   // keeps 10, 8 (newest two at or below 10) and 5 (boundary)
    CHECK(exists("ckpt_10.safetensors") && exists("ckpt_8.safetensors") && exists("ckpt_5.safetensors"));
    touch("ckpt_3.safetensors");
    rv_run_prune(dir, 10, 1, 5);
    CHECK(exists("ckpt_10.safetensors") && !exists("ckpt_8.safetensors") && !exists("ckpt_3.safetensors"));
    CHECK(exists("ckpt_5.safetensors") && exists("ckpt_12.safetensors"));
    CHECK(rv_run_clear(dir) == 4);   // model, 12, 10, 5
    CHECK(!exists(RV_RUN_MODEL) && !exists("ckpt_12.safetensors") && exists("ckpt_x.safetensors"));
    rv_model_free(&m);
    free(mp);
    *strrchr(dir, '/') = 0;
}

// Half-written files of a dead writer go; a live writer's and other files stay.
static void test_stale_temporaries_removed(void) {
    pid_t child = fork();
    if (child == 0) _exit(0);
    waitpid(child, NULL, 0);
    char dead[96], live[96], other[96];
    snprintf(dead, sizeof(dead), "ckpt_5.safetensors.tmp.%ld.0", (long)child);
    snprintf(live, sizeof(live), "model.safetensors.tmp.%ld.1", (long)getpid());
    snprintf(other, sizeof(other), "notes.txt.tmp.%ld.0", (long)child);
    touch(dead); touch(live); touch(other);
    CHECK(rv_run_remove_stale_tmp(dir) == 1);
    CHECK(!exists(dead) && exists(live) && exists(other));
}

static void test_log_keeps_whole_increasing_rows_below_the_step(void) {
    char *p = at("log.csv"), *text;
    const char *h = "step,a,b\n";
    FILE *f = fopen(p, "w");
    fputs("step,a,b\n0,1,2\n1,1,2\n1,1,2\n2,1,2,9\n2,1,2\n3,1,2\n2,1,2\n4,1,2\n5,1", f);
    fclose(f);
    CHECK(rv_run_trim_log(p, h, 4) == 0);
    CHECK(gd_read_file(p, &text, NULL) == 0);
    CHECK(!strcmp(text, "step,a,b\n0,1,2\n1,1,2\n2,1,2\n3,1,2\n"));
    free(text);
    remove(p);
    CHECK(rv_run_trim_log(p, h, 4) == 0);   // no log: the header
    CHECK(gd_read_file(p, &text, NULL) == 0 && !strcmp(text, h));
    free(text);
    free(p);
}

int main(void) {
    snprintf(dir, sizeof(dir), "/tmp/gd_ckpt_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(test_good_checkpoint_verifies_and_loads_exactly);
    RUN(test_checkpoint_without_optimiser_state_is_refused);
    RUN(test_non_finite_value_is_refused);
    RUN(test_size_must_match_the_header);
    RUN(test_phase_two_needs_the_discriminator);
    RUN(test_run_folder_lists_newest_first_and_prunes);
    RUN(test_stale_temporaries_removed);
    RUN(test_log_keeps_whole_increasing_rows_below_the_step);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd)) return 1;
    return TEST_REPORT();
}
