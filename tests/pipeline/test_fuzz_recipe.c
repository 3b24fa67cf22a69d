// test_fuzz_recipe.c: replays a deterministic corpus of damaged recipes and manifests
// (truncated at every byte, seeded character corruptions) through the strict loaders.
// Each load must succeed or fail with a GD_ERR_* code; never crash (checked under
// `make sanitize`). Also: the shipped recipes load.
#include "../test.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/rng.h"
#include "core/manifest.h"
#include "pipeline/recipe.h"

#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/gd_fuzz_recipe_XXXXXX";
static char path[300];

static void write_text(const char *t, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(t, 1, n, f);
    fclose(f);
}

static int load_recipe(void) {
    pl_recipe *r;
    int err = pl_recipe_load(&r, path);
    pl_recipe_free(r);
    return err;
}

static int load_manifest(void) {
    gd_manifest *m;
    int err = gd_manifest_load(&m, path);
    gd_manifest_free(m);
    return err;
}

static void fuzz_file(const char *src, int (*load)(void), int *bad, uint64_t stream) {
    char *text;
    size_t len;
    if (gd_read_file(src, &text, &len)) { (*bad)++; return; }
    if (len > 6000) len = 6000;   // the header and first entries are enough
    for (size_t n = 0; n < len; n += n < 200 ? 1 : 13) {
        write_text(text, n);
        int err = load();
        *bad += !(err == 0 || (err < 0 && err >= GD_ERR_INTERNAL));
    }
    char *buf = malloc(len + 1);
    gd_rng r;
    gd_rng_init(&r, 7, stream);
    static const char junk[] = ":-[]{}\"',#&*!|> \n\t9x";
    for (int trial = 0; trial < 300; trial++) {
        memcpy(buf, text, len);
        for (int k = 0; k < 3; k++) buf[gd_rng_below(&r, len)] = junk[gd_rng_below(&r, sizeof junk - 1)];
        write_text(buf, len);
        int err = load();
        *bad += !(err == 0 || (err < 0 && err >= GD_ERR_INTERNAL));
    }
    free(buf);
    free(text);
}

static void test_shipped_recipes_load(void) {
    const char *names[] = {"recipes/quickstart.yaml", "recipes/ablation.yaml", "recipes/expand.yaml"};
    for (int i = 0; i < 3; i++) {
        pl_recipe *r;
        CHECK(pl_recipe_load(&r, names[i]) == 0);
        pl_recipe_free(r);
    }
}

static void test_damaged_recipes(void) {
    int bad = 0;
    fuzz_file("recipes/ablation.yaml", load_recipe, &bad, 1);
    fuzz_file("recipes/quickstart.yaml", load_recipe, &bad, 2);
    CHECK(bad == 0);
}

static void test_damaged_manifest(void) {
    int bad = 0;
    fuzz_file("data_manifest.yaml", load_manifest, &bad, 3);
    CHECK(bad == 0);
}

int main(void) {
    if (getenv("GD_ROOT") && chdir(getenv("GD_ROOT"))) return 1;
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/r.yaml", dir);
    gd_log_set_level(GD_LOG_QUIET);
    RUN(test_shipped_recipes_load);
    RUN(test_damaged_recipes);
    RUN(test_damaged_manifest);
    remove(path);
    rmdir(dir);
    return TEST_REPORT();
}
