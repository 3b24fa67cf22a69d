// test_outdir.c: output folders (core/outdir.h): temporary names, claiming, pruning what a
// list does not name (hidden state untouched, emptied folders removed), output lists that
// only ever remove their own names; and the audio extensions libsndfile reads.
#include "../test.h"
#include "core/audio.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/outdir.h"

#include <string.h>
#include <sys/stat.h>

static char dir[] = "/tmp/gd_test_outdir_XXXXXX";

static char *at(const char *rel) {
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, rel);
    return buf[k];
}

static void put(const char *rel) {
    char *p = at(rel), *d = gd_path_dirname(p);
    gd_mkdir_p(d);
    free(d);
    FILE *f = fopen(p, "w");
    if (f) { fputs("x", f); fclose(f); }
}

static void test_tmp_names(void) {
    CHECK(gd_is_tmp_name("a.wav.tmp.123.0"));
    CHECK(gd_is_tmp_name("metadata.csv.tmp.9.17"));
    CHECK(!gd_is_tmp_name("a.wav"));
    CHECK(!gd_is_tmp_name("a.tmp.wav"));
    CHECK(!gd_is_tmp_name("a.wav.tmp.123"));
    CHECK(!gd_is_tmp_name("a.wav.tmp.12x.0"));
    CHECK(!gd_is_tmp_name("a.wav.tmp..0"));
}

static void test_claim(void) {
    gd_log_set_level(GD_LOG_QUIET);
    CHECK(gd_outdir_claim(at("new/sub"), gd_corpus_files) == 0 && gd_is_dir(at("new/sub")));
    CHECK(gd_outdir_claim(at("new/sub"), gd_corpus_files) == 0);     // empty
    put("hidden_only/.state");
    CHECK(gd_outdir_claim(at("hidden_only"), gd_corpus_files) == 0);
    put("corpus/metadata.csv"); put("corpus/x.wav");
    CHECK(gd_outdir_claim(at("corpus"), gd_corpus_files) == 0);
    put("user/notes.txt");
    CHECK(gd_outdir_claim(at("user"), gd_corpus_files) == GD_ERR_ARG);
    put("afile");
    CHECK(gd_outdir_claim(at("afile"), gd_corpus_files) == GD_ERR_ARG);
    gd_log_set_level(GD_LOG_INFO);
}

static void test_prune(void) {
    put("p/metadata.csv"); put("p/train/a.wav"); put("p/train/b.wav"); put("p/old/c.wav");
    put("p/train/a.wav.tmp.1.0"); put("p/.journal/k1"); put("p/stray.txt");
    const char *keep[] = {"train/a.wav", "metadata.csv"};
    int n = -1;
    CHECK(gd_outdir_prune(at("p"), keep, 2, &n) == 0);
    CHECK(n == 4);
    CHECK(gd_path_exists(at("p/train/a.wav")) && gd_path_exists(at("p/metadata.csv")));
    CHECK(!gd_path_exists(at("p/train/b.wav")) && !gd_path_exists(at("p/stray.txt")));
    CHECK(!gd_path_exists(at("p/train/a.wav.tmp.1.0")));
    CHECK(!gd_path_exists(at("p/old")));                 // emptied folder removed
    CHECK(gd_path_exists(at("p/.journal/k1")));          // hidden state untouched
}

static void test_outlist(void) {
    put("o/mine.txt");
    const char *first[] = {"a.wav", "b.wav"}, *second[] = {"b.wav"};
    CHECK(gd_outlist_begin(at("o"), ".list", first, 2) == 0);
    put("o/a.wav"); put("o/b.wav");
    CHECK(gd_outlist_finish(at("o"), ".list", first, 2) == 0);
    put("o/a.wav.tmp.5.1"); put("o/mine.txt.tmp.5.2");
    CHECK(gd_outlist_begin(at("o"), ".list", second, 1) == 0);
    CHECK(!gd_path_exists(at("o/a.wav.tmp.5.1")));       // a listed name's temporary
    CHECK(gd_path_exists(at("o/mine.txt.tmp.5.2")));     // not ours
    put("o/b.wav");
    CHECK(gd_outlist_finish(at("o"), ".list", second, 1) == 0);
    CHECK(!gd_path_exists(at("o/a.wav")) && gd_path_exists(at("o/b.wav")));
    CHECK(gd_path_exists(at("o/mine.txt")));
    // An interrupted run (begin, no finish) still has its names listed for the next run.
    const char *third[] = {"c.wav"};
    CHECK(gd_outlist_begin(at("o"), ".list", third, 1) == 0);
    put("o/c.wav");
    CHECK(gd_outlist_finish(at("o"), ".list", second, 1) == 0);
    CHECK(!gd_path_exists(at("o/c.wav")) && gd_path_exists(at("o/b.wav")));
}

static void test_audio_names(void) {
    const char *yes[] = {"a.wav", "A.WAV", "d/x.flac", "x.aif", "x.aiff", "x.ogg", "x.caf", "x.w64", "x.au"};
    const char *no[] = {"metadata.csv", "x.txt", "wav", ".wav", "x.raw", "d.wav/x", "x.wav.tmp.1.0"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) CHECK(gd_audio_is_audio_name(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) CHECK(!gd_audio_is_audio_name(no[i]));
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    RUN(test_tmp_names);
    RUN(test_claim);
    RUN(test_prune);
    RUN(test_outlist);
    RUN(test_audio_names);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) ? 1 : TEST_REPORT();
}
