// report_arms.c: models and baselines side by side in the report (see report_arms.h).
#include "eval/report_arms.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"  // defines: gd_die, gd_usage

void ev_arms_add(ev_arms *a, const char *arg, int baseline) {
    const char *eq = strchr(arg, '=');
    const char *opt = baseline ? "--baseline" : "--arm";
    if (!eq || eq == arg || !eq[1]) gd_usage("%s: expected NAME=FILE[,FILE...], got '%s'", opt, arg);
    if (a->n == EV_MAX_ARMS) gd_usage("%s: at most %d models and baselines", opt, EV_MAX_ARMS);
    char *name = strndup(arg, (size_t)(eq - arg));
    if (!name) gd_die("out of memory");
    for (int k = 0; k < a->n; k++)
        if (!strcmp(a->name[k], name)) gd_usage("%s: name '%s' given twice", opt, name);
    a->name[a->n] = name;
    a->spec[a->n] = eq + 1;
    a->baseline[a->n] = baseline;
    a->n++;
}

void ev_arms_read(ev_arms *a) {
    for (int k = 0; k < a->n; k++) ev_run_read(&a->run[k], a->spec[k]);
}

void ev_arms_free(ev_arms *a) {
    for (int k = 0; k < a->n; k++) { ev_run_free(&a->run[k]); free((char *)a->name[k]); }
    a->n = 0;
}

// The table's metrics: the primary, then the key secondaries not already listed.
static int table_metrics(const ev_arms *a, int *m) {
    const int keys[] = {EV_RAVE_MSS, EV_DECAY_T60_ERR, EV_LOUD_DIFF, EV_LOW_SHARE_REF, EV_LOW_SHARE_EST};
    int n = 0;
    m[n++] = a->primary;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (keys[k] != a->primary) m[n++] = keys[k];
    return n;
}

static void label(char *b, size_t len, int m) {
    snprintf(b, len, ev_metric_better(m) == -2 ? "abs(%s)" : "%s", ev_metric_key(m));
}

static int n_groups(const ev_run *r) {
    int *u = malloc(sizeof(int) * (r->n > 0 ? r->n : 1));
    if (!u) gd_die("out of memory");
    int g = ev_run_units(r, u);
    free(u);
    return g;
}

// "mean +- seed SD" (SD left out with one seed), or "-".
static void cell(char *b, size_t len, const ev_run *r, int m) {
    double mean, sd;
    if (!ev_run_summary(r, m, NULL, &mean, &sd)) snprintf(b, len, "-");
    else if (isfinite(sd)) snprintf(b, len, "%.4g ± %.2g", mean, sd);
    else snprintf(b, len, "%.4g", mean);
}

// The sentence comparing model k with baseline z on the primary metric.
static void sentence(char *b, size_t len, const ev_arms *a, int k, int z) {
    const ev_run *M = &a->run[k], *Z = &a->run[z];
    const int pm = a->primary;
    unsigned char *use = calloc(M->n > 0 ? M->n : 1, 1), *use_z = calloc(Z->n > 0 ? Z->n : 1, 1);
    if (!use || !use_z) gd_die("out of memory");
    int n = 0;
    for (int i = 0, j = 0; i < M->n && j < Z->n;) {   // both sorted: the clips they share
        int c = strcmp(M->clip[i], Z->clip[j]);
        if (c < 0) i++;
        else if (c > 0) j++;
        else {
            if (ev_run_all_finite(M, i, pm) && ev_run_all_finite(Z, j, pm)) { use[i] = use_z[j] = 1; n++; }
            i++; j++;
        }
    }
    char key[48];
    label(key, sizeof key, pm);
    if (n == 0) {
        snprintf(b, len, "Model %s and baseline %s share no clips with a %s value.", a->name[k], a->name[z], key);
    } else {
        double mm, sd, mz, sdz;
        ev_run_summary(M, pm, use, &mm, &sd);
        ev_run_summary(Z, pm, use_z, &mz, &sdz);
        const int better = ev_metric_better(pm);
        const int below = better == 1 ? mm < mz : mm > mz;
        const char *dir = better == 1 ? "higher is better" : "lower is better";
        char seeds[160] = "";
        if (M->n_seeds > 1)
            snprintf(seeds, sizeof seeds, " (mean of %d seeds; seed SD %.2g%s)", M->n_seeds, sd,
                     fabs(mm - mz) < sd ? ", more than the gap" : "");
        else
            snprintf(seeds, sizeof seeds, " (one seed: training noise unmeasured)");
        if (below)
            snprintf(b, len, "Model %s is below baseline %s on %s: %.4g%s against %.4g on the same %d clips "
                     "(%s): it does worse than that baseline.",
                     a->name[k], a->name[z], key, mm, seeds, mz, n, dir);
        else
            snprintf(b, len, "Model %s beats baseline %s on %s: %.4g%s against %.4g on the same %d clips (%s).",
                     a->name[k], a->name[z], key, mm, seeds, mz, n, dir);
    }
    free(use); free(use_z);
}

void ev_arms_md(FILE *f, const ev_arms *a) {
    int m[8], nm = table_metrics(a, m);
    char b[512];
    fprintf(f, "## Models and baselines\n\nMeans over clips of the per-clip mean over seeds; ± the SD "
               "of the per-seed means (training noise), where there are several seeds.\n\n"
               "| name | kind | seeds | clips | groups |");
    for (int c = 0; c < nm; c++) { label(b, sizeof b, m[c]); fprintf(f, " %s |", b); }
    fprintf(f, "\n|---|---|---|---|---|");
    for (int c = 0; c < nm; c++) fprintf(f, "---|");
    fprintf(f, "\n");
    for (int k = 0; k < a->n; k++) {
        int g = n_groups(&a->run[k]);
        fprintf(f, "| %s | %s | %d | %d | ", a->name[k], a->baseline[k] ? "baseline" : "model", a->run[k].n_seeds, a->run[k].n);
        if (g) fprintf(f, "%d |", g); else fprintf(f, "- |");
        for (int c = 0; c < nm; c++) { cell(b, sizeof b, &a->run[k], m[c]); fprintf(f, " %s |", b); }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
    for (int k = 0; k < a->n; k++)
        for (int z = 0; z < a->n; z++)
            if (!a->baseline[k] && a->baseline[z]) { sentence(b, sizeof b, a, k, z); fprintf(f, "%s\n\n", b); }
}

void ev_html_esc(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

void ev_arms_html(FILE *f, const ev_arms *a) {
    int m[8], nm = table_metrics(a, m);
    char b[512];
    fputs("<h2>Models and baselines</h2>\n<p>Means over clips of the per-clip mean over seeds; &plusmn; the "
          "SD of the per-seed means (training noise), where there are several seeds.</p>\n<table><tr>"
          "<th>name</th><th>kind</th><th>seeds</th><th>clips</th><th>groups</th>", f);
    for (int c = 0; c < nm; c++) { label(b, sizeof b, m[c]); fprintf(f, "<th>%s</th>", b); }
    fputs("</tr>\n", f);
    for (int k = 0; k < a->n; k++) {
        int g = n_groups(&a->run[k]);
        fputs("<tr><td>", f);
        ev_html_esc(f, a->name[k]);
        fprintf(f, "</td><td>%s</td><td>%d</td><td>%d</td>", a->baseline[k] ? "baseline" : "model",
                a->run[k].n_seeds, a->run[k].n);
        if (g) fprintf(f, "<td>%d</td>", g); else fputs("<td>&ndash;</td>", f);
        for (int c = 0; c < nm; c++) { cell(b, sizeof b, &a->run[k], m[c]); fputs("<td>", f); ev_html_esc(f, b); fputs("</td>", f); }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
    for (int k = 0; k < a->n; k++)
        for (int z = 0; z < a->n; z++)
            if (!a->baseline[k] && a->baseline[z]) { sentence(b, sizeof b, a, k, z); fputs("<p>", f); ev_html_esc(f, b); fputs("</p>\n", f); }
}

void ev_arms_json(gd_json *j, const ev_arms *a) {
    int m[8], nm = table_metrics(a, m);
    char b[512];
    gd_json_begin_array(j);
    for (int k = 0; k < a->n; k++) {
        const ev_run *r = &a->run[k];
        gd_json_begin_object(j);
        gd_json_key(j, "name"); gd_json_string(j, a->name[k]);
        gd_json_key(j, "kind"); gd_json_string(j, a->baseline[k] ? "baseline" : "model");
        gd_json_key(j, "pairs"); gd_json_string(j, a->spec[k]);
        gd_json_key(j, "seeds"); gd_json_int(j, r->n_seeds);
        gd_json_key(j, "clips"); gd_json_int(j, r->n);
        gd_json_key(j, "groups"); gd_json_int(j, n_groups(r));
        gd_json_key(j, "metrics");
        gd_json_begin_object(j);
        for (int c = 0; c < nm; c++) {
            double mean, sd;
            int n = ev_run_summary(r, m[c], NULL, &mean, &sd);
            gd_json_key(j, ev_metric_key(m[c]));
            gd_json_begin_object(j);
            gd_json_key(j, "n"); gd_json_int(j, n);
            gd_json_key(j, "mean"); gd_json_number(j, mean);
            gd_json_key(j, "seed_sd"); gd_json_number(j, sd);
            gd_json_key(j, "absolute"); gd_json_bool(j, ev_metric_better(m[c]) == -2);
            gd_json_end_object(j);
        }
        gd_json_end_object(j);
        if (!a->baseline[k]) {
            gd_json_key(j, "against_baselines");
            gd_json_begin_array(j);
            for (int z = 0; z < a->n; z++)
                if (a->baseline[z]) { sentence(b, sizeof b, a, k, z); gd_json_string(j, b); }
            gd_json_end_array(j);
        }
        gd_json_end_object(j);
    }
    gd_json_end_array(j);
}
