// leak_band.h: the frequency bins where one set of training clips (e.g. bell hits) carries
// its energy and the others do not, and how much of a sound's energy falls there. Used by
// `gendang-train attribute --leak` as a model-free check of what attribution says.
//
// Spectra are power spectra from a 2048-point STFT (hop 512, periodic Hann, centred) at the
// caller's sample rate, summed over frames and normalised to sum 1 per clip, so every clip
// weighs the same whatever its length and level. A bin belongs to the band when the mean
// normalised spectrum of the matching clips is at least 6 dB (4x power) above the mean of
// the other clips. Bin 0 (DC) never does.
// Ownership: rv_leak_band owns its mask; rv_leak_band_free releases it.
#ifndef RV_LEAK_BAND_H
#define RV_LEAK_BAND_H

#define RV_LEAK_BAND_NFFT 2048

typedef struct {
    unsigned char *mask;   // (RV_LEAK_BAND_NFFT/2 + 1) 1 = in the band
    int            n_bins, n_in_band;
    double        *sum_match, *sum_other;   // (n_bins) running sums of normalised spectra
    int            n_match, n_other;
} rv_leak_band;

// An empty accumulator; returns 0 or GD_ERR_NOMEM.
int    rv_leak_band_init(rv_leak_band *b);
// Adds clip x (n samples) to the matching (match = 1) or other set. Returns 0 or GD_ERR_*.
int    rv_leak_band_add(rv_leak_band *b, const float *x, long n, int match);
// Sets the mask from the sums; GD_ERR_FORMAT when either set is empty.
int    rv_leak_band_finish(rv_leak_band *b);
// Share in [0, 1] of x's energy in the band's bins; NAN for silence or on failure.
double rv_leak_band_share(const rv_leak_band *b, const float *x, long n);
void   rv_leak_band_free(rv_leak_band *b);

#endif
