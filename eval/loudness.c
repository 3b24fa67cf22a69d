// loudness.c: ITU-R BS.1770-4 / EBU R 128 loudness through libebur128 (eval-metrics.md §4;
// not reimplemented). Integrated loudness (absolute gate -70 LUFS, relative gate -10 LU) and
// the maximum momentary loudness (400 ms window, read every 100 ms) of planar audio.
// Integrated loudness is BS.1770's: the gating blocks of the clip itself, an incomplete last
// block dropped. Only a clip shorter than one block (400 ms), which BS.1770 gives no value, is
// padded with silence to exactly one block, so a one-shot of any length has a value and it
// changes continuously with the length. Padding a longer file would add part-silent blocks
// that pass the gates and lower the value (a 20 s 0 dBFS sine: -3.040 instead of -3.010).
// The momentary readings run on over pad_s seconds of appended silence (windows reaching
// past the end of a one-shot); those frames never reach the integrated value.
#include "eval/metrics.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>

void ev_loudness(const float *planar, int n_channels, int64_t n, int rate, double pad_s,
                 ev_val *integrated, ev_val *momentary_max) {
    *integrated = *momentary_max = ev_null("loudness meter failed");
    ebur128_state *st = ebur128_init((unsigned)n_channels, (unsigned long)rate,
                                     EBUR128_MODE_M | EBUR128_MODE_I);
    if (!st) return;
    const int64_t chunk = rate / 10 > 0 ? rate / 10 : 1;
    const int64_t block = 4 * (((int64_t)rate + 5) / 10);  // libebur128's 400 ms in frames
    const int64_t n_int = n > block ? n : block;            // frames the integrated value sees
    int64_t total = n + (int64_t)llround(pad_s * rate);
    if (total < n_int) total = n_int;
    float *buf = malloc(sizeof(float) * (size_t)(chunk * n_channels));
    if (!buf) { ebur128_destroy(&st); return; }
    double mmax = -HUGE_VAL, gl = -HUGE_VAL;
    int have_gl = 0;
    for (int64_t s0 = 0, e; s0 < total; s0 = e) {
        e = (s0 / chunk + 1) * chunk;
        if (e > total) e = total;
        if (s0 < n_int && e > n_int) e = n_int;  // stop at n_int to read the integrated value
        int64_t m = e - s0;
        for (int64_t i = 0; i < m; i++)
            for (int c = 0; c < n_channels; c++)
                buf[i * n_channels + c] = s0 + i < n ? planar[(int64_t)c * n + s0 + i] : 0.0f;
        if (ebur128_add_frames_float(st, buf, (size_t)m) != EBUR128_SUCCESS) goto done;
        if (e == n_int) have_gl = ebur128_loudness_global(st, &gl) == EBUR128_SUCCESS;
        // Readings every 100 ms and at the end. Before 400 ms the meter's window still holds
        // its initial zeros: its energy is part of the 400 ms reading's (total >= 400 ms), so
        // it cannot be the max.
        double mom;
        if ((e % chunk == 0 || e == total) && e >= 4 * chunk &&
            ebur128_loudness_momentary(st, &mom) == EBUR128_SUCCESS && mom > mmax)
            mmax = mom;
    }
    if (have_gl)
        *integrated = isfinite(gl) ? ev_ok(gl) : ev_null("no 400 ms block above the -70 LUFS gate");
    *momentary_max = isfinite(mmax) ? ev_ok(mmax) : ev_null("silent (momentary loudness -inf)");
done:
    free(buf);
    ebur128_destroy(&st);
}
