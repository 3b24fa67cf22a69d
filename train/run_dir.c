// run_dir.c: see run_dir.h.
#include "train/run_dir.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "train/checkpoint.h"

// The step of a "ckpt_<digits>.safetensors" name, else -1.
static long name_step(const char *name) {
    if (strncmp(name, "ckpt_", 5)) return -1;
    char *e;
    errno = 0;
    long s = strtol(name + 5, &e, 10);
    if (e == name + 5 || name[5] < '0' || name[5] > '9' || errno || strcmp(e, ".safetensors")) return -1;
    return s;
}

static int newest_first(const void *a, const void *b) {
    const rv_run_ckpt *x = a, *y = b;
    if (x->step != y->step) return x->step < y->step ? 1 : -1;
    int mx = !strcmp(gd_path_basename(x->path), RV_RUN_MODEL), my = !strcmp(gd_path_basename(y->path), RV_RUN_MODEL);
    return my - mx;
}

// Lists dir: the ckpt_ files (model = 0) or model.safetensors as well (model = 1).
static int list(const char *dir, int model, rv_run_ckpt **out, int *n) {
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : GD_ERR_IO;
    struct dirent *e;
    int cap = 0;
    while ((e = readdir(d))) {
        long step = name_step(e->d_name);
        int is_model = model && !strcmp(e->d_name, RV_RUN_MODEL);
        if (step < 0 && !is_model) continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            rv_run_ckpt *t = realloc(*out, sizeof(**out) * cap);
            if (!t) { closedir(d); return GD_ERR_NOMEM; }
            *out = t;
        }
        rv_run_ckpt *c = &(*out)[(*n)++];
        c->path = gd_path_join(dir, e->d_name);
        c->step = step;
        rv_ckpt_meta meta;
        if (is_model) c->step = rv_ckpt_peek(c->path, &meta) ? -1 : meta.step;
    }
    closedir(d);
    if (*n > 1) qsort(*out, *n, sizeof(**out), newest_first);   // *out is NULL when empty
    return 0;
}

int rv_run_ckpts(const char *dir, rv_run_ckpt **out, int *n) { return list(dir, 1, out, n); }

void rv_run_ckpts_free(rv_run_ckpt *c, int n) {
    for (int i = 0; i < n; i++) free(c[i].path);
    free(c);
}

char *rv_run_ckpt_path(const char *dir, long step) {
    char name[64];
    snprintf(name, sizeof(name), "ckpt_%ld.safetensors", step);
    return gd_path_join(dir, name);
}

void rv_run_prune(const char *dir, long done, int keep, long keep_step) {
    rv_run_ckpt *c;
    int n;
    if (list(dir, 0, &c, &n)) return;
    int kept = 0;
    for (int i = 0; i < n; i++) {
        if (c[i].step > done || c[i].step == keep_step) continue;
        if (kept < keep) { kept++; continue; }
        if (remove(c[i].path)) gd_warn("%s: cannot remove (%s)", c[i].path, strerror(errno));
    }
    rv_run_ckpts_free(c, n);
}

// A temporary file of core/fileio.h ("NAME.tmp.<pid>.<n>") for one of the run's files, left
// by a writer that is gone: returns 1.
static int stale_tmp(const char *name) {
    const char *t = strstr(name, ".tmp.");
    if (!t) return 0;
    size_t base = (size_t)(t - name);
    char own[256];
    if (base >= sizeof(own)) return 0;
    memcpy(own, name, base);
    own[base] = 0;
    if (name_step(own) < 0 && strcmp(own, RV_RUN_MODEL) && strcmp(own, "log.csv") &&
        strcmp(own, "config.yaml"))
        return 0;
    char *e;
    long pid = strtol(t + 5, &e, 10);
    if (e == t + 5 || *e != '.' || pid <= 0) return 0;
    return kill((pid_t)pid, 0) && errno == ESRCH;
}

int rv_run_remove_stale_tmp(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!stale_tmp(e->d_name)) continue;
        char *p = gd_path_join(dir, e->d_name);
        if (!remove(p)) removed++;
        free(p);
    }
    closedir(d);
    return removed;
}

int rv_run_clear(const char *dir) {
    rv_run_ckpt *c;
    int n, removed = 0;
    if (list(dir, 1, &c, &n)) return 0;
    for (int i = 0; i < n; i++) {
        if (!remove(c[i].path)) removed++;
        else gd_warn("%s: cannot remove (%s)", c[i].path, strerror(errno));
    }
    rv_run_ckpts_free(c, n);
    return removed;
}

static int commas(const char *a, const char *b) {
    int n = 0;
    for (; a < b; a++) n += *a == ',';
    return n;
}

int rv_run_trim_log(const char *path, const char *header, long keep) {
    char *text = NULL;
    size_t len = 0;
    if (gd_path_exists(path) && gd_read_file(path, &text, &len)) {
        gd_error("%s: cannot read", path);
        return GD_ERR_IO;
    }
    gd_atomic a;
    int rc = gd_atomic_open(&a, path, "w");
    if (rc) { free(text); return rc; }
    fputs(header, a.f);
    size_t hl = strlen(header);
    if (text && len >= hl && !memcmp(text, header, hl)) {
        long last = -1;
        int fields = commas(header, header + hl);
        for (const char *line = text + hl, *end = text + len, *nl; line < end; line = nl + 1) {
            nl = memchr(line, '\n', (size_t)(end - line));
            if (!nl) break;   // torn last line
            char *e;
            long step = strtol(line, &e, 10);
            if (e == line || *e != ',' || commas(line, nl + 1) != fields || step <= last || step >= keep)
                continue;
            fwrite(line, 1, (size_t)(nl + 1 - line), a.f);
            last = step;
        }
    } else if (text && len) {
        gd_warn("%s: not this trainer's log (other header); started anew", path);
    }
    free(text);
    return gd_atomic_commit(&a);
}
