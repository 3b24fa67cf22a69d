// test_splits.c: the split rule of `data import` and scripts/gen_manifest.py
// (gd_assign_splits) and the default import grouping (pl_stroke_group).
#include "../test.h"
#include "core/manifest.h"
#include "pipeline/stroke_group.h"

#include <string.h>

static void test_stroke_group_table(void) {
    static const char *const table[][2] = {
        {"Snare_Hit_v3", "snare-hit"}, {"snare-hit-rr2", "snare-hit"},
        {"Snare Hit 127", "snare-hit"}, {"snare_hit_soft", "snare-hit"},
        {"SnareHit_L2", "snare-hit"}, {"SNARE HIT", "snare-hit"},
        {"snare_hit_vel_100_rr3", "snare-hit"}, {"Snare-Hit-Layer10", "snare-hit"},
        {"snare hit ff", "snare-hit"}, {"snare.hit.mp.02", "snare-hit"},
        {"SnareHit_Ghost", "snare-hit"}, {"snare_hit_velocity5", "snare-hit"},
        {"PearlSnare-Hardest", "pearl-snare"}, {"PearlSnare-Softest", "pearl-snare"},
        {"SabianHatOpen-Med", "sabian-hat-open"}, {"SabianHatOpen", "sabian-hat-open"},
        {"PearlTom1-Hard", "pearl-tom1"}, {"PearlTom2-Hard", "pearl-tom2"},
        {"Djembe1 Bass", "djembe1-bass"}, {"kick/hit_rr1", "kick-hit"},
        {"a/kompang_open_3", "a-kompang-open"}, {"127", "127"}, {"v3", "v3"},
        {"snare_flam", "snare-flam"}, {"snare_left", "snare-left"},
        {"hat_pedal_loud", "hat-pedal"}, {"ride_bell_medium_v2", "ride-bell"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char out[128];
        pl_stroke_group(table[i][0], out, sizeof out);
        if (strcmp(out, table[i][1])) {
            fprintf(stderr, "  '%s' -> '%s', want '%s'\n", table[i][0], out, table[i][1]);
            CHECK(0);
        }
    }
    char small[6];
    pl_stroke_group("snare_hit_v1", small, sizeof small);
    CHECK(!strcmp(small, "snare"));   // truncated, still terminated
}

// Every file of a group gets the group's split; counts follow the fractions of groups.
static void test_assign_by_group(void) {
    enum { GROUPS = 20, TAKES = 5 };
    char names[GROUPS][24];
    const char *groups[GROUPS * TAKES], *splits[GROUPS * TAKES];
    for (int g = 0; g < GROUPS; g++) snprintf(names[g], sizeof names[g], "stroke-%d", g);
    for (int i = 0; i < GROUPS * TAKES; i++) groups[i] = names[(i * 7) % GROUPS];
    CHECK(gd_assign_splits(groups, GROUPS * TAKES, 0, 0.3, 0.1, splits) == 0);
    int n_test = 0, n_valid = 0;
    for (int g = 0; g < GROUPS; g++) {
        const char *s = NULL;
        for (int i = 0; i < GROUPS * TAKES; i++) {
            if (groups[i] != names[g]) continue;
            if (!s) s = splits[i];
            CHECK(!strcmp(s, splits[i]));
        }
        n_test += !strcmp(s, "test");
        n_valid += !strcmp(s, "valid");
    }
    CHECK(n_test == 6);
    CHECK(n_valid == 2);
    // One file per group gives the same split per group: the rule ranks groups, not files.
    const char *one[GROUPS], *one_split[GROUPS];
    for (int g = 0; g < GROUPS; g++) one[g] = names[g];
    gd_assign_splits(one, GROUPS, 0, 0.3, 0.1, one_split);
    for (int i = 0; i < GROUPS * TAKES; i++)
        CHECK(!strcmp(splits[i], one_split[(i * 7) % GROUPS]));
}

// The C rule reproduces the shipped manifest, which scripts/gen_manifest.py wrote with test
// fraction 0.3 and valid 0.1 per kit: the two implementations agree.
static void test_agrees_with_gen_manifest(void) {
    gd_manifest *m;
    CHECK(gd_manifest_load(&m, "data_manifest.yaml") == 0);
    if (!m) return;
    const char **groups = calloc((size_t)m->n_entries, sizeof(char *));
    const char **splits = calloc((size_t)m->n_entries, sizeof(char *));
    int kits = 0, n_test = 0;
    for (int i = 0; i < m->n_entries; i++) {
        int first = 1;
        for (int j = 0; j < i && first; j++) first = strcmp(m->entries[j].kit, m->entries[i].kit) != 0;
        if (!first) continue;
        kits++;
        int n = 0, at[256];
        for (int j = 0; j < m->n_entries && n < 256; j++)
            if (!strcmp(m->entries[j].kit, m->entries[i].kit)) { at[n] = j; groups[n++] = m->entries[j].group; }
        gd_assign_splits(groups, n, 0, 0.3, 0.1, splits);
        for (int k = 0; k < n; k++) {
            if (strcmp(splits[k], m->entries[at[k]].split))
                fprintf(stderr, "  %s: manifest %s, C rule %s\n", m->entries[at[k]].id,
                        m->entries[at[k]].split, splits[k]);
            CHECK(!strcmp(splits[k], m->entries[at[k]].split));
        }
    }
    for (int i = 0; i < m->n_entries; i++) {   // distinct test groups
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = !strcmp(m->entries[j].group, m->entries[i].group);
        n_test += !seen && !strcmp(m->entries[i].split, "test");
    }
    CHECK(kits == 2);
    CHECK(n_test >= 15);
    free(groups);
    free(splits);
    gd_manifest_free(m);
}

int main(void) {
    RUN(test_stroke_group_table);
    RUN(test_assign_by_group);
    RUN(test_agrees_with_gen_manifest);
    return TEST_REPORT();
}
