// runs.c: reading an arm's `pair --json` outputs, one file per seed (see runs.h).
#include "eval/runs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"     // defines: gd_die
#include "core/fileio.h"  // defines: gd_read_file, gd_is_dir, gd_path_join
#include "eval/jsonl.h"   // defines: ev_jobj_*

typedef struct {
    char  *clip, *group;
    double v[EV_N_ALL_METRICS];
    unsigned char present[EV_N_ALL_METRICS];   // the key was in the record (null included)
} row;

static int cmp_row(const void *x, const void *y) { return strcmp(((const row *)x)->clip, ((const row *)y)->clip); }

// Rows of one JSONL file, sorted by clip; returns the count.
static int read_one(row **out, const char *arg) {
    char *text, *dir_file = gd_is_dir(arg) ? gd_path_join(arg, "pairs.jsonl") : NULL;
    const char *path = dir_file ? dir_file : arg;
    size_t len;
    if (gd_read_file(path, &text, &len)) gd_die("%s: cannot read", path);
    int cap = 64, n = 0, line_no = 0;
    row *rows = malloc(sizeof(row) * cap);
    if (!rows) gd_die("out of memory");
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        if (!*line || *line == '\r') continue;
        ev_jobj o;
        if (ev_jobj_parse(&o, line)) gd_die("%s:%d: not a JSON object", path, line_no);
        const ev_jmember *c = ev_jobj_get(&o, "clip");
        if (!c) c = ev_jobj_get(&o, "ref");
        if (!c || !c->str) { ev_jobj_free(&o); continue; }   // summary line
        if (n == cap && !(rows = realloc(rows, sizeof(row) * (cap *= 2)))) gd_die("out of memory");
        const ev_jmember *g = ev_jobj_get(&o, "group");
        rows[n].clip = strdup(c->str);
        rows[n].group = g && g->str && *g->str ? strdup(g->str) : NULL;
        for (int m = 0; m < EV_N_ALL_METRICS; m++) {
            const ev_jmember *x = ev_jobj_get(&o, ev_metric_key(m));
            rows[n].v[m] = x && !x->is_null && !x->str ? x->num : NAN;
            rows[n].present[m] = x != NULL;
        }
        n++;
        ev_jobj_free(&o);
    }
    free(text);
    if (n == 0) gd_die("%s: no per-clip results (expected `gendang-eval pair --json` output)", path);
    qsort(rows, n, sizeof(row), cmp_row);
    for (int i = 1; i < n; i++)
        if (!strcmp(rows[i].clip, rows[i - 1].clip)) gd_die("%s: clip %s appears twice", path, rows[i].clip);
    free(dir_file);
    *out = rows;
    return n;
}

// Dies on the first clip that is in one sorted list only.
static void same_clips(char *const *a, int na, char *const *b, int nb, const char *pa, const char *pb) {
    for (int i = 0, j = 0; i < na || j < nb; i++, j++) {
        int c = i < na && j < nb ? strcmp(a[i], b[j]) : (i < na ? -1 : 1);
        if (c < 0) gd_die("clip %s is in %s but not in %s", a[i], pa, pb);
        if (c > 0) gd_die("clip %s is in %s but not in %s", b[j], pb, pa);
    }
}

// Sets *g to group when it has none; dies when both are set and differ.
static void merge_group(char **g, const char *group, const char *clip, const char *pa, const char *pb) {
    if (!group) return;
    if (!*g) { if (!(*g = strdup(group))) gd_die("out of memory"); return; }
    if (strcmp(*g, group)) gd_die("clip %s: group %s in %s but %s in %s", clip, *g, pa, group, pb);
}

void ev_run_read(ev_run *r, const char *spec) {
    memset(r, 0, sizeof *r);
    char *dup = strdup(spec), *save = NULL, *first = NULL;
    int cap = 0;
    for (char *p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        row *rows;
        int n = read_one(&rows, p);
        if (r->n_seeds == 0) {
            r->n = n;
            r->clip = malloc(sizeof(char *) * n);
            r->group = calloc(n, sizeof(char *));
            if (!r->clip || !r->group) gd_die("out of memory");
            for (int i = 0; i < n; i++) r->clip[i] = rows[i].clip;
            first = p;
        } else {
            char **names = malloc(sizeof(char *) * n);
            if (!names) gd_die("out of memory");
            for (int i = 0; i < n; i++) names[i] = rows[i].clip;
            same_clips(r->clip, r->n, names, n, first, p);
            for (int i = 0; i < n; i++) free(rows[i].clip);
            free(names);
        }
        if (r->n_seeds == cap && !(r->v = realloc(r->v, sizeof(double) * (cap = cap ? 2 * cap : 4) * r->n * EV_N_ALL_METRICS)))
            gd_die("out of memory");
        for (int i = 0; i < n; i++) {
            memcpy(r->v + ((int64_t)r->n_seeds * n + i) * EV_N_ALL_METRICS, rows[i].v, sizeof rows[i].v);
            for (int m = 0; m < EV_N_ALL_METRICS; m++) r->present[m] |= rows[i].present[m];
            merge_group(&r->group[i], rows[i].group, r->clip[i], first, p);
            free(rows[i].group);
        }
        free(rows);
        r->n_seeds++;
    }
    if (r->n_seeds == 0) gd_die("'%s': no pairs file given", spec);
    free(dup);
}

void ev_run_free(ev_run *r) {
    for (int i = 0; i < r->n; i++) { free(r->clip[i]); free(r->group[i]); }
    free(r->clip); free(r->group); free(r->v);
    memset(r, 0, sizeof *r);
}

void ev_run_match(ev_run *a, ev_run *b, const char *name_a, const char *name_b) {
    same_clips(a->clip, a->n, b->clip, b->n, name_a, name_b);
    for (int i = 0; i < a->n; i++) {
        merge_group(&a->group[i], b->group[i], a->clip[i], name_a, name_b);
        merge_group(&b->group[i], a->group[i], a->clip[i], name_b, name_a);
    }
}

int ev_run_units(const ev_run *r, int *unit) {
    int any = 0, n_units = 0;
    for (int i = 0; i < r->n; i++) any |= r->group[i] != NULL;
    if (!any) return 0;
    for (int i = 0; i < r->n; i++) {
        unit[i] = -1;
        if (r->group[i])   // a clip of a group seen before joins its unit
            for (int j = 0; j < i && unit[i] < 0; j++)
                if (r->group[j] && !strcmp(r->group[j], r->group[i])) unit[i] = unit[j];
        if (unit[i] < 0) unit[i] = n_units++;
    }
    return n_units;
}

double ev_run_oriented(const ev_run *r, int s, int i, int m) {
    double x = ev_run_value(r, s, i, m);
    return ev_metric_better(m) == -2 ? fabs(x) : x;
}

int ev_run_all_finite(const ev_run *r, int i, int m) {
    for (int s = 0; s < r->n_seeds; s++) if (!isfinite(ev_run_value(r, s, i, m))) return 0;
    return 1;
}

double ev_run_clip_mean(const ev_run *r, int i, int m) {
    double t = 0;
    for (int s = 0; s < r->n_seeds; s++) t += ev_run_oriented(r, s, i, m);
    return t / r->n_seeds;
}

int ev_run_summary(const ev_run *r, int m, const unsigned char *use, double *mean, double *seed_sd) {
    int n = 0;
    double total = 0, *per_seed = calloc(r->n_seeds, sizeof(double));
    if (!per_seed) gd_die("out of memory");
    for (int i = 0; i < r->n; i++) {
        if ((use && !use[i]) || !ev_run_all_finite(r, i, m)) continue;
        total += ev_run_clip_mean(r, i, m);
        for (int s = 0; s < r->n_seeds; s++) per_seed[s] += ev_run_oriented(r, s, i, m);
        n++;
    }
    *mean = *seed_sd = NAN;
    if (n > 0) {
        *mean = total / n;
        if (r->n_seeds > 1) {
            double mu = 0, ss = 0;
            for (int s = 0; s < r->n_seeds; s++) mu += per_seed[s] / n / r->n_seeds;
            for (int s = 0; s < r->n_seeds; s++) ss += (per_seed[s] / n - mu) * (per_seed[s] / n - mu);
            *seed_sd = sqrt(ss / (r->n_seeds - 1));
            if (*seed_sd <= 1e-12 * fabs(mu)) *seed_sd = 0;   // summation rounding of equal seeds
        }
    }
    free(per_seed);
    return n;
}
