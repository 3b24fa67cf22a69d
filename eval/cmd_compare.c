// cmd_compare.c: `gendang-eval compare RUN_A RUN_B`: two training recipes (arms) evaluated
// on the same clips, each with one or more seeds (comma-joined `pair --json` outputs).
// Per metric (twolevel.h): the paired clip test on per-clip seed means (sign-flip, bootstrap
// CI, Holm for the secondary metrics), the between-seed Welch test and the two-level
// bootstrap interval; a verdict needs all three (eval/README.md, "compare"). --baseline adds
// a trivial model's pairs (nearest training hit): an arm whose mean primary metric is worse
// gets no verdict unless --force.
#include "eval/cmds.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"       // defines: gd_die, gd_usage, gd_opt_*
#include "core/json.h"      // defines: gd_json_*
#include "eval/runs.h"      // defines: ev_run_*
#include "eval/stats.h"     // defines: ev_holm
#include "eval/twolevel.h"  // defines: ev_cmp_*

typedef struct {
    int          m;
    ev_cmp_stats s;
    int          n_base;      // clips with a baseline value too
    double       mean_base;   // baseline's mean on them (oriented), NAN without one
    double       mean_a_b, mean_b_b;   // the arms' means on those clips
} cmp_row;

static void usage(void) {
    printf("Usage: gendang-eval compare [OPTIONS] RUN_A RUN_B\n"
           "Compares two training recipes (arms) evaluated on the same clips. RUN_A and RUN_B are\n"
           "`gendang-eval pair --json` outputs (or report folders holding pairs.jsonl); several\n"
           "joined by commas are seeds (one trained model each). Differences are B - A\n"
           "(|B| - |A| for signed level differences). Per metric: the paired clip test on the\n"
           "per-clip means over seeds (sign-flip p, bootstrap CI; clips of one \"group\" move\n"
           "together), the between-seed Welch t test on the per-seed clip means, and a two-level\n"
           "bootstrap CI (clips and seeds resampled). A verdict (\"B better\"/\"A better\") needs\n"
           "all three; otherwise \"no evidence either way\", naming what failed.\n\n"
           "  --primary KEY         pre-registered primary metric (default rave_mss); the others\n"
           "                        are secondary and judged on Holm-adjusted p-values\n"
           "  --baseline FILE       pairs of a trivial model on the same clips (e.g. `eval nearest`'s\n"
           "                        pairs.jsonl): an arm whose mean primary metric is worse gets\n"
           "                        \"no verdict: model below baseline (nearest training hit)\"\n"
           "  --force               give verdicts even below the baseline (marked)\n"
           "  --allow-single-seed   judge on the clip test alone when an arm has one seed (the\n"
           "                        seed spread is then unmeasured; without this, no verdict)\n"
           "  --resamples N         bootstrap and random sign-flip resamples (default 9999)\n"
           "  --seed N              RNG seed for the resampling (default 0)\n"
           "  --alpha A             significance level (default 0.05)\n"
           "  --json                one JSON object per metric instead of text\n"
           "  -h, --help            this help\n\n"
           "The sign-flip test is exact (all 2^n patterns) for n <= 20 clips or groups; with 5 the\n"
           "smallest possible p is 0.0625. With 3 seeds per arm the Welch test has 2 to 4 degrees\n"
           "of freedom. Exit status: 0 ok (also when a verdict is refused), 1 bad or mismatched\n"
           "inputs, 2 usage.\n");
}

// Statistics of metric m over the clips with values in every seed of both arms.
static void compute_row(cmp_row *row, int m, const ev_run *A, const ev_run *B, const ev_run *base,
                        const int *unit, int resamples, uint64_t seed) {
    const int n = A->n, Sa = A->n_seeds, Sb = B->n_seeds;
    double *a = malloc(sizeof(double) * Sa * n), *b = malloc(sizeof(double) * Sb * n);
    int *idx = malloc(sizeof(int) * n), *u = malloc(sizeof(int) * n), *remap = malloc(sizeof(int) * n);
    if (!a || !b || !idx || !u || !remap) gd_die("out of memory");
    int k = 0, n_units = 0;
    for (int i = 0; i < n; i++) if (ev_run_all_finite(A, i, m) && ev_run_all_finite(B, i, m)) idx[k++] = i;
    for (int i = 0; i < n; i++) remap[i] = -1;
    for (int j = 0; j < k; j++) {   // units of the clips kept, renumbered densely
        int g = unit ? unit[idx[j]] : idx[j];
        if (remap[g] < 0) remap[g] = n_units++;
        u[j] = remap[g];
        for (int s = 0; s < Sa; s++) a[(int64_t)s * k + j] = ev_run_oriented(A, s, idx[j], m);
        for (int s = 0; s < Sb; s++) b[(int64_t)s * k + j] = ev_run_oriented(B, s, idx[j], m);
    }
    ev_cmp_data d = {a, b, Sa, Sb, k, unit ? u : NULL, n_units, ev_metric_better(m) == 1 ? 1 : -1};
    row->m = m;
    if (ev_cmp_compute(&row->s, &d, resamples, seed, ev_metric_key(m))) gd_die("out of memory");
    row->mean_base = row->mean_a_b = row->mean_b_b = NAN;
    row->n_base = 0;
    if (base) {
        double ta = 0, tb = 0, tz = 0;
        for (int j = 0; j < k; j++) {
            if (!ev_run_all_finite(base, idx[j], m)) continue;
            ta += ev_run_clip_mean(A, idx[j], m); tb += ev_run_clip_mean(B, idx[j], m); tz += ev_run_clip_mean(base, idx[j], m);
            row->n_base++;
        }
        if (row->n_base) {
            row->mean_a_b = ta / row->n_base; row->mean_b_b = tb / row->n_base;
            row->mean_base = tz / row->n_base;
        }
    }
    free(a); free(b); free(idx); free(u); free(remap);
}

// 1 when mean x is worse than the baseline's for metric m.
static int worse(int m, double x, double base) {
    if (!isfinite(x) || !isfinite(base)) return 0;
    return ev_metric_better(m) == 1 ? x < base : x > base;
}

typedef struct {
    double alpha;
    int    allow_single_seed, force, pm;
    int    below_a, below_b;   // an arm below the baseline on the primary metric
    int    seeds_a, seeds_b;
} verdict_cfg;

static const char *decision_name(int dec, int refused) {
    if (refused) return "no verdict";
    return dec > 0 ? "B better" : dec < 0 ? "A better" : "no evidence";
}

static void append(char *buf, size_t len, const char *fmt, const char *s) {
    size_t l = strlen(buf);
    if (l < len) snprintf(buf + l, len - l, fmt, s);
}

// Which criteria failed, in words (text) and as short names (JSON).
static void fail_words(char *buf, size_t len, unsigned f, const verdict_cfg *c) {
    buf[0] = '\0';
    if (f & EV_FAIL_CLIP) append(buf, len, "%s", "clip test failed");
    if (f & EV_FAIL_SEED) append(buf, len, "%s", *buf ? "; between-seed test failed" : "between-seed test failed");
    if (f & EV_FAIL_TWO_LEVEL)
        append(buf, len, "%s", *buf ? "; two-level CI includes 0" : "two-level CI includes 0");
    if (f & EV_FAIL_ONE_SEED) {
        char s[96];
        snprintf(s, sizeof s, "seed spread unmeasured: %s has 1 seed",
                 c->seeds_a < 2 && c->seeds_b < 2 ? "each arm" : c->seeds_a < 2 ? "A" : "B");
        append(buf, len, *buf ? "; %s" : "%s", s);
    }
}

// The verdict line of one metric; *decision and *refused for JSON.
static void verdict(char *buf, size_t len, const cmp_row *row, int primary, const verdict_cfg *c,
                    int *decision, int *refused, unsigned *fails) {
    const ev_cmp_stats *r = &row->s;
    const char *key = ev_metric_key(row->m);
    int better = ev_metric_better(row->m);
    const char *dir = better == 1 ? "higher is better" : better == -2 ? "smaller magnitude is better" : "lower is better";
    unsigned flags = (primary ? 0 : EV_CMP_ADJUSTED) | (c->allow_single_seed ? EV_CMP_SINGLE_SEED : 0);
    *decision = ev_cmp_decide(r, better == 1 ? 1 : -1, c->alpha, flags, fails);
    *refused = 0;
    if (*fails & EV_FAIL_NO_DATA) { snprintf(buf, len, "%s: no clips with values in both runs", key); return; }
    char stats[512], why[160], seeds[200] = "";
    double p = primary ? r->p : r->p_adj;
    snprintf(stats, sizeof stats, "mean diff B-A %+.4g, 95%% CI [%.4g, %.4g], p = %.4g%s, Wilcoxon p = %.4g, "
             "d_z = %.2f, B better on %.0f%% of %d clips",
             r->mean_d, r->lo, r->hi, p, primary ? "" : " (Holm)", r->p_wilcoxon, r->d_z, 100 * r->win, r->n);
    if (r->n_units != r->n) {
        size_t l = strlen(stats);
        snprintf(stats + l, sizeof stats - l, " (%d groups)", r->n_units);
    }
    if (r->seeds_a >= 2 && r->seeds_b >= 2)
        snprintf(seeds, sizeof seeds, "; seeds: Welch p = %.4g%s (df %.1f), two-level 95%% CI [%.4g, %.4g]",
                 primary ? r->p_seed : r->p_seed_adj, primary ? "" : " (Holm)", r->df_seed, r->lo2, r->hi2);
    const char *small = r->n_units < 15 ? (r->n_units == r->n ? " [n < 15: interval may under-cover]" : " [< 15 groups: interval may under-cover]") : "";
    fail_words(why, sizeof why, *fails, c);
    char said[64];
    const int b_ahead = better == 1 ? r->mean_d > 0 : r->mean_d < 0;
    snprintf(said, sizeof said, "%s better by %.4g", b_ahead ? "B" : "A", fabs(r->mean_d));
    const int below = c->below_a || c->below_b;
    if (below && !c->force) {
        *refused = 1;
        snprintf(buf, len, "%s: no verdict: model below baseline (nearest training hit) (%s below it on %s; "
                 "the tests alone: %s) (%s; %s%s)", key,
                 c->below_a && c->below_b ? "A and B" : c->below_a ? "A" : "B", ev_metric_key(c->pm),
                 *decision ? said : "no evidence either way", dir, stats, seeds);
        *decision = 0;
        return;
    }
    char mark[256] = "";
    if (*decision && (*fails & EV_FAIL_ONE_SEED)) snprintf(mark, sizeof mark, " [%s]", why);
    if (*decision && below)
        append(mark, sizeof mark, " [forced: %s below the baseline]", c->below_a && c->below_b ? "A and B" : c->below_a ? "A" : "B");
    if (*decision)
        snprintf(buf, len, "%s: %s (%s; %s%s)%s%s", key, said, dir, stats, seeds, small, mark);
    else if (!(*fails & ~EV_FAIL_ONE_SEED)) {   // the clip test alone would decide
        *refused = 1;
        snprintf(buf, len, "%s: no verdict: %s; the clip test alone says %s (--allow-single-seed accepts it) (%s; %s)",
                 key, why, said, dir, stats);
    } else
        snprintf(buf, len, "%s: no evidence either way (%s) (%s; %s%s)%s", key, why, dir, stats, seeds,
                 r->n_units < 15 ? (r->n_units == r->n ? " [n < 15]" : " [< 15 groups]") : "");
}

static void fmtv(char *b, size_t len, double v) {
    if (isfinite(v)) snprintf(b, len, "%.4g", v); else snprintf(b, len, "-");
}

static void print_arms(const ev_run *A, const ev_run *B, const ev_run *base, const char *pa, const char *pb,
                       const char *pz, int n_groups, const cmp_row *rows, int nr, int pm, const verdict_cfg *c) {
    char g[32] = "";
    if (n_groups) snprintf(g, sizeof g, ", %d groups", n_groups);
    printf("arm A: %d seed%s, %d clips%s (%s)\n", A->n_seeds, A->n_seeds == 1 ? "" : "s", A->n, g, pa);
    printf("arm B: %d seed%s, %d clips%s (%s)\n", B->n_seeds, B->n_seeds == 1 ? "" : "s", B->n, g, pb);
    if (A->n_seeds < 2 || B->n_seeds < 2)
        printf("seed spread unmeasured: %s has a single seed, so training noise cannot be told from the "
               "effect%s\n", A->n_seeds < 2 && B->n_seeds < 2 ? "each arm" : A->n_seeds < 2 ? "A" : "B",
               c->allow_single_seed ? " (--allow-single-seed: verdicts on the clip test alone)" : "; no verdicts");
    if (base) {
        for (int k = 0; k < nr; k++) {
            if (rows[k].m != pm) continue;
            char zb[32], za[32], zz[32];
            fmtv(za, 32, rows[k].mean_a_b); fmtv(zb, 32, rows[k].mean_b_b); fmtv(zz, 32, rows[k].mean_base);
            printf("baseline (nearest training hit): %s: mean %s %s on %d clips; A %s%s, B %s%s\n", pz,
                   ev_metric_key(pm), zz, rows[k].n_base, za, c->below_a ? " (below baseline)" : "",
                   zb, c->below_b ? " (below baseline)" : "");
        }
    }
    printf("%-24s %5s %10s %10s %10s %10s%s\n", "metric", "n", "A mean", "A seed SD", "B mean", "B seed SD",
           base ? "   baseline" : "");
    for (int k = 0; k < nr; k++) {
        const ev_cmp_stats *s = &rows[k].s;
        if (s->n == 0) continue;
        char v[5][32];
        fmtv(v[0], 32, s->mean_a); fmtv(v[1], 32, s->sd_seed_a); fmtv(v[2], 32, s->mean_b);
        fmtv(v[3], 32, s->sd_seed_b); fmtv(v[4], 32, rows[k].mean_base);
        char key[40];
        snprintf(key, sizeof key, ev_metric_better(rows[k].m) == -2 ? "|%s|" : "%s", ev_metric_key(rows[k].m));
        printf("%-24s %5d %10s %10s %10s %10s", key, s->n, v[0], v[1], v[2], v[3]);
        if (base) printf(" %10s", v[4]);
        printf("\n");
    }
}

static void write_json_row(const cmp_row *row, int primary, const verdict_cfg *c, int resamples, uint64_t seed,
                           int has_base) {
    const ev_cmp_stats *r = &row->s;
    char line[1024], why[160];
    int decision, refused;
    unsigned fails;
    verdict(line, sizeof line, row, primary, c, &decision, &refused, &fails);
    gd_json j;
    gd_json_init(&j, stdout);
    gd_json_begin_object(&j);
    gd_json_key(&j, "metric"); gd_json_string(&j, ev_metric_key(row->m));
    gd_json_key(&j, "primary"); gd_json_bool(&j, primary);
    gd_json_key(&j, "n"); gd_json_int(&j, r->n);
    gd_json_key(&j, "n_units"); gd_json_int(&j, r->n_units);
    gd_json_key(&j, "seeds_a"); gd_json_int(&j, r->seeds_a);
    gd_json_key(&j, "seeds_b"); gd_json_int(&j, r->seeds_b);
    gd_json_key(&j, "mean_a"); gd_json_number(&j, r->mean_a);
    gd_json_key(&j, "mean_b"); gd_json_number(&j, r->mean_b);
    gd_json_key(&j, "seed_sd_a"); gd_json_number(&j, r->sd_seed_a);
    gd_json_key(&j, "seed_sd_b"); gd_json_number(&j, r->sd_seed_b);
    gd_json_key(&j, "mean_diff"); gd_json_number(&j, r->mean_d);
    gd_json_key(&j, "median_diff"); gd_json_number(&j, r->median_d);
    gd_json_key(&j, "ci95_lo"); gd_json_number(&j, r->lo);
    gd_json_key(&j, "ci95_hi"); gd_json_number(&j, r->hi);
    gd_json_key(&j, "p"); gd_json_number(&j, r->p);
    gd_json_key(&j, "p_holm"); gd_json_number(&j, r->p_adj);
    gd_json_key(&j, "p_wilcoxon"); gd_json_number(&j, r->p_wilcoxon);
    gd_json_key(&j, "d_z"); gd_json_number(&j, r->d_z);
    gd_json_key(&j, "win_rate_b"); gd_json_number(&j, r->win);
    gd_json_key(&j, "t_seed"); gd_json_number(&j, r->t_seed);
    gd_json_key(&j, "df_seed"); gd_json_number(&j, r->df_seed);
    gd_json_key(&j, "p_seed"); gd_json_number(&j, r->p_seed);
    gd_json_key(&j, "p_seed_holm"); gd_json_number(&j, r->p_seed_adj);
    gd_json_key(&j, "ci95_two_level_lo"); gd_json_number(&j, r->lo2);
    gd_json_key(&j, "ci95_two_level_hi"); gd_json_number(&j, r->hi2);
    if (has_base) {
        gd_json_key(&j, "mean_baseline"); gd_json_number(&j, row->mean_base);
        gd_json_key(&j, "n_baseline"); gd_json_int(&j, row->n_base);
        gd_json_key(&j, "below_baseline_a"); gd_json_bool(&j, c->below_a);
        gd_json_key(&j, "below_baseline_b"); gd_json_bool(&j, c->below_b);
    }
    gd_json_key(&j, "resamples"); gd_json_int(&j, resamples);
    gd_json_key(&j, "seed"); gd_json_int(&j, (int64_t)seed);
    gd_json_key(&j, "decision"); gd_json_string(&j, decision_name(decision, refused));
    fail_words(why, sizeof why, fails & ~EV_FAIL_NO_DATA, c);
    gd_json_key(&j, "failed"); gd_json_string(&j, why);
    gd_json_key(&j, "verdict"); gd_json_string(&j, line);
    gd_json_end_object(&j);
    fputc('\n', stdout);
}

int ev_cmd_compare(int argc, char **argv) {
    enum { O_BASE = 256, O_FORCE, O_SINGLE };
    static const struct option lo[] = {
        {"primary", required_argument, 0, 'P'}, {"resamples", required_argument, 0, 'B'},
        {"seed", required_argument, 0, 's'}, {"alpha", required_argument, 0, 'a'},
        {"baseline", required_argument, 0, O_BASE}, {"force", no_argument, 0, O_FORCE},
        {"allow-single-seed", no_argument, 0, O_SINGLE},
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *primary = "rave_mss", *pz = NULL;
    int resamples = 9999, json = 0, c;
    uint64_t seed = 0;
    verdict_cfg vc = {0.05, 0, 0, 0, 0, 0, 0, 0};
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case 'P': primary = optarg; break;
        case 'B': resamples = (int)gd_opt_int("--resamples", optarg, 1, 10000000); break;
        case 's': seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'a': vc.alpha = gd_opt_double("--alpha", optarg, 1e-9, 0.5); break;
        case O_BASE: pz = optarg; break;
        case O_FORCE: vc.force = 1; break;
        case O_SINGLE: vc.allow_single_seed = 1; break;
        case 'j': json = 1; break;
        case 'h': usage(); return 0;
        default: gd_usage("compare: unknown option");
        }
    }
    if (argc - optind != 2) gd_usage("compare: need RUN_A and RUN_B");
    int pm = ev_metric_find(primary);
    if (pm < 0 || ev_metric_better(pm) == 0) gd_usage("--primary: '%s' is not a comparable metric", primary);
    vc.pm = pm;
    const char *pa = argv[optind], *pb = argv[optind + 1];
    ev_run A, B, Z;
    ev_run_read(&A, pa);
    ev_run_read(&B, pb);
    ev_run_match(&A, &B, pa, pb);
    if (pz) {
        ev_run_read(&Z, pz);
        ev_run_match(&A, &Z, pa, pz);
        ev_run_match(&B, &Z, pb, pz);
    }
    vc.seeds_a = A.n_seeds; vc.seeds_b = B.n_seeds;
    int *unit = malloc(sizeof(int) * A.n);
    if (!unit) gd_die("out of memory");
    const int n_groups = ev_run_units(&A, unit);
    cmp_row rows[EV_N_ALL_METRICS];
    int nr = 0;
    for (int m = 0; m < EV_N_ALL_METRICS; m++)   // the metrics the inputs carry
        if (ev_metric_better(m) != 0 && (m == pm || A.present[m] || B.present[m]))
            compute_row(&rows[nr++], m, &A, &B, pz ? &Z : NULL, n_groups ? unit : NULL, resamples, seed);
    // Holm over the secondary metrics, for the clip and the seed tests separately
    double p[EV_N_ALL_METRICS], adj[EV_N_ALL_METRICS];
    for (int k = 0; k < nr; k++) p[k] = rows[k].m == pm ? NAN : rows[k].s.p;
    ev_holm(adj, p, nr);
    for (int k = 0; k < nr; k++) rows[k].s.p_adj = rows[k].m == pm ? rows[k].s.p : adj[k];
    for (int k = 0; k < nr; k++) p[k] = rows[k].m == pm ? NAN : rows[k].s.p_seed;
    ev_holm(adj, p, nr);
    for (int k = 0; k < nr; k++) rows[k].s.p_seed_adj = rows[k].m == pm ? rows[k].s.p_seed : adj[k];
    for (int k = 0; k < nr; k++)
        if (rows[k].m == pm && pz) {
            vc.below_a = worse(pm, rows[k].mean_a_b, rows[k].mean_base);
            vc.below_b = worse(pm, rows[k].mean_b_b, rows[k].mean_base);
        }
    char line[1024];
    int dec, refused;
    unsigned fails;
    if (!json) {
        printf("compare: A = %s, B = %s: %d clips; sign-flip test (%s), percentile bootstrap "
               "(%d resamples, seed %llu); primary metric %s, others Holm-adjusted\n",
               pa, pb, A.n, (n_groups ? n_groups : A.n) <= 20 ? "exact" : "random flips", resamples,
               (unsigned long long)seed, primary);
        print_arms(&A, &B, pz ? &Z : NULL, pa, pb, pz, n_groups, rows, nr, pm, &vc);
        printf("verdict rule: clip test p < %g with its CI excluding 0, AND between-seed Welch p < %g, "
               "AND the two-level CI excluding 0 (eval/README.md)\n", vc.alpha, vc.alpha);
        for (int k = 0; k < nr; k++)
            if (rows[k].m == pm) { verdict(line, sizeof line, &rows[k], 1, &vc, &dec, &refused, &fails); printf("PRIMARY %s\n", line); }
        for (int k = 0; k < nr; k++)
            if (rows[k].m != pm) { verdict(line, sizeof line, &rows[k], 0, &vc, &dec, &refused, &fails); printf("%s\n", line); }
    } else {
        for (int k = 0; k < nr; k++) write_json_row(&rows[k], rows[k].m == pm, &vc, resamples, seed, pz != NULL);
    }
    free(unit);
    ev_run_free(&A); ev_run_free(&B);
    if (pz) ev_run_free(&Z);
    return 0;
}
