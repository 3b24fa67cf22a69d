// pair.c: the pair metric suite behind eval.h: alignment, cropping, every metric of
// metrics.def, and the JSON record. Undefined values stay NAN with a reason.
#include "eval/eval.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/log.h"     // defines: gd_error
#include "eval/metrics.h" // defines: ev_* metrics
#include "eval/scales.h"  // defines: ev_scales_run, ev_rave_mss_scales, ev_mel_l1_scales
#include "eval/visqol.h"  // defines: ev_visqol

static const char *const k_keys[] = {
#define EV_METRIC(id, key, better, unit) key,
#include "eval/metrics.def"
#include "eval/probe_metrics.def"
#undef EV_METRIC
};
static const char *const k_units[] = {
#define EV_METRIC(id, key, better, unit) unit,
#include "eval/metrics.def"
#include "eval/probe_metrics.def"
#undef EV_METRIC
};
static const int k_better[] = {
#define EV_METRIC(id, key, better, unit) better,
#include "eval/metrics.def"
#include "eval/probe_metrics.def"
#undef EV_METRIC
};

const char *ev_metric_key(int m) { return m >= 0 && m < EV_N_ALL_METRICS ? k_keys[m] : "?"; }
const char *ev_metric_unit(int m) { return m >= 0 && m < EV_N_ALL_METRICS ? k_units[m] : ""; }
int ev_metric_better(int m) { return m >= 0 && m < EV_N_ALL_METRICS ? k_better[m] : 0; }
int ev_metric_find(const char *key) {
    for (int m = 0; m < EV_N_ALL_METRICS; m++) if (!strcmp(k_keys[m], key)) return m;
    return -1;
}

void ev_pair_opts_default(ev_pair_opts *o) {
    o->align = 1;
    o->max_lag_ms = 50.0;
    o->rate = 0;
    o->only = -1;
    o->stop_above = 0;
}

static void set(ev_pair_result *r, int m, ev_val v) { r->value[m] = v.v; r->why[m] = v.why; }

static void note(ev_pair_result *r, const char *fmt, ...) {
    if (r->n_notes >= EV_MAX_NOTES) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->n_notes++], sizeof r->notes[0], fmt, ap);
    va_end(ap);
}

static ev_val diff(double a, double b, const char *wa, const char *wb) {
    if (wa) return ev_null(wa);
    if (wb) return ev_null(wb);
    return ev_ok(b - a);
}

static ev_val rel_err_pct(double ref, double est, const char *wr, const char *we) {
    if (wr) return ev_null(wr);
    if (we) return ev_null(we);
    return ev_ok(100.0 * fabs(est - ref) / ref);
}

// Metrics on the aligned, cropped mono pair r, t (n samples).
static int pair_metrics(ev_pair_result *res, const float *r, const float *t, int64_t n, int rate,
                        const ev_pair_opts *o) {
    ev_sig sr, st;
    ev_sig_init(&sr, r, n);
    ev_sig_init(&st, t, n);
    if (o->only == EV_RAVE_MSS) {
        set(res, EV_RAVE_MSS, ev_rave_mss_bounded(&sr, &st, o->stop_above));
        ev_sig_free(&sr); ev_sig_free(&st);
        return 0;
    }
    ev_val a, b, c;
    // One pass over the full-window scales 128..2048 feeds RAVE, the mel L1 and the onset
    // flux (scales.h); the same values as the single-metric functions.
    const ev_stft_cfg on_cfg = {512, 128, 512, EV_PAD_REFLECT};
    const int64_t n_on = ev_stft_frames(&on_cfg, n);
    // LSD and MCD read the 2048 scale twice (their floors need the whole spectrograms): the
    // first read is the pass's, the second one their own. No spectrogram is kept
    // (README "Memory").
    int cap = (int)(n / 128) + 2, rc = 0;
    double *on = malloc(sizeof(double) * 2 * cap);
    double *flux = malloc(sizeof(double) * 2 * n_on);
    ev_lsd_acc lsd;
    ev_mcd_acc mcd;
    int acc_fail = ev_lsd_init(&lsd, ev_stft_frames(&ev_cfg_2048, n));
    acc_fail |= ev_mcd_init(&mcd, rate, EV_SCALES_BLOCK);
    ev_scales sc;
    memset(&sc, 0, sizeof sc);
    sc.rave = sc.mel = 1; sc.rate = rate;
    sc.flux_ref = flux; sc.flux_est = flux ? flux + n_on : NULL;
    sc.lsd = &lsd; sc.mcd = &mcd;
    if (!on || !flux || acc_fail || ev_scales_run(&sc, &sr, &st) ||
        ev_spec_2048_pass(&sr, &st, &lsd, &mcd, 2)) {
        ev_lsd_free(&lsd); ev_mcd_free(&mcd);
        rc = GD_ERR_NOMEM; goto done;
    }
    set(res, EV_RAVE_MSS, ev_rave_mss_scales(&sc));
    ev_mrstft(&sr, &st, &a, &b, &c);
    set(res, EV_MRSTFT, a); set(res, EV_MRSTFT_SC, b); set(res, EV_MRSTFT_LOGMAG, c);
    set(res, EV_MEL_L1, ev_mel_l1_scales(&sr, &st, rate, &sc));
    ev_lsd_finish(&lsd, &a, &b);
    set(res, EV_LSD_DB, a); set(res, EV_LSD_DB_ACTIVE, b);
    set(res, EV_MCD_DB, ev_mcd_finish(&mcd));
    set(res, EV_SI_SDR_DB, ev_si_sdr(r, t, n));

    int n_r = ev_onsets_flux(flux, n_on, rate, on, cap), n_t = ev_onsets_flux(flux + n_on, n_on, rate, on + cap, cap);
    if (n_r == 0) {
        for (int m = EV_ONSET_F_50; m <= EV_ONSET_OFFSET_MS; m++)
            set(res, m, ev_null("no onsets in the reference"));
    } else {
        double off20, off50;
        set(res, EV_ONSET_F_50, ev_ok(ev_onset_f(on, n_r, on + cap, n_t, 0.050, &off50)));
        set(res, EV_ONSET_F_20, ev_ok(ev_onset_f(on, n_r, on + cap, n_t, 0.020, &off20)));
        set(res, EV_ONSET_OFFSET_MS, isfinite(off50) ? ev_ok(off50) : ev_null("no matched onsets"));
    }
    set(res, EV_ATTACK_REF_MS, ev_attack_ms_of(r, n, rate, 10.0, 1500.0));
    set(res, EV_ATTACK_EST_MS, ev_attack_ms_of(t, n, rate, 10.0, 1500.0));
    a = diff(res->value[EV_ATTACK_REF_MS], res->value[EV_ATTACK_EST_MS],
             res->why[EV_ATTACK_REF_MS], res->why[EV_ATTACK_EST_MS]);
    if (!a.why) a.v = fabs(a.v);
    set(res, EV_ATTACK_MS_ERR, a);
    set(res, EV_ENVELOPE_L1_DB, ev_envelope_l1_db(r, t, n, rate));
    set(res, EV_T60_REF_S, ev_decay_t60(r, n, rate));
    set(res, EV_T60_EST_S, ev_decay_t60(t, n, rate));
    set(res, EV_DECAY_T60_ERR, rel_err_pct(res->value[EV_T60_REF_S], res->value[EV_T60_EST_S],
                                           res->why[EV_T60_REF_S], res->why[EV_T60_EST_S]));
    ev_f0(r, t, n, rate, &a, &b, &c);
    set(res, EV_F0_REF_HZ, a); set(res, EV_F0_EST_HZ, b); set(res, EV_F0_ERR_CENTS, c);
    a = ev_low_energy_share(r, n, rate, 60.0);
    b = ev_low_energy_share(t, n, rate, 60.0);
    set(res, EV_LOW_SHARE_REF, a); set(res, EV_LOW_SHARE_EST, b);
    set(res, EV_LOW_SHARE_DIFF, diff(a.v, b.v, a.why, b.why));
done:
    free(on); free(flux);
    ev_sig_free(&sr); ev_sig_free(&st);
    return rc;
}

// The whole suite. ref/est mono mixes; the planar originals are for loudness.
static int pair_core(ev_pair_result *res, const float *ref, int64_t n_ref, const float *est,
                     int64_t n_est, int rate, const ev_pair_opts *o, const float *ref_pl,
                     int ref_ch, const float *est_pl, int est_ch) {
    ev_pair_opts def;
    if (!o) { ev_pair_opts_default(&def); o = &def; }
    for (int m = 0; m < EV_N_METRICS; m++) { res->value[m] = NAN; res->why[m] = "not computed"; }
    res->rate = rate;
    res->n_ref = n_ref; res->n_est = n_est;
    res->n_channels_ref = ref_ch; res->n_channels_est = est_ch;
    res->lag = 0; res->lag_ms = 0; res->n_notes = 0; res->n_used = 0;
    if (n_ref <= 0 || n_est <= 0 || rate <= 0) return GD_ERR_ARG;
    if (o->align) {
        int ok;
        int64_t max_lag = (int64_t)llround(o->max_lag_ms * 1e-3 * rate);
        res->lag = ev_align_lag(ref, n_ref, est, n_est, max_lag, &ok);
        if (!ok) return GD_ERR_NOMEM;
        res->lag_ms = 1000.0 * (double)res->lag / rate;
    }
    int64_t a = res->lag < 0 ? -res->lag : 0;
    int64_t b = n_est - res->lag < n_ref ? n_est - res->lag : n_ref;
    res->n_used = b > a ? b - a : 0;
    if (n_ref != n_est || res->lag != 0)
        note(res, "cropped to the common %lld samples (ref %lld, est %lld, lag %lld)",
             (long long)res->n_used, (long long)n_ref, (long long)n_est, (long long)res->lag);
    ev_val li, lm, ei, em;
    if (o->only == EV_RAVE_MSS) goto metrics;
    if (o->only == EV_VISQOL_MOS) {
        set(res, EV_VISQOL_MOS, ev_visqol(ref, n_ref, est, n_est, rate));
        return 0;
    }
    ev_loudness(ref_pl, ref_ch, n_ref, rate, 0.4, &li, &lm);
    ev_loudness(est_pl, est_ch, n_est, rate, 0.4, &ei, &em);
    set(res, EV_LOUD_REF, li); set(res, EV_LOUD_EST, ei);
    set(res, EV_MMAX_REF, lm); set(res, EV_MMAX_EST, em);
    set(res, EV_LOUD_DIFF, diff(li.v, ei.v, li.why, ei.why));
    set(res, EV_MMAX_DIFF, diff(lm.v, em.v, lm.why, em.why));
    set(res, EV_VISQOL_MOS, ev_visqol(ref, n_ref, est, n_est, rate));   // its own alignment
metrics:
    if (res->n_used < 2) {
        for (int m = 0; m < EV_N_METRICS; m++)
            if (res->why[m] && !strcmp(res->why[m], "not computed")) res->why[m] = "fewer than 2 common samples after alignment";
        return 0;
    }
    return pair_metrics(res, ref + a, est + a + res->lag, res->n_used, rate, o);
}

int ev_pair_mono(ev_pair_result *res, const float *ref, int64_t n_ref, const float *est,
                 int64_t n_est, int rate, const ev_pair_opts *opts) {
    return pair_core(res, ref, n_ref, est, n_est, rate, opts, ref, 1, est, 1);
}

float *ev_downmix(const gd_audio *a) {
    float *m = malloc(sizeof(float) * (a->n_frames > 0 ? a->n_frames : 1));
    if (!m) return NULL;
    if (a->n_channels == 1) {   // (float)(x / 1.0) is x
        memcpy(m, a->data, sizeof(float) * a->n_frames);
        return m;
    }
    for (int64_t i = 0; i < a->n_frames; i++) {
        double s = 0;
        for (int c = 0; c < a->n_channels; c++) s += a->data[(int64_t)c * a->n_frames + i];
        m[i] = (float)(s / a->n_channels);
    }
    return m;
}

int ev_pair_audio(ev_pair_result *res, const gd_audio *ref, const gd_audio *est,
                  const ev_pair_opts *opts) {
    if (ref->rate != est->rate) return GD_ERR_ARG;
    // A mono file is its own mix (ev_downmix would copy it unchanged): no second copy.
    float *cr = ref->n_channels == 1 ? NULL : ev_downmix(ref);
    float *ct = est->n_channels == 1 ? NULL : ev_downmix(est);
    const float *mr = ref->n_channels == 1 ? ref->data : cr;
    const float *mt = est->n_channels == 1 ? est->data : ct;
    if (!mr || !mt) { free(cr); free(ct); return GD_ERR_NOMEM; }
    int rc = pair_core(res, mr, ref->n_frames, mt, est->n_frames, ref->rate, opts, ref->data,
                       ref->n_channels, est->data, est->n_channels);
    if (!rc && (ref->n_channels > 1 || est->n_channels > 1))
        note(res, "spectral/time metrics on the mono mix (ref %d ch, est %d ch); loudness per file",
             ref->n_channels, est->n_channels);
    free(cr); free(ct);
    return rc;
}

int ev_pair_files(ev_pair_result *res, const char *ref_path, const char *est_path,
                  const ev_pair_opts *opts) {
    ev_pair_opts def;
    if (!opts) { ev_pair_opts_default(&def); opts = &def; }
    gd_audio_info ir, ie;
    int rc = gd_audio_info_read(ref_path, &ir);
    if (rc) return rc;
    if ((rc = gd_audio_info_read(est_path, &ie))) return rc;
    int rate = opts->rate > 0 ? opts->rate : ir.rate;
    gd_audio ref = {0}, est = {0};
    if ((rc = gd_audio_read(&ref, ref_path, rate, 0))) return rc;
    if ((rc = gd_audio_read(&est, est_path, rate, 0))) { gd_audio_free(&ref); return rc; }
    rc = ev_pair_audio(res, &ref, &est, opts);
    if (!rc && ir.rate != rate) note(res, "reference resampled from %d to %d Hz", ir.rate, rate);
    if (!rc && ie.rate != rate) note(res, "estimate resampled from %d to %d Hz", ie.rate, rate);
    gd_audio_free(&ref); gd_audio_free(&est);
    return rc;
}

void ev_pair_write_json(gd_json *j, const ev_pair_result *res, const char *clip,
                        const char *ref_path, const char *est_path) {
    ev_pair_write_json_group(j, res, clip, NULL, ref_path, est_path);
}

void ev_pair_write_json_group(gd_json *j, const ev_pair_result *res, const char *clip,
                              const char *group, const char *ref_path, const char *est_path) {
    gd_json_begin_object(j);
    if (clip) { gd_json_key(j, "clip"); gd_json_string(j, clip); }
    if (group) { gd_json_key(j, "group"); gd_json_string(j, group); }
    if (ref_path) { gd_json_key(j, "ref"); gd_json_string(j, ref_path); }
    if (est_path) { gd_json_key(j, "est"); gd_json_string(j, est_path); }
    gd_json_key(j, "rate"); gd_json_int(j, res->rate);
    gd_json_key(j, "channels_ref"); gd_json_int(j, res->n_channels_ref);
    gd_json_key(j, "channels_est"); gd_json_int(j, res->n_channels_est);
    gd_json_key(j, "n_ref"); gd_json_int(j, res->n_ref);
    gd_json_key(j, "n_est"); gd_json_int(j, res->n_est);
    gd_json_key(j, "n_used"); gd_json_int(j, res->n_used);
    gd_json_key(j, "lag_samples"); gd_json_int(j, res->lag);
    gd_json_key(j, "lag_ms"); gd_json_number(j, res->lag_ms);
    for (int m = 0; m < EV_N_METRICS; m++) {
        gd_json_key(j, k_keys[m]);
        if (res->why[m]) gd_json_null(j); else gd_json_number(j, res->value[m]);
    }
    gd_json_key(j, "null_reasons");
    gd_json_begin_object(j);
    for (int m = 0; m < EV_N_METRICS; m++)
        if (res->why[m]) { gd_json_key(j, k_keys[m]); gd_json_string(j, res->why[m]); }
    gd_json_end_object(j);
    gd_json_key(j, "notes");
    gd_json_begin_array(j);
    for (int i = 0; i < res->n_notes; i++) gd_json_string(j, res->notes[i]);
    gd_json_end_array(j);
    gd_json_end_object(j);
}
