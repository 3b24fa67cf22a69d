// audio.h: audio file read/write through libsndfile, resampling through libsamplerate.
//
// Samples are float32, nominal full scale [-1, 1]. Buffers are planar (C, N): channel c
// starts at data + c * n_frames, N contiguous. Rates are in Hz.
// Reading accepts anything libsndfile opens (WAV, FLAC, AIFF, OGG, ...), converts to the
// requested rate (libsamplerate SRC_SINC_BEST_QUALITY) and channel count (mono: mean of
// channels; mono to N: copies; N to M otherwise: error).
// Writing goes to a temporary name and is renamed into place (nothing half-written).
// Word-length reduction (to 16/24-bit PCM) adds seeded TPDF dither (+-1 LSB) unless every
// sample is already exactly representable, so PCM round trips are bit-exact. Samples beyond
// full scale are clamped and counted, never wrapped.
// Ownership: gd_audio.data is owned by the gd_audio; release with gd_audio_free.
// Thread-safety: all functions are reentrant (no shared state).
#ifndef GD_AUDIO_H
#define GD_AUDIO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float  *data;        // (n_channels, n_frames) planar
    int     n_channels;
    int64_t n_frames;
    int     rate;        // Hz
} gd_audio;

typedef struct {
    int     n_channels;
    int64_t n_frames;
    int     rate;
    int     format;      // libsndfile SF_FORMAT_* value
} gd_audio_info;

typedef enum { GD_PCM16 = 16, GD_PCM24 = 24, GD_FLOAT32 = 32 } gd_sample_format;

typedef struct {
    gd_sample_format format;   // default GD_PCM24
    uint64_t dither_seed;      // TPDF dither stream seed (used only when reducing word length)
    int      no_dither;        // 1: plain rounding
} gd_write_opts;

// Returns default write options: 24-bit PCM, dither seed 0.
gd_write_opts gd_write_opts_default(void);

// Allocates a zeroed (n_channels, n_frames) buffer. Returns 0 or GD_ERR_NOMEM.
int gd_audio_alloc(gd_audio *a, int n_channels, int64_t n_frames, int rate);
// Frees a->data and zeroes the struct. NULL-safe.
void gd_audio_free(gd_audio *a);

// 1 when path ends in the extension of a format libsndfile reads (the extensions of its major
// formats, e.g. wav, flac, aiff, au, caf, w64, rf64, oga, and their usual aliases aif, aifc,
// ogg, opus, mp3 where libsndfile reads MPEG), case-insensitive. Header-less raw is not one:
// it cannot be opened without being told its format. For picking audio out of a folder.
int gd_audio_is_audio_name(const char *path);

// Reads header information. Errors: GD_ERR_IO (missing/unreadable), GD_ERR_FORMAT (not audio).
int gd_audio_info_read(const char *path, gd_audio_info *info);

// Reads path into *out at rate (0: the file's rate) with n_channels (0: the file's count).
// Errors (logged with the path): GD_ERR_IO, GD_ERR_FORMAT (not audio, truncated),
// GD_ERR_EMPTY (zero frames), GD_ERR_ARG (impossible channel conversion), GD_ERR_NUMERIC
// (NaN/Inf samples in a float file).
int gd_audio_read(gd_audio *out, const char *path, int rate, int n_channels);

// Writes path atomically: FLAC when it ends in .flac (16 or 24 bit; float is GD_ERR_ARG),
// GD_ERR_ARG for another audio format's extension (.ogg, .mp3, .aiff, ...), WAV otherwise.
// Failures are logged naming path and the reason (errno or libsndfile's). n_clipped (may be
// NULL) receives the number of clamped samples; a warning naming the file is logged when it
// is non-zero. opts may be NULL.
int gd_audio_write(const char *path, const gd_audio *a, const gd_write_opts *opts,
                   int64_t *n_clipped);

// Resamples one channel: in (n_in) at rate_in to *out (malloc'd, caller frees) of
// *n_out = round(n_in * rate_out / rate_in) samples at rate_out. Best-quality sinc; the
// filter delay is compensated so time 0 stays time 0.
int gd_resample(float **out, int64_t *n_out, const float *in, int64_t n_in,
                double rate_in, double rate_out);

// Resamples every channel of a in place to rate (no-op when equal).
int gd_audio_resample(gd_audio *a, int rate);

// Converts a in place to n_channels (see rules above).
int gd_audio_convert_channels(gd_audio *a, int n_channels);

#ifdef __cplusplus
}
#endif
#endif
