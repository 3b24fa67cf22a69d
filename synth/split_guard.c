// split_guard.c: split lookup by real path in a loaded manifest (see split_guard.h).
#include "synth/split_guard.h" // defines: syn_manifest_split

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *syn_manifest_split(const gd_manifest *m, const char *hit_path) {
    char want[PATH_MAX], got[PATH_MAX];
    if (!realpath(hit_path, want)) snprintf(want, sizeof want, "%s", hit_path);
    for (int i = 0; i < m->n_entries; i++)
        if (realpath(m->entries[i].full_path, got) && !strcmp(got, want)) return m->entries[i].split;
    return NULL;
}
