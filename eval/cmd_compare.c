// cmd_compare.c: `gendang-eval compare RUN_A RUN_B`: paired comparison of two runs on the same
// clips (eval-metrics.md §6.2-§6.4). Inputs are `pair --json` outputs (one object per clip;
// several files joined by commas are seeds, averaged per clip). Per metric: d_i = B - A
// (|B| - |A| for signed differences), mean/median, sign-flip permutation p (exact up to
// n = 20), percentile bootstrap CI (9999 resamples, seeded), Holm-adjusted p for the
// secondary metrics, win rate, and a verdict line.
#include "eval/cmds.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"     // defines: gd_die, gd_usage, gd_opt_*
#include "core/fileio.h"  // defines: gd_read_file, gd_is_dir, gd_path_join
#include "core/json.h"    // defines: gd_json_*
#include "core/rng.h"     // defines: gd_rng_*
#include "eval/jsonl.h"   // defines: ev_jobj_*
#include "eval/stats.h"   // defines: ev_signflip_p, ev_bootstrap_mean_ci, ev_holm
#include "eval/summary.h" // defines: ev_median_inplace

typedef struct {
    int     n;          // clips
    char  **clip;       // n, sorted
    double *v;          // (n, EVAL_N_METRICS), NAN = null
} run_table;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void table_free(run_table *t) {
    for (int i = 0; i < t->n; i++) free(t->clip[i]);
    free(t->clip); free(t->v);
    memset(t, 0, sizeof *t);
}

// Reads one JSONL file into t (rows sorted by clip).
static void read_one(run_table *t, const char *arg) {
    char *text, *dir_file = gd_is_dir(arg) ? gd_path_join(arg, "pairs.jsonl") : NULL;
    const char *path = dir_file ? dir_file : arg;
    size_t len;
    if (gd_read_file(path, &text, &len)) gd_die("%s: cannot read", path);
    int cap = 64, line_no = 0;
    memset(t, 0, sizeof *t);
    char **clips = malloc(sizeof(char *) * cap);
    double *v = malloc(sizeof(double) * cap * EVAL_N_METRICS);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        line_no++;
        if (!*line || *line == '\r') continue;
        ev_jobj o;
        if (ev_jobj_parse(&o, line)) gd_die("%s:%d: not a JSON object", path, line_no);
        const ev_jmember *c = ev_jobj_get(&o, "clip");
        if (!c) c = ev_jobj_get(&o, "ref");
        if (!c || !c->str) { ev_jobj_free(&o); continue; }   // summary line
        if (t->n == cap) {
            cap *= 2;
            clips = realloc(clips, sizeof(char *) * cap);
            v = realloc(v, sizeof(double) * cap * EVAL_N_METRICS);
            if (!clips || !v) gd_die("out of memory");
        }
        clips[t->n] = strdup(c->str);
        for (int m = 0; m < EVAL_N_METRICS; m++) {
            const ev_jmember *x = ev_jobj_get(&o, eval_metric_key(m));
            v[t->n * EVAL_N_METRICS + m] = x && !x->is_null && !x->str ? x->num : NAN;
        }
        t->n++;
        ev_jobj_free(&o);
    }
    free(text);
    if (t->n == 0) gd_die("%s: no per-clip results (expected `gendang-eval pair --json` output)", path);
    // sort rows by clip name (index sort)
    int *idx = malloc(sizeof(int) * t->n);
    for (int i = 0; i < t->n; i++) idx[i] = i;
    for (int a = 1; a < t->n; a++)
        for (int b = a; b > 0 && strcmp(clips[idx[b]], clips[idx[b - 1]]) < 0; b--) { int s = idx[b]; idx[b] = idx[b - 1]; idx[b - 1] = s; }
    t->clip = malloc(sizeof(char *) * t->n);
    t->v = malloc(sizeof(double) * t->n * EVAL_N_METRICS);
    for (int i = 0; i < t->n; i++) {
        t->clip[i] = clips[idx[i]];
        memcpy(t->v + i * EVAL_N_METRICS, v + idx[i] * EVAL_N_METRICS, sizeof(double) * EVAL_N_METRICS);
        if (i && !strcmp(t->clip[i], t->clip[i - 1])) gd_die("%s: clip %s appears twice", path, t->clip[i]);
    }
    free(idx); free(clips); free(v);
    free(dir_file);
}

static void check_same(const run_table *a, const run_table *b, const char *pa, const char *pb) {
    int i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i < a->n && j < b->n ? strcmp(a->clip[i], b->clip[j]) : (i < a->n ? -1 : 1);
        if (c < 0) gd_die("clip %s is in %s but not in %s", a->clip[i], pa, pb);
        if (c > 0) gd_die("clip %s is in %s but not in %s", b->clip[j], pb, pa);
        i++; j++;
    }
}

// Reads comma-separated seed files and averages them per clip.
static void read_run(run_table *t, const char *spec) {
    char *dup = strdup(spec), *save = NULL;
    int k = 0;
    for (char *p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save), k++) {
        run_table r;
        read_one(&r, p);
        if (k == 0) { *t = r; continue; }
        check_same(t, &r, spec, p);
        for (int i = 0; i < t->n * EVAL_N_METRICS; i++) t->v[i] += r.v[i];   // NAN stays NAN
        table_free(&r);
    }
    for (int i = 0; i < t->n * EVAL_N_METRICS; i++) t->v[i] /= k;
    free(dup);
    (void)cmp_str;
}

typedef struct {
    int    m, n;
    double mean_a, mean_b, mean_d, median_d, lo, hi, p, p_adj, win, p_wilcoxon, d_z;
} cmp_row;

static void usage(void) {
    printf("Usage: gendang-eval compare [OPTIONS] RUN_A RUN_B\n"
           "Paired comparison of two runs evaluated on the same clips. RUN_A and RUN_B are\n"
           "`gendang-eval pair --json` outputs (or report folders holding pairs.jsonl); several\n"
           "joined by commas are seeds and are\n"
           "averaged per clip. Differences are B - A (|B| - |A| for signed level differences).\n\n"
           "  --primary KEY     pre-registered primary metric (default rave_mss); the others\n"
           "                    are secondary and judged on Holm-adjusted p-values\n"
           "  --resamples N     bootstrap and random sign-flip resamples (default 9999)\n"
           "  --seed N          RNG seed for the resampling (default 0)\n"
           "  --alpha A         significance level (default 0.05)\n"
           "  --json            one JSON object per metric instead of text\n"
           "  -h, --help        this help\n\n"
           "The sign-flip test is exact (all 2^n patterns) for n <= 20 clips. With n = 5 the\n"
           "smallest possible p is 0.0625. Exit status: 0 ok, 1 bad or mismatched inputs, 2 usage.\n");
}

static void verdict(char *buf, size_t len, const cmp_row *r, double alpha, int primary) {
    int better = eval_metric_better(r->m);
    const char *dir = better == 1 ? "higher is better" : better == -2 ? "smaller magnitude is better" : "lower is better";
    double p = primary ? r->p : r->p_adj;
    int sig = isfinite(p) && p < alpha && isfinite(r->lo) && (r->lo > 0 || r->hi < 0);
    int b_better = better == 1 ? r->mean_d > 0 : r->mean_d < 0;
    char stats[256];
    snprintf(stats, sizeof stats, "mean diff B-A %+.4g, 95%% CI [%.4g, %.4g], p = %.4g%s, Wilcoxon p = %.4g, "
             "d_z = %.2f, B better on %.0f%% of %d clips",
             r->mean_d, r->lo, r->hi, p, primary ? "" : " (Holm)", r->p_wilcoxon, r->d_z, 100 * r->win, r->n);
    if (r->n == 0) snprintf(buf, len, "%s: no clips with values in both runs", eval_metric_key(r->m));
    else if (sig)
        snprintf(buf, len, "%s: %s better by %.4g (%s; %s)%s", eval_metric_key(r->m), b_better ? "B" : "A",
                 fabs(r->mean_d), dir, stats, r->n < 15 ? " [n < 15: interval may under-cover]" : "");
    else
        snprintf(buf, len, "%s: no evidence either way (%s; %s)%s", eval_metric_key(r->m), dir, stats,
                 r->n < 15 ? " [n < 15]" : "");
}

int eval_cmd_compare(int argc, char **argv) {
    static const struct option lo[] = {
        {"primary", required_argument, 0, 'P'}, {"resamples", required_argument, 0, 'B'},
        {"seed", required_argument, 0, 's'}, {"alpha", required_argument, 0, 'a'},
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *primary = "rave_mss";
    int resamples = 9999, json = 0, c;
    uint64_t seed = 0;
    double alpha = 0.05;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'P': primary = optarg; break;
        case 'B': resamples = (int)gd_opt_int("--resamples", optarg, 1, 10000000); break;
        case 's': seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'a': alpha = gd_opt_double("--alpha", optarg, 1e-9, 0.5); break;
        case 'j': json = 1; break;
        case 'h': usage(); return 0;
        default: gd_usage("compare: unknown option");
        }
    }
    if (argc - optind != 2) gd_usage("compare: need RUN_A and RUN_B");
    int pm = eval_metric_find(primary);
    if (pm < 0 || eval_metric_better(pm) == 0) gd_usage("--primary: '%s' is not a comparable metric", primary);
    const char *pa = argv[optind], *pb = argv[optind + 1];
    run_table A, B;
    read_run(&A, pa);
    read_run(&B, pb);
    check_same(&A, &B, pa, pb);
    const int n = A.n;
    cmp_row rows[EVAL_N_METRICS];
    int nr = 0;
    double *d = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * n);
    for (int m = 0; m < EVAL_N_METRICS; m++) {
        int better = eval_metric_better(m);
        if (better == 0) continue;
        cmp_row r = {m, 0, 0, 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
        int wins = 0;
        for (int i = 0; i < n; i++) {
            double a = A.v[i * EVAL_N_METRICS + m], b = B.v[i * EVAL_N_METRICS + m];
            if (!isfinite(a) || !isfinite(b)) continue;
            if (better == -2) { a = fabs(a); b = fabs(b); }
            d[r.n] = b - a;
            r.mean_a += a; r.mean_b += b; r.mean_d += b - a;
            wins += better == 1 ? b > a : b < a;
            r.n++;
        }
        if (r.n > 0) {
            r.mean_a /= r.n; r.mean_b /= r.n; r.mean_d /= r.n;
            r.win = (double)wins / r.n;
            memcpy(tmp, d, sizeof(double) * r.n);
            r.median_d = ev_median_inplace(tmp, r.n);
            gd_rng g;
            gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-perm", eval_metric_key(m)));
            r.p = ev_signflip_p(d, r.n, 20, resamples, &g);
            gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-wilcoxon", eval_metric_key(m)));
            r.p_wilcoxon = ev_wilcoxon_p(d, r.n, 20, resamples, &g);
            double ss = 0;
            for (int i = 0; i < r.n; i++) ss += (d[i] - r.mean_d) * (d[i] - r.mean_d);
            if (r.n > 1 && ss > 0) r.d_z = r.mean_d / sqrt(ss / (r.n - 1));
            gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-boot", eval_metric_key(m)));
            if (ev_bootstrap_mean_ci(d, r.n, resamples, 0.95, &g, &r.lo, &r.hi)) gd_die("out of memory");
        } else {
            r.mean_a = r.mean_b = r.mean_d = NAN;
        }
        rows[nr++] = r;
    }
    // Holm over the secondary metrics
    double p[EVAL_N_METRICS], adj[EVAL_N_METRICS];
    for (int k = 0; k < nr; k++) p[k] = rows[k].m == pm ? NAN : rows[k].p;
    ev_holm(adj, p, nr);
    for (int k = 0; k < nr; k++) rows[k].p_adj = rows[k].m == pm ? rows[k].p : adj[k];
    char line[640];
    if (!json) {
        printf("compare: A = %s, B = %s: %d clips; sign-flip test (%s), percentile bootstrap "
               "(%d resamples, seed %llu); primary metric %s, others Holm-adjusted\n",
               pa, pb, n, n <= 20 ? "exact" : "random flips", resamples, (unsigned long long)seed, primary);
        for (int k = 0; k < nr; k++) if (rows[k].m == pm) { verdict(line, sizeof line, &rows[k], alpha, 1); printf("PRIMARY %s\n", line); }
        for (int k = 0; k < nr; k++) if (rows[k].m != pm) { verdict(line, sizeof line, &rows[k], alpha, 0); printf("%s\n", line); }
    } else {
        for (int k = 0; k < nr; k++) {
            const cmp_row *r = &rows[k];
            gd_json j;
            gd_json_init(&j, stdout);
            gd_json_begin_object(&j);
            gd_json_key(&j, "metric"); gd_json_string(&j, eval_metric_key(r->m));
            gd_json_key(&j, "primary"); gd_json_bool(&j, r->m == pm);
            gd_json_key(&j, "n"); gd_json_int(&j, r->n);
            gd_json_key(&j, "mean_a"); gd_json_number(&j, r->mean_a);
            gd_json_key(&j, "mean_b"); gd_json_number(&j, r->mean_b);
            gd_json_key(&j, "mean_diff"); gd_json_number(&j, r->mean_d);
            gd_json_key(&j, "median_diff"); gd_json_number(&j, r->median_d);
            gd_json_key(&j, "ci95_lo"); gd_json_number(&j, r->lo);
            gd_json_key(&j, "ci95_hi"); gd_json_number(&j, r->hi);
            gd_json_key(&j, "p"); gd_json_number(&j, r->p);
            gd_json_key(&j, "p_holm"); gd_json_number(&j, r->p_adj);
            gd_json_key(&j, "p_wilcoxon"); gd_json_number(&j, r->p_wilcoxon);
            gd_json_key(&j, "d_z"); gd_json_number(&j, r->d_z);
            gd_json_key(&j, "win_rate_b"); gd_json_number(&j, r->win);
            gd_json_key(&j, "resamples"); gd_json_int(&j, resamples);
            gd_json_key(&j, "seed"); gd_json_int(&j, (int64_t)seed);
            verdict(line, sizeof line, r, alpha, r->m == pm);
            gd_json_key(&j, "verdict"); gd_json_string(&j, line);
            gd_json_end_object(&j);
            fputc('\n', stdout);
        }
    }
    free(d); free(tmp);
    table_free(&A); table_free(&B);
    return 0;
}
