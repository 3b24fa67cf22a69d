// test_rave_map.c: train/rave_names.def against acids-rave's own state-dict keys, without
// torch. tests/ref/rave_keys_<config>.tsv holds, for each config, the config.gin gendang
// writes for it (as "# " lines) and the key, shape and dtype of every tensor of the model
// acids-rave 2.3.1 builds from that gin (scripts/rave_check.py keys; see
// scripts/gen_rave_keys.sh). Checked here: the gin gendang writes today is the one the keys
// came from; every gendang tensor (generator and discriminator) maps to a key of the list with
// the same shape; every key of the list is a mapped tensor, an export buffer with its shape,
// or a derived buffer; no key is mapped twice.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"     // defines: GD_ERR_*
#include "tests/test.h"
#include "train/config.h"   // defines: rv_config_load
#include "train/rave_map.h" // defines: rv_rave_map, rv_rave_gin, rv_rave_derived

typedef struct {
    char key[RV_RAVE_KEY_MAX], dtype[16];
    int  ndim, shape[5], used;
} ref_key;

// Reads the list: gin text into gin (cap bytes), keys into *out (n).
static int read_ref(const char *path, char *gin, size_t cap, ref_key **out, int *n) {
    FILE *f = fopen(path, "r");
    if (!f) return GD_ERR_IO;
    char line[512];
    size_t g = 0;
    int cnt = 0, cap_k = 64;
    ref_key *k = malloc(sizeof(*k) * cap_k);
    gin[0] = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') {   // "# text" or "#" for an empty line
            const char *t = line[1] == ' ' ? line + 2 : line + 1;
            g += (size_t)snprintf(gin + g, g < cap ? cap - g : 0, "%s", t);
            continue;
        }
        if (cnt == cap_k) k = realloc(k, sizeof(*k) * (cap_k *= 2));
        ref_key *r = &k[cnt];
        memset(r, 0, sizeof(*r));
        char shape[128];
        if (sscanf(line, "%159[^\t]\t%127[^\t]\t%15s", r->key, shape, r->dtype) != 3) {
            if (sscanf(line, "%159[^\t]\t\t%15s", r->key, r->dtype) != 2) continue;   // scalar
            shape[0] = 0;
        }
        for (char *s = shape; *s && r->ndim < 5;) {
            r->shape[r->ndim++] = (int)strtol(s, &s, 10);
            if (*s == ',') s++;
        }
        cnt++;
    }
    fclose(f);
    *out = k;
    *n = cnt;
    return 0;
}

static ref_key *find(ref_key *k, int n, const char *key) {
    for (int i = 0; i < n; i++)
        if (!strcmp(k[i].key, key)) return &k[i];
    return NULL;
}

static int same_shape(const ref_key *r, int ndim, const int *shape) {
    if (r->ndim != ndim) return 0;
    for (int d = 0; d < ndim; d++)
        if (r->shape[d] != shape[d]) return 0;
    return 1;
}

static void check_config(const char *name, int want_pairs) {
    char path[256], gin_ref[8192], gin[8192];
    snprintf(path, sizeof path, "train/configs/%s.yaml", name);
    rv_config c;
    rv_config_default(&c);
    CHECK(rv_config_load(&c, path) == 0);
    snprintf(path, sizeof path, "tests/ref/rave_keys_%s.tsv", name);
    ref_key *k = NULL;
    int nk = 0;
    CHECK(read_ref(path, gin_ref, sizeof gin_ref, &k, &nk) == 0);
    CHECK(rv_rave_gin(&c, gin, sizeof gin) == 0);
    CHECK(!strcmp(gin, gin_ref));   // else regenerate with scripts/gen_rave_keys.sh
    rv_model m;
    CHECK(rv_model_init(&m, &c) == 0);
    CHECK(rv_model_init_disc(&m, 0) == 0);
    rv_rave_pair *p = NULL;
    int np = 0;
    CHECK(rv_rave_map(&m, &p, &np) == 0);
    CHECK(np == m.P.n + m.disc->P.n && np == want_pairs);
    int bad = 0;
    for (int i = 0; i < np; i++) {
        ref_key *r = find(k, nk, p[i].key);
        int ok = r && !r->used && same_shape(r, p[i].ndim, p[i].shape) && !strcmp(r->dtype, "float32");
        if (!ok && bad++ < 3)
            fprintf(stderr, "  %s: %s -> %s: %s\n", name, p[i].t->name, p[i].key,
                    !r ? "no such acids-rave key" : r->used ? "mapped twice" : "shape or dtype differs");
        if (r) r->used = 1;
    }
    int nb;
    const rv_rave_buffer *b = rv_rave_buffers(&nb);
    for (int i = 0; i < nb; i++) {
        ref_key *r = find(k, nk, b[i].key);
        float buf[64 * 64];
        int nd, shape[5];
        rv_rave_buffer_fill(&b[i], c.latent_size, buf, &nd, shape);
        CHECK(r && !r->used && same_shape(r, nd, shape));
        if (r) r->used = 1;
    }
    for (int i = 0; i < nk; i++)
        if (!k[i].used && !rv_rave_derived(k[i].key) && bad++ < 6)
            fprintf(stderr, "  %s: acids-rave key %s is neither mapped nor derived\n", name, k[i].key);
    CHECK(bad == 0);
    free(p);
    free(k);
    rv_model_free(&m);
}

// tiny: 40 generator + 44 discriminator tensors; v2: 112 + 112.
static void test_tiny(void) { check_config("tiny", 84); }
static void test_v2_wasserstein(void) { check_config("v2_wasserstein", 224); }

// A map that loses a tensor is an error naming it, not a silent gap.
static void test_unmapped_is_error(void) {
    rv_config c;
    rv_config_default(&c);
    CHECK(rv_config_load(&c, "train/configs/tiny.yaml") == 0);
    rv_model m;
    CHECK(rv_model_init(&m, &c) == 0);
    snprintf(m.P.t[3].name, RV_NAME_MAX, "encoder.1.conv9.weight_v");
    rv_rave_pair *p = NULL;
    int np = 0;
    CHECK(rv_rave_map(&m, &p, &np) == GD_ERR_FORMAT && !p && np == 0);
    rv_model_free(&m);
}

// The gin sizes come from the config: a change of capacity shows in CAPACITY.
static void test_gin_follows_config(void) {
    rv_config c;
    rv_config_default(&c);
    c.capacity = 24;
    c.n_periods = 1;
    c.d_periods[0] = 7;
    char gin[4096];
    CHECK(rv_rave_gin(&c, gin, sizeof gin) == 0);
    CHECK(strstr(gin, "\nCAPACITY = 24\n") != NULL);
    CHECK(strstr(gin, "periods = [7]\n") != NULL);
    CHECK(rv_rave_gin(&c, gin, 64) == GD_ERR_RANGE);
}

int main(void) {
    RUN(test_tiny);
    RUN(test_v2_wasserstein);
    RUN(test_unmapped_is_error);
    RUN(test_gin_follows_config);
    return TEST_REPORT();
}
