// loudness.c: ITU-R BS.1770-4 / EBU R 128 loudness through libebur128 (eval-metrics.md §4.3;
// not reimplemented). Integrated loudness (absolute gate -70 LUFS, relative gate -10 LU) and
// the maximum momentary loudness (400 ms window, read every 100 ms) of planar audio.
// For one-shots pad_s seconds of silence are appended so that every 400 ms block touching
// the clip is complete; silent blocks fall below the absolute gate and change nothing else.
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
    const int64_t total = n + (int64_t)llround(pad_s * rate);
    float *buf = malloc(sizeof(float) * (size_t)(chunk * n_channels));
    if (!buf) { ebur128_destroy(&st); return; }
    double mmax = -HUGE_VAL;
    for (int64_t s0 = 0; s0 < total; s0 += chunk) {
        int64_t m = total - s0 < chunk ? total - s0 : chunk;
        for (int64_t i = 0; i < m; i++)
            for (int c = 0; c < n_channels; c++)
                buf[i * n_channels + c] = s0 + i < n ? planar[(int64_t)c * n + s0 + i] : 0.0f;
        if (ebur128_add_frames_float(st, buf, (size_t)m) != EBUR128_SUCCESS) goto done;
        // Before 400 ms the meter's window still holds its initial zeros: its energy is part
        // of the 400 ms reading's (total >= 400 ms with the padding), so it cannot be the max.
        double mom;
        if (s0 + m >= 4 * chunk && ebur128_loudness_momentary(st, &mom) == EBUR128_SUCCESS && mom > mmax)
            mmax = mom;
    }
    double gl;
    if (ebur128_loudness_global(st, &gl) == EBUR128_SUCCESS)
        *integrated = isfinite(gl) ? ev_ok(gl) : ev_null("no 400 ms block above the -70 LUFS gate");
    *momentary_max = isfinite(mmax) ? ev_ok(mmax) : ev_null("silent (momentary loudness -inf)");
done:
    free(buf);
    ebur128_destroy(&st);
}
