// lowshare.c: share of a signal's energy below a cutoff (60 Hz for the pair suite): the
// one-sided power spectrum of the whole mean-removed signal, zero-padded to a power of two
// (rectangular window: a one-shot starts and ends near silence), gives
//   share = sum_{f_k < cutoff} w_k |X_k|^2 / sum_k w_k |X_k|^2,   w_k = 2 except DC and Nyquist.
// Rumble or missing body below 60 Hz shows here when the broadband metrics hardly move.
#include "eval/metrics.h"

#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"  // defines: gd_fftwise_plan_r2c, gd_fftwise_exec_r2c_power

ev_val ev_low_energy_share(const float *x, int64_t n, int rate, double cutoff_hz) {
    if (n <= 0 || rate <= 0) return ev_null("empty signal");
    int64_t nf = 16;
    while (nf < n) nf <<= 1;
    const void *plan = gd_fftwise_plan_r2c((int)nf, 1);
    float *in = gd_fft_alloc(nf), *scratch = gd_fft_alloc(nf + 2), *pw = gd_fft_alloc(nf / 2 + 1);
    if (!plan || !in || !scratch || !pw) {
        gd_fft_free(in); gd_fft_free(scratch); gd_fft_free(pw);
        return ev_null("out of memory");
    }
    double mean = 0;
    for (int64_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    for (int64_t i = 0; i < nf; i++) in[i] = i < n ? (float)(x[i] - mean) : 0.0f;
    gd_fftwise_exec_r2c_power(plan, in, scratch, pw, 0);
    double low = 0, total = 0;
    for (int64_t k = 0; k <= nf / 2; k++) {
        double e = (k == 0 || k == nf / 2 ? 1.0 : 2.0) * pw[k];
        total += e;
        if ((double)k * rate / (double)nf < cutoff_hz) low += e;
    }
    gd_fft_free(in); gd_fft_free(scratch); gd_fft_free(pw);
    if (!(total > 0)) return ev_null("silent (or constant) signal");
    return ev_ok(low / total);
}
