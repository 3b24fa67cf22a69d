// cmd_nearest.c: `gendang-eval nearest TEST TRAIN -o DIR`: the nearest-training-hit baseline.
// For each test clip, the training clip that scores best on the primary metric against it
// (after pair's alignment and cropping), as if a model had answered every test hit with the
// closest thing it was trained on. A model that does not beat this baseline has learnt
// nothing a lookup table could not do. Candidates are resampled to the test clip's rate and
// cut or zero-padded to its length before scoring, exactly as they are written, so `pair`
// on the written files gives the same values. The search computes the primary metric
// alone; the chosen pairs get the full suite (DIR/pairs.jsonl).
#include "eval/cmds.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"       // defines: gd_die, gd_usage, gd_opt_*, gd_cli_quiet
#include "core/csv.h"       // defines: gd_csv_write_row
#include "core/fileio.h"    // defines: gd_atomic_*, gd_mkdir_p, gd_path_join, gd_path_dirname
#include "core/log.h"       // defines: gd_info
#include "core/progress.h"  // defines: gd_progress_*

static void usage(void) {
    printf("Usage: gendang-eval nearest [OPTIONS] TEST TRAIN -o DIR\n"
           "The nearest-training-hit baseline: for each test clip, the training clip that scores\n"
           "best on the primary metric against it after the alignment `pair` does. TEST and\n"
           "TRAIN are folders (audio found recursively) or metadata.csv files (file_name rows).\n"
           "Writes DIR/<test clip's relative path> (the chosen training clip resampled to the\n"
           "test clip's rate, cut or zero-padded to its length, 32-bit float WAV),\n"
           "DIR/metadata.csv (file_name, group, nearest_file_name, the primary metric's value)\n"
           "and DIR/pairs.jsonl (the full `pair --json` records of test vs chosen, with the test\n"
           "clips' groups), which `compare --baseline` and `report --baseline` read.\n\n"
           "  -o, --out DIR        output folder (created)\n"
           "  --primary KEY        metric to optimise (default rave_mss; lower, higher or smaller\n"
           "                       magnitude is better as the metric defines)\n"
           "  --no-align, --max-lag-ms MS   as for `pair`\n"
           "  -q, --quiet          " GD_CLI_QUIET_HELP "\n"
           "  -h, --help           this help\n"
           "Ties go to the first training clip in name order. Exit status: 0 ok, 1 runtime\n"
           "error (unreadable file, no usable candidate), 2 usage.\n");
}

// 1 when value a beats b for metric m (NAN never wins).
static int beats(int m, double a, double b) {
    if (!isfinite(a)) return 0;
    if (!isfinite(b)) return 1;
    int better = ev_metric_better(m);
    return better == 1 ? a > b : better == -2 ? fabs(a) < fabs(b) : a < b;
}

// src (any length) cut or zero-padded to n frames, into out (allocated here).
static void fit_length(gd_audio *out, const gd_audio *src, int64_t n) {
    if (gd_audio_alloc(out, src->n_channels, n, src->rate)) gd_die("out of memory");
    const int64_t k = src->n_frames < n ? src->n_frames : n;
    for (int c = 0; c < src->n_channels; c++)
        memcpy(out->data + (int64_t)c * n, src->data + (int64_t)c * src->n_frames, sizeof(float) * k);
}

int ev_cmd_nearest(int argc, char **argv) {
    enum { O_PRIMARY = 256 };
    static const struct option lo[] = {
        {"out", required_argument, 0, 'o'}, {"primary", required_argument, 0, O_PRIMARY},
        {"no-align", no_argument, 0, 'A'}, {"max-lag-ms", required_argument, 0, 'L'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *dir = NULL, *primary = "rave_mss";
    ev_pair_opts o;
    ev_pair_opts_default(&o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case O_PRIMARY: primary = optarg; break;
        case 'A': o.align = 0; break;
        case 'L': o.max_lag_ms = gd_opt_double("--max-lag-ms", optarg, 0, 1000); break;
        case 'q': gd_cli_quiet(); break;
        case 'h': usage(); return 0;
        default: gd_usage("nearest: unknown option");
        }
    }
    if (argc - optind != 2) gd_usage("nearest: need TEST and TRAIN");
    if (!dir) gd_usage("nearest: -o DIR is required");
    const int pm = ev_metric_find(primary);
    if (pm < 0 || ev_metric_better(pm) == 0) gd_usage("--primary: '%s' is not a comparable metric", primary);
    ev_item *test, *train;
    int nt, nc;
    char err[1024];
    if (ev_items_list(&test, &nt, argv[optind], err, sizeof err)) gd_die("%s", err);
    if (ev_items_list(&train, &nc, argv[optind + 1], err, sizeof err)) gd_die("%s", err);

    // test clips at their own rates; training clips resampled to each rate a test clip has
    gd_audio *ta = calloc(nt, sizeof *ta);
    int *rates = malloc(sizeof(int) * nt), *rate_of = malloc(sizeof(int) * nt), n_rates = 0, failed = -1;
    if (!ta || !rates || !rate_of) gd_die("out of memory");
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < nt; i++)
        if (gd_audio_read(&ta[i], test[i].ref, 0, 0)) {
#pragma omp critical(nearest_fail)
            if (failed < 0 || i < failed) failed = i;
        }
    if (failed >= 0) gd_die("%s: cannot read audio", test[failed].ref);
    for (int i = 0; i < nt; i++) {
        int k = 0;
        while (k < n_rates && rates[k] != ta[i].rate) k++;
        if (k == n_rates) rates[n_rates++] = ta[i].rate;
        rate_of[i] = k;
    }
    // RAVE's distance reads the mono mixes alone: the search keeps just those (pair's own
    // mix of the clip as it will be written, so the search values are pair's values)
    const int mono = pm == EV_RAVE_MSS;
    gd_audio *ca = calloc((size_t)n_rates * nc, sizeof *ca);
    if (!ca) gd_die("out of memory");
#pragma omp parallel for schedule(dynamic, 1) collapse(2)
    for (int k = 0; k < n_rates; k++)
        for (int j = 0; j < nc; j++) {
            gd_audio *a = &ca[k * nc + j];
            int rc = gd_audio_read(a, train[j].ref, rates[k], 0);
            if (!rc && mono) {
                float *m = ev_downmix(a);
                if (!m) rc = 1;
                else { free(a->data); a->data = m; a->n_channels = 1; }
            }
            if (rc) {
#pragma omp critical(nearest_fail)
                if (failed < 0 || j < failed) failed = j;
            }
        }
    if (failed >= 0) gd_die("%s: cannot read audio", train[failed].ref);

    // the search: the primary metric alone, every test clip against every training clip; a
    // RAVE distance is abandoned once its partial sum over scales exceeds the best so far
    int *best = malloc(sizeof(int) * nt);
    double *best_v = malloc(sizeof(double) * nt);
    if (!best || !best_v) gd_die("out of memory");
    gd_progress pg;
    gd_progress_init(&pg, "nearest", nt);
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < nt; i++) {
        ev_pair_opts so = o;
        so.only = pm;
        gd_audio tm = ta[i];
        float *mix = mono ? ev_downmix(&ta[i]) : NULL;
        if (mono) { tm.data = mix; tm.n_channels = 1; }
        best[i] = -1; best_v[i] = NAN;
        for (int j = 0; j < nc && (!mono || mix); j++) {
            gd_audio cand;
            ev_pair_result r;
            fit_length(&cand, &ca[rate_of[i] * nc + j], ta[i].n_frames);
            so.stop_above = mono && isfinite(best_v[i]) ? best_v[i] : 0;
            int rc = ev_pair_audio(&r, &tm, &cand, &so);
            gd_audio_free(&cand);
            if (rc == 0 && beats(pm, r.value[pm], best_v[i])) { best[i] = j; best_v[i] = r.value[pm]; }
        }
        free(mix);
        gd_progress_add(&pg, 1);
    }
    gd_progress_finish(&pg);
    for (int i = 0; i < nt; i++)
        if (best[i] < 0) gd_die("%s: %s is undefined against every training clip", test[i].ref, primary);
    for (int k = 0; k < n_rates * nc; k++) gd_audio_free(&ca[k]);

    // the chosen clips, their full pair records, metadata.csv and pairs.jsonl
    if (gd_mkdir_p(dir)) gd_die("%s: cannot create", dir);
    ev_pair_result *res = calloc(nt, sizeof *res);
    char **out = calloc(nt, sizeof(char *));
    if (!res || !out) gd_die("out of memory");
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < nt; i++) {
        gd_audio src = {0}, cand = {0};
        int rc = gd_audio_read(&src, train[best[i]].ref, ta[i].rate, 0);   // as the search read it
        if (!rc) fit_length(&cand, &src, ta[i].n_frames);
        gd_audio_free(&src);
        out[i] = gd_path_join(dir, test[i].clip);
        char *sub = out[i] ? gd_path_dirname(out[i]) : NULL;
        gd_write_opts wo = gd_write_opts_default();
        wo.format = GD_FLOAT32;
        rc = rc || !out[i] || !sub || gd_mkdir_p(sub) || gd_audio_write(out[i], &cand, &wo, NULL) ||
             ev_pair_audio(&res[i], &ta[i], &cand, &o);
        if (rc) {
#pragma omp critical(nearest_fail)
            if (failed < 0 || i < failed) failed = i;
        }
        free(sub);
        gd_audio_free(&cand);
    }
    if (failed >= 0) gd_die("%s: cannot write or evaluate the nearest clip", out[failed] ? out[failed] : dir);
    char *mp = gd_path_join(dir, "metadata.csv"), *jp = gd_path_join(dir, "pairs.jsonl");
    gd_atomic am, aj;
    if (!mp || !jp || gd_atomic_open(&am, mp, "w")) gd_die("%s: cannot write", mp ? mp : dir);
    if (gd_atomic_open(&aj, jp, "w")) gd_die("%s: cannot write", jp);
    const char *hdr[4] = {"file_name", "group", "nearest_file_name", primary};
    gd_csv_write_row(am.f, hdr, 4);
    gd_json j;
    for (int i = 0; i < nt; i++) {
        char v[32];
        snprintf(v, sizeof v, "%.9g", best_v[i]);
        const char *row[4] = {test[i].clip, test[i].group ? test[i].group : "", train[best[i]].clip, v};
        gd_csv_write_row(am.f, row, 4);
        gd_json_init(&j, aj.f);
        ev_pair_write_json_group(&j, &res[i], test[i].clip, test[i].group, test[i].ref, out[i]);
        fputc('\n', aj.f);
    }
    gd_json_init(&j, aj.f);
    gd_json_begin_object(&j);
    gd_json_key(&j, "summary");
    ev_write_summary_json(&j, res, nt);
    gd_json_end_object(&j);
    fputc('\n', aj.f);
    if (gd_atomic_commit(&am)) gd_die("%s: cannot write", mp);
    if (gd_atomic_commit(&aj)) gd_die("%s: cannot write", jp);
    gd_info("nearest: %d test clips against %d training clips; %s", nt, nc, dir);
    for (int i = 0; i < nt; i++) { gd_audio_free(&ta[i]); free(out[i]); }
    free(ta); free(ca); free(rates); free(rate_of); free(best); free(best_v); free(res); free(out); free(mp); free(jp);
    ev_items_free(test, nt);
    ev_items_free(train, nc);
    return 0;
}
