// outdir.c: claiming and pruning output folders (see outdir.h).
#include "core/outdir.h" // defines: gd_outdir_*, gd_outlist_*
#include "core/error.h"  // defines: GD_ERR_*
#include "core/fileio.h" // defines: gd_path_join, gd_mkdir_p, gd_atomic_*
#include "core/log.h"    // defines: gd_error, gd_info

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const gd_corpus_files[] = {"metadata.csv", NULL};

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// Sorted copy of the pointers v[0..n) (strings not copied), for bsearch; NULL when n == 0.
static const char **sorted(const char *const *v, int n) {
    const char **s = malloc(sizeof *s * (size_t)(n ? n : 1));
    if (!s) return NULL;
    if (n) memcpy(s, v, sizeof *s * (size_t)n);
    qsort(s, (size_t)n, sizeof *s, cmp_str);
    return s;
}

static int in_sorted(const char **s, int n, const char *name) {
    return n > 0 && bsearch(&name, s, (size_t)n, sizeof *s, cmp_str) != NULL;
}

// Length of name without a ".tmp.<digits>.<digits>" suffix, or 0 when it has none.
static size_t tmp_base_len(const char *name) {
    for (const char *p = strstr(name, ".tmp."); p; p = strstr(p + 1, ".tmp.")) {
        const char *q = p + 5;
        int d1 = 0, d2 = 0;
        while (isdigit((unsigned char)*q)) { q++; d1++; }
        if (*q++ != '.') continue;
        while (isdigit((unsigned char)*q)) { q++; d2++; }
        if (d1 && d2 && *q == '\0') return (size_t)(p - name);
    }
    return 0;
}

int gd_is_tmp_name(const char *name) { return tmp_base_len(name) > 0; }

int gd_outdir_claim(const char *dir, const char *const *markers) {
    struct stat st;
    if (stat(dir, &st) != 0) return gd_mkdir_p(dir);
    if (!S_ISDIR(st.st_mode)) {
        gd_error("%s: exists and is not a folder", dir);
        return GD_ERR_ARG;
    }
    for (int i = 0; markers && markers[i]; i++) {
        char *p = gd_path_join(dir, markers[i]);
        int has = p && lstat(p, &st) == 0;
        free(p);
        if (has) return GD_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        gd_error("%s: cannot open folder: %s", dir, strerror(errno));
        return GD_ERR_IO;
    }
    const char *seen = NULL;
    for (struct dirent *e; !seen && (e = readdir(d));)
        if (e->d_name[0] != '.') seen = e->d_name;
    char first[256];
    snprintf(first, sizeof first, "%s", seen ? seen : "");
    closedir(d);
    if (!seen) return GD_OK;
    gd_error("%s: not empty (%s, ...) and not an earlier output (no %s); refusing to write there, "
             "since files it does not list would be removed: give a new or empty folder", dir,
             first, markers && markers[0] ? markers[0] : "marker");
    return GD_ERR_ARG;
}

// Removes the unkept visible files below root/rel (rel "" for root); empty visible
// sub-folders go too.
static int prune_walk(const char *root, const char *rel, const char **keep, int n_keep, int *n_removed) {
    char *dir = rel[0] ? gd_path_join(root, rel) : strdup(root);
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d) {
        gd_error("%s: cannot open folder: %s", dir ? dir : root, strerror(errno));
        free(dir);
        return GD_ERR_IO;
    }
    int rc = GD_OK;
    for (struct dirent *e; rc == GD_OK && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char *r = rel[0] ? gd_path_join(rel, e->d_name) : strdup(e->d_name);
        char *full = r ? gd_path_join(root, r) : NULL;
        struct stat st;
        if (!full) rc = GD_ERR_NOMEM;
        else if (lstat(full, &st) != 0) rc = GD_OK;   // gone meanwhile
        else if (S_ISDIR(st.st_mode)) {
            rc = prune_walk(root, r, keep, n_keep, n_removed);
            if (rc == GD_OK) rmdir(full);             // fails (and stays) unless empty
        } else if (!in_sorted(keep, n_keep, r)) {
            if (unlink(full) != 0 && errno != ENOENT) {
                gd_error("%s: cannot remove: %s", full, strerror(errno));
                rc = GD_ERR_IO;
            } else (*n_removed)++;
        }
        free(r);
        free(full);
    }
    closedir(d);
    free(dir);
    return rc;
}

int gd_outdir_prune(const char *dir, const char *const *keep, int n_keep, int *n_removed) {
    const char **s = sorted(keep, n_keep);
    int n = 0, rc = s ? prune_walk(dir, "", s, n_keep, &n) : GD_ERR_NOMEM;
    free(s);
    if (n_removed) *n_removed = n;
    return rc;
}

int gd_outdir_prune_meta(const char *dir, const gd_meta *m, const char *const *extra) {
    int n_extra = 0;
    while (extra && extra[n_extra]) n_extra++;
    const char **keep = malloc(sizeof *keep * (size_t)(m->n_rows + n_extra + 1));
    if (!keep) return GD_ERR_NOMEM;
    for (int i = 0; i < m->n_rows; i++) keep[i] = m->rows[i].file_name;
    for (int i = 0; i < n_extra; i++) keep[m->n_rows + i] = extra[i];
    int n = 0, rc = gd_outdir_prune(dir, keep, m->n_rows + n_extra, &n);
    free(keep);
    if (rc == GD_OK && n)
        gd_info("%s: removed %d file%s that metadata.csv does not list (earlier or interrupted runs)",
                dir, n, n == 1 ? "" : "s");
    return rc;
}

// ---------------------------------------------------------------------------- output lists
// The list file holds NUL-terminated names (any byte but NUL may be in a file name).

typedef struct { char *text; const char **v; int n; } name_list;

static int list_read(name_list *l, const char *path) {
    memset(l, 0, sizeof *l);
    size_t len = 0;
    if (access(path, F_OK) != 0) return GD_OK;
    int rc = gd_read_file(path, &l->text, &len);
    if (rc) return rc;
    l->v = malloc(sizeof *l->v * (len + 1));
    if (!l->v) return GD_ERR_NOMEM;
    for (size_t i = 0; i < len; i += strlen(l->text + i) + 1)
        if (l->text[i]) l->v[l->n++] = l->text + i;
    return GD_OK;
}

static void list_free(name_list *l) {
    free(l->text);
    free(l->v);
}

static int list_write(const char *path, const char *const *v, int n) {
    gd_atomic a;
    int rc = gd_atomic_open(&a, path, "wb");
    for (int i = 0; rc == GD_OK && i < n; i++) fwrite(v[i], 1, strlen(v[i]) + 1, a.f);
    return rc ? rc : gd_atomic_commit(&a);
}

static int remove_in(const char *dir, const char *name) {
    char *p = gd_path_join(dir, name);
    int rc = !p ? GD_ERR_NOMEM : unlink(p) == 0 || errno == ENOENT ? GD_OK : GD_ERR_IO;
    if (rc == GD_ERR_IO) gd_error("%s: cannot remove: %s", p, strerror(errno));
    free(p);
    return rc;
}

int gd_outlist_begin(const char *dir, const char *list, const char *const *names, int n) {
    char *lp = gd_path_join(dir, list);
    name_list old = {0};
    int rc = lp ? gd_mkdir_p(dir) : GD_ERR_NOMEM;
    if (!rc) rc = list_read(&old, lp);
    if (rc) { list_free(&old); free(lp); return rc; }
    const char **all = malloc(sizeof *all * (size_t)(old.n + n + 1));
    int n_all = 0;
    if (!all) rc = GD_ERR_NOMEM;
    for (int i = 0; !rc && i < old.n + n; i++) all[n_all++] = i < old.n ? old.v[i] : names[i - old.n];
    if (!rc) qsort(all, (size_t)n_all, sizeof *all, cmp_str);
    int u = 0;   // drop repeats
    for (int i = 0; !rc && i < n_all; i++) if (!u || strcmp(all[u - 1], all[i])) all[u++] = all[i];
    n_all = u;
    DIR *d = rc ? NULL : opendir(dir);
    for (struct dirent *e; d && !rc && (e = readdir(d));) {
        size_t b = tmp_base_len(e->d_name);
        if (!b) continue;
        char *base = strndup(e->d_name, b);
        if (base && in_sorted(all, n_all, base)) rc = remove_in(dir, e->d_name);
        free(base);
    }
    if (d) closedir(d);
    if (!rc) rc = list_write(lp, all, n_all);
    free(all);
    list_free(&old);
    free(lp);
    return rc;
}

int gd_outlist_finish(const char *dir, const char *list, const char *const *names, int n) {
    char *lp = gd_path_join(dir, list);
    name_list old = {0};
    int rc = lp ? list_read(&old, lp) : GD_ERR_NOMEM;
    if (rc) { list_free(&old); free(lp); return rc; }
    const char **now = sorted(names, n);
    if (!now) rc = GD_ERR_NOMEM;
    for (int i = 0; !rc && i < old.n; i++)
        if (!in_sorted(now, n, old.v[i])) rc = remove_in(dir, old.v[i]);
    if (!rc) rc = list_write(lp, now, n);
    free(now);
    list_free(&old);
    free(lp);
    return rc;
}
