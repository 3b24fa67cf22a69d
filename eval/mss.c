// mss.c: RAVE-v1 multiscale spectral distance (eval-metrics.md §1.4), reimplemented from the
// written definition: per scale s in {2048, 1024, 512, 256, 128} (n_fft = win = s, hop s/4,
// reflect-padded centred periodic-Hann STFT, magnitudes R and T)
//   lin = mean((R - T)^2) / mean(R^2),  log = mean |ln(R + 1e-7) - ln(T + 1e-7)|,
// and the distance is the SUM over scales of lin + log (the value RAVE logs as "validation").
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/scales.h"  // defines: ev_scales_run (the per-scale sums)

ev_val ev_rave_mss_scales(const ev_scales *sc) {
    if (sc->rave_why) return ev_null(sc->rave_why);
    double total = 0;
    for (int s = 0; s < EV_N_SCALES; s++) total += sc->rave_term[s];   // 2048 .. 128
    return ev_ok(total);
}

ev_val ev_rave_mss(ev_sig *ref, ev_sig *est) { return ev_rave_mss_bounded(ref, est, 0); }

ev_val ev_rave_mss_bounded(ev_sig *ref, ev_sig *est, double stop_above) {
    ev_scales sc;
    memset(&sc, 0, sizeof sc);
    sc.rave = 1;
    sc.rave_stop = stop_above;
    if (ev_scales_run(&sc, ref, est)) return ev_null("out of memory");
    return ev_rave_mss_scales(&sc);
}
