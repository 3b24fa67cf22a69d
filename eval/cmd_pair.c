// cmd_pair.c: `gendang-eval pair REF EST [--json]`: paired metrics for two files, two folders
// or two metadata.csv files, one JSON object per pair (--json) or a table, then a summary.
#include "eval/cmds.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"     // defines: gd_die, gd_usage, gd_opt_double, gd_cli_quiet
#include "core/error.h"   // defines: gd_strerror
#include "core/progress.h" // defines: gd_progress_*
#include "eval/summary.h" // defines: ev_summarise
#include "eval/visqol_seq.h" // defines: ev_visqol_sequence

int ev_run_items(ev_pair_result *res, const ev_item *items, int n, const ev_pair_opts *o) {
    int *rcs = calloc(n > 0 ? n : 1, sizeof(int));
    if (!rcs) return 0;
    gd_progress pg;
    gd_progress_init(&pg, "eval", n);
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < n; i++) {
        rcs[i] = ev_pair_files(&res[i], items[i].ref, items[i].est, o);
        gd_progress_add(&pg, 1);
    }
    gd_progress_finish(&pg);
    int bad = -1;
    for (int i = 0; i < n && bad < 0; i++) if (rcs[i]) bad = i;
    free(rcs);
    return bad;
}

static double *column(const ev_pair_result *res, int n, int m) {
    double *x = malloc(sizeof(double) * (n > 0 ? n : 1));
    if (!x) gd_die("out of memory");
    for (int i = 0; i < n; i++) x[i] = res[i].why[m] ? NAN : res[i].value[m];
    return x;
}

void ev_write_summary_json(gd_json *j, const ev_pair_result *res, int n) {
    gd_json_begin_object(j);
    for (int m = 0; m < EV_N_METRICS; m++) {
        double *x = column(res, n, m);
        ev_summary s = ev_summarise(x, n);
        free(x);
        gd_json_key(j, ev_metric_key(m));
        gd_json_begin_object(j);
        gd_json_key(j, "n"); gd_json_int(j, s.n);
        gd_json_key(j, "n_null"); gd_json_int(j, s.n_null);
        gd_json_key(j, "mean"); gd_json_number(j, s.mean);
        gd_json_key(j, "median"); gd_json_number(j, s.median);
        gd_json_key(j, "sd"); gd_json_number(j, s.sd);
        gd_json_key(j, "min"); gd_json_number(j, s.min);
        gd_json_key(j, "max"); gd_json_number(j, s.max);
        gd_json_end_object(j);
    }
    gd_json_end_object(j);
}

static void fmt(char *buf, size_t len, double v) {
    if (isfinite(v)) snprintf(buf, len, "%.4g", v); else snprintf(buf, len, "-");
}

void ev_write_summary_text(FILE *f, const ev_pair_result *res, int n) {
    fprintf(f, "%-24s %5s %5s %10s %10s %10s %10s %10s\n", "metric", "n", "null", "mean",
            "median", "sd", "min", "max");
    for (int m = 0; m < EV_N_METRICS; m++) {
        double *x = column(res, n, m);
        ev_summary s = ev_summarise(x, n);
        free(x);
        char a[5][32];
        fmt(a[0], 32, s.mean); fmt(a[1], 32, s.median); fmt(a[2], 32, s.sd);
        fmt(a[3], 32, s.min); fmt(a[4], 32, s.max);
        fprintf(f, "%-24s %5d %5d %10s %10s %10s %10s %10s\n", ev_metric_key(m), s.n, s.n_null,
                a[0], a[1], a[2], a[3], a[4]);
    }
}

static const int k_table[] = {EV_RAVE_MSS, EV_MRSTFT, EV_MEL_L1, EV_LSD_DB, EV_MCD_DB,
                              EV_SI_SDR_DB, EV_LOUD_DIFF, EV_ONSET_F_20, EV_ATTACK_MS_ERR,
                              EV_ENVELOPE_L1_DB, EV_DECAY_T60_ERR, EV_F0_ERR_CENTS};
#define N_TABLE ((int)(sizeof k_table / sizeof k_table[0]))

static void print_one(const ev_pair_result *r, const ev_item *it) {
    printf("ref: %s\nest: %s\nrate: %d Hz\nlag: %lld samples (%.3f ms)\nused: %lld samples\n",
           it->ref, it->est, r->rate, (long long)r->lag, r->lag_ms, (long long)r->n_used);
    for (int m = 0; m < EV_N_METRICS; m++) {
        if (r->why[m]) printf("%-24s null (%s)\n", ev_metric_key(m), r->why[m]);
        else printf("%-24s %.6g %s\n", ev_metric_key(m), r->value[m], ev_metric_unit(m));
    }
    for (int i = 0; i < r->n_notes; i++) printf("note: %s\n", r->notes[i]);
}

static void print_table(const ev_pair_result *res, const ev_item *items, int n) {
    printf("%-32s %8s", "clip", "lag_ms");
    for (int k = 0; k < N_TABLE; k++) printf(" %10.10s", ev_metric_key(k_table[k]));
    printf("\n");
    for (int i = 0; i < n; i++) {
        printf("%-32.32s %8.2f", items[i].clip, res[i].lag_ms);
        for (int k = 0; k < N_TABLE; k++) {
            char b[32];
            fmt(b, sizeof b, res[i].why[k_table[k]] ? NAN : res[i].value[k_table[k]]);
            printf(" %10s", b);
        }
        printf("\n");
    }
    printf("\nsummary over %d pairs\n", n);
    ev_write_summary_text(stdout, res, n);
}

static void usage(void) {
    printf("Usage: gendang-eval pair [OPTIONS] REF EST\n"
           "Paired metrics of EST against REF: two audio files, two folders (files matched by\n"
           "relative path) or two metadata.csv files (rows matched by file_name).\n"
           "Each pair is lag-aligned (cross-correlation within +-50 ms) and cropped to the\n"
           "common part; metrics are defined in docs/eval-metrics.md\n"
           "(installed: PREFIX/share/gendang/docs; `report` copies it next to report.html).\n\n"
           "  --json             one JSON object per pair on stdout, then {\"summary\": ...}\n"
           "  --no-align         do not search a lag\n"
           "  --max-lag-ms MS    lag search range (default 50)\n"
           "  --rate HZ          analysis rate (default: the reference's rate; others resampled)\n"
           "  --only KEY         compute one metric alone (rave_mss or visqol_mos); the rest null\n"
           "  --visqol-sequence  also ViSQOL of all clips joined into one sequence per side (for\n"
           "                     one-shots, shorter than the 0.96 s ViSQOL needs): the summary's\n"
           "                     \"visqol_sequence\" (JSON) or a last line\n"
           "  --visqol-gap S     silence after each clip in the sequence (default 0.25)\n"
           "  -q, --quiet        " GD_CLI_QUIET_HELP "\n"
           "  -h, --help         this help\n\n"
           "Undefined values (silence, no onsets, no pitch) are null with a reason.\n"
           "Exit status: 0 ok, 1 runtime error (unreadable file, mismatched lists), 2 usage.\n");
}

int ev_cmd_pair(int argc, char **argv) {
    static const struct option lo[] = {
        {"json", no_argument, 0, 'j'}, {"no-align", no_argument, 0, 'A'},
        {"max-lag-ms", required_argument, 0, 'L'}, {"rate", required_argument, 0, 'r'},
        {"only", required_argument, 0, 'O'}, {"visqol-sequence", no_argument, 0, 'V'}, {"visqol-gap", required_argument, 0, 'G'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    ev_pair_opts o;
    ev_pair_opts_default(&o);
    int json = 0, seq = 0, c;
    double gap = EV_VISQOL_GAP_S;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        case 'A': o.align = 0; break;
        case 'L': o.max_lag_ms = gd_opt_double("--max-lag-ms", optarg, 0, 1000); break;
        case 'r': o.rate = (int)gd_opt_int("--rate", optarg, 1000, 768000); break;
        case 'V': seq = 1; break;
        case 'O':
            o.only = ev_metric_find(optarg);
            if (o.only != EV_RAVE_MSS && o.only != EV_VISQOL_MOS)
                gd_usage("--only: '%s' is not rave_mss or visqol_mos", optarg);
            break;
        case 'G': gap = gd_opt_double("--visqol-gap", optarg, 0, 60); break;
        case 'q': gd_cli_quiet(); break;
        case 'h': usage(); return 0;
        default: gd_usage("pair: unknown option");
        }
    }
    if (argc - optind != 2) gd_usage("pair: need REF and EST");
    ev_item *items;
    int n;
    char err[1024];
    if (ev_items_build(&items, &n, argv[optind], argv[optind + 1], err, sizeof err)) gd_die("%s", err);
    ev_pair_result *res = calloc(n, sizeof *res);
    if (!res) gd_die("out of memory");
    int bad = ev_run_items(res, items, n, &o);
    if (bad >= 0) gd_die("cannot evaluate %s against %s (unreadable or not audio)", items[bad].est, items[bad].ref);
    ev_visqol_sequence_result vs;
    if (seq && ev_visqol_sequence(&vs, items, n, gap, &bad))
        gd_die("visqol sequence: %s", bad >= 0 ? items[bad].est : "out of memory");
    if (json) {
        gd_json j;
        for (int i = 0; i < n; i++) {
            gd_json_init(&j, stdout);
            ev_pair_write_json_group(&j, &res[i], items[i].clip, items[i].group, items[i].ref, items[i].est);
            fputc('\n', stdout);
        }
        gd_json_init(&j, stdout);
        gd_json_begin_object(&j);
        gd_json_key(&j, "summary");
        ev_write_summary_json(&j, res, n);
        if (seq) { gd_json_key(&j, "visqol_sequence"); ev_visqol_sequence_json(&j, &vs); }
        gd_json_end_object(&j);
        fputc('\n', stdout);
    } else if (n == 1) {
        print_one(&res[0], &items[0]);
    } else {
        print_table(res, items, n);
    }
    if (seq && !json) ev_visqol_sequence_text(stdout, &vs);
    free(res);
    ev_items_free(items, n);
    return 0;
}
