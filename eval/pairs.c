// pairs.c: matching reference and estimate files (see pairs.h).
#include "eval/pairs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/audio.h"   // defines: gd_audio_is_audio_name
#include "core/csv.h"     // defines: gd_csv_read, gd_csv_col
#include "core/error.h"   // defines: GD_ERR_*
#include "core/fileio.h"  // defines: gd_is_dir, gd_path_join, gd_path_dirname, gd_path_exists

typedef struct { char **v; int n, cap; } strvec;

static int vec_push(strvec *s, char *x) {
    if (!x) return GD_ERR_NOMEM;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, sizeof(char *) * cap);
        if (!v) { free(x); return GD_ERR_NOMEM; }
        s->v = v; s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

static int walk(strvec *out, const char *root, const char *rel) {
    char *dir = rel[0] ? gd_path_join(root, rel) : strdup(root);
    if (!dir) return GD_ERR_NOMEM;
    DIR *d = opendir(dir);
    if (!d) { free(dir); return GD_ERR_IO; }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *r = rel[0] ? gd_path_join(rel, e->d_name) : strdup(e->d_name);
        char *full = gd_path_join(root, r ? r : "");
        struct stat st;
        if (!r || !full) rc = GD_ERR_NOMEM;
        else if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) rc = walk(out, root, r);
        else if (gd_audio_is_audio_name(r)) { rc = vec_push(out, r); r = NULL; }
        free(r); free(full);
    }
    closedir(d);
    free(dir);
    return rc;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int ev_list_audio(char ***names, const char *dir) {
    strvec v = {0};
    int rc = walk(&v, dir, "");
    if (rc) { for (int i = 0; i < v.n; i++) free(v.v[i]); free(v.v); return rc; }
    if (v.n) qsort(v.v, v.n, sizeof(char *), cmp_str);
    *names = v.v;
    return v.n;
}

static int ends_with_csv(const char *p) {
    size_t n = strlen(p);
    return n >= 4 && !strcasecmp(p + n - 4, ".csv");
}

// file_name column of a metadata.csv, sorted.
static int csv_names(strvec *out, const char *path, char *err, size_t err_len) {
    gd_csv *csv;
    if (gd_csv_read(&csv, path)) { snprintf(err, err_len, "%s: cannot read CSV", path); return GD_ERR_IO; }
    int col = gd_csv_col(csv, "file_name"), rc = 0;
    if (col < 0) { snprintf(err, err_len, "%s: no file_name column", path); rc = GD_ERR_FORMAT; }
    for (int r = 0; !rc && r < csv->n_rows; r++) rc = vec_push(out, strdup(gd_csv_get(csv, r, col)));
    gd_csv_free(csv);
    if (!rc && out->n) qsort(out->v, out->n, sizeof(char *), cmp_str);
    return rc;
}

void ev_items_free(ev_item *items, int n) {
    if (!items) return;
    for (int i = 0; i < n; i++) { free(items[i].clip); free(items[i].ref); free(items[i].est); free(items[i].group); }
    free(items);
}

typedef struct { const char *name, *group; } name_group;

static int cmp_name_group(const void *a, const void *b) {
    return strcmp(((const name_group *)a)->name, ((const name_group *)b)->name);
}

// Groups of the items from csv_path's file_name and group columns (none when it has no group
// column). Returns 0 or an error with a reason in err.
static int attach_groups(ev_item *it, int n, const char *csv_path, char *err, size_t err_len) {
    gd_csv *csv;
    if (gd_csv_read(&csv, csv_path)) { snprintf(err, err_len, "%s: cannot read CSV", csv_path); return GD_ERR_IO; }
    int cf = gd_csv_col(csv, "file_name"), cg = gd_csv_col(csv, "group"), rc = 0;
    name_group *rows = cf >= 0 && cg >= 0 ? malloc(sizeof(name_group) * (csv->n_rows + 1)) : NULL;
    if (cf >= 0 && cg >= 0 && !rows) rc = GD_ERR_NOMEM;
    if (rows) {
        for (int r = 0; r < csv->n_rows; r++) rows[r] = (name_group){gd_csv_get(csv, r, cf), gd_csv_get(csv, r, cg)};
        qsort(rows, csv->n_rows, sizeof(name_group), cmp_name_group);
        for (int i = 0; !rc && i < n; i++) {
            name_group key = {it[i].clip, NULL};
            const name_group *hit = bsearch(&key, rows, csv->n_rows, sizeof(name_group), cmp_name_group);
            if (hit && *hit->group && !(it[i].group = strdup(hit->group))) rc = GD_ERR_NOMEM;
        }
    }
    free(rows);
    gd_csv_free(csv);
    return rc;
}

static void vec_free(strvec *v) {
    for (int i = 0; i < v->n; i++) free(v->v[i]);
    free(v->v);
}

int ev_items_list(ev_item **out, int *n, const char *arg, char *err, size_t err_len) {
    *out = NULL; *n = 0;
    const int dir = gd_is_dir(arg);
    if (!dir && !ends_with_csv(arg)) { snprintf(err, err_len, "%s: not a folder or a metadata.csv", arg); return GD_ERR_FORMAT; }
    strvec a = {0};
    int rc = 0;
    if (dir) {
        int na = ev_list_audio(&a.v, arg);
        if (na < 0) { snprintf(err, err_len, "%s: cannot list folder", arg); rc = GD_ERR_IO; }
        a.n = na > 0 ? na : 0;
    } else {
        rc = csv_names(&a, arg, err, err_len);
    }
    if (!rc && a.n == 0) { snprintf(err, err_len, "%s: no audio files", arg); rc = GD_ERR_FORMAT; }
    char *root = dir ? strdup(arg) : gd_path_dirname(arg);
    ev_item *it = rc ? NULL : calloc(a.n, sizeof *it);
    if (!rc && (!it || !root)) rc = GD_ERR_NOMEM;
    for (int i = 0; !rc && i < a.n; i++) {
        it[i].clip = strdup(a.v[i]);
        it[i].ref = gd_path_join(root, a.v[i]);
        if (!it[i].clip || !it[i].ref) rc = GD_ERR_NOMEM;
    }
    char *meta = rc ? NULL : dir ? gd_path_join(arg, "metadata.csv") : strdup(arg);
    if (!rc && !meta) rc = GD_ERR_NOMEM;
    if (!rc && (!dir || gd_path_exists(meta))) rc = attach_groups(it, a.n, meta, err, err_len);
    if (rc) ev_items_free(it, a.n);
    else { *out = it; *n = a.n; }
    free(meta); free(root);
    vec_free(&a);
    return rc;
}

int ev_items_build(ev_item **out, int *n, const char *ref, const char *est, char *err,
                   size_t err_len) {
    *out = NULL; *n = 0;
    int dr = gd_is_dir(ref), de = gd_is_dir(est);
    int cr = !dr && ends_with_csv(ref), ce = !de && ends_with_csv(est);
    if (dr != de || cr != ce) {
        snprintf(err, err_len, "%s and %s: give two files, two folders or two metadata.csv files", ref, est);
        return GD_ERR_FORMAT;
    }
    if (!dr && !cr) {
        ev_item *it = calloc(1, sizeof *it);
        if (!it) return GD_ERR_NOMEM;
        it->clip = strdup(strrchr(ref, '/') ? strrchr(ref, '/') + 1 : ref);
        it->ref = strdup(ref); it->est = strdup(est);
        *out = it; *n = 1;
        return 0;
    }
    ev_item *a, *b;
    int na, nb, rc = ev_items_list(&a, &na, ref, err, err_len);
    if (rc) return rc;
    if ((rc = ev_items_list(&b, &nb, est, err, err_len))) {
        ev_items_free(a, na);
        return rc;
    }
    for (int i = 0, j = 0; !rc && (i < na || j < nb); i++, j++) {   // merge-compare the sorted lists
        int c = i < na && j < nb ? strcmp(a[i].clip, b[j].clip) : (i < na ? -1 : 1);
        if (c < 0) { snprintf(err, err_len, "%s: no estimate for it in %s", a[i].clip, est); rc = GD_ERR_FORMAT; }
        else if (c > 0) { snprintf(err, err_len, "%s: in %s but not in %s", b[j].clip, est, ref); rc = GD_ERR_FORMAT; }
        else { a[i].est = b[j].ref; b[j].ref = NULL; }
    }
    ev_items_free(b, nb);
    if (rc) ev_items_free(a, na);
    else { *out = a; *n = na; }
    return rc;
}
