// audio.c: audio file I/O (libsndfile), channel conversion, resampling (libsamplerate).
// We quantise ourselves (seeded TPDF dither, clamping with a count) and hand libsndfile
// left-justified 32-bit integers, so rounding and clipping are ours and reproducible.
#include "core/audio.h"  // defines: gd_audio_*, gd_resample
#include "core/error.h"  // defines: GD_ERR_*
#include "core/fileio.h" // defines: gd_tmp_path_for, gd_rename_into_place
#include "core/log.h"    // defines: gd_error, gd_warn
#include "core/rng.h"    // defines: gd_rng_*
#include "core/simd.h"       // defines: GD_SIMD

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

gd_write_opts gd_write_opts_default(void) {
    gd_write_opts o = {GD_PCM24, 0, 0};
    return o;
}

// Big buffers (whole signals) come from calloc's fresh, untouched mmap: asking for transparent
// huge pages before the first touch turns ~500 page faults per 2 MiB into one (a 60 s
// signal is 10 MiB). Advice only; contents and addresses are unchanged.
static void advise_huge(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (bytes < 2 * huge) return;
    uintptr_t b = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (e > b) madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p; (void)bytes;
#endif
}

int gd_audio_alloc(gd_audio *a, int n_channels, int64_t n_frames, int rate) {
    memset(a, 0, sizeof *a);
    size_t n = (size_t)n_channels * (size_t)(n_frames > 0 ? n_frames : 0);
    a->data = calloc(n ? n : 1, sizeof(float));
    if (!a->data) return GD_ERR_NOMEM;
    advise_huge(a->data, n * sizeof(float));
    a->n_channels = n_channels;
    a->n_frames = n_frames;
    a->rate = rate;
    return GD_OK;
}

void gd_audio_free(gd_audio *a) {
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

// Opens path for reading and explains failures in one line naming the file.
static SNDFILE *open_read(const char *path, SF_INFO *info, int *err) {
    memset(info, 0, sizeof *info);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        gd_error("%s: %s", path, strerror(errno));
        *err = GD_ERR_IO;
        return NULL;
    }
    fclose(probe);
    SNDFILE *sf = sf_open(path, SFM_READ, info);
    if (!sf) {
        gd_error("%s: not a readable audio file (%s)", path, sf_strerror(NULL));
        *err = GD_ERR_FORMAT;
        return NULL;
    }
    *err = GD_OK;
    return sf;
}

// Extension aliases of formats libsndfile lists under another extension.
static const char *const ext_alias[][2] = {
    {"aif", "aiff"}, {"aifc", "aiff"}, {"ogg", "oga"}, {"opus", "oga"}, {"mp3", "m1a"}, {"mp2", "m1a"}};

static int sndfile_reads_ext(const char *ext) {
    int n = 0;
    sf_command(NULL, SFC_GET_FORMAT_MAJOR_COUNT, &n, sizeof n);
    for (int i = 0; i < n; i++) {
        SF_FORMAT_INFO f = {.format = i};
        if (sf_command(NULL, SFC_GET_FORMAT_MAJOR, &f, sizeof f) == 0 && f.extension &&
            strcmp(f.extension, "raw") && !strcasecmp(f.extension, ext))
            return 1;
    }
    return 0;
}

int gd_audio_is_audio_name(const char *path) {
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path)) return 0;
    const char *ext = dot + 1;
    for (size_t i = 0; i < sizeof ext_alias / sizeof ext_alias[0]; i++)
        if (!strcasecmp(ext, ext_alias[i][0])) ext = ext_alias[i][1];
    return sndfile_reads_ext(ext);
}

int gd_audio_info_read(const char *path, gd_audio_info *out) {
    SF_INFO info;
    int err;
    SNDFILE *sf = open_read(path, &info, &err);
    if (!sf) return err;
    out->n_channels = info.channels;
    out->n_frames = info.frames;
    out->rate = info.samplerate;
    out->format = info.format;
    sf_close(sf);
    return GD_OK;
}

// libsndfile opens a WAV whose data chunk is cut short and silently shortens it; the log
// says so. We treat that as a damaged file rather than train on half a hit.
static int is_truncated(SNDFILE *sf) {
    char log[4096];
    sf_command(sf, SFC_GET_LOG_INFO, log, sizeof log);
    const char *data = strstr(log, "data : ");
    const char *eol = data ? strchr(data, '\n') : NULL;
    const char *should = data ? strstr(data, "(should be") : NULL;
    return should && (!eol || should < eol);
}

// Fast path for the common case, little-endian 16- or 24-bit PCM in a WAV file: the data chunk
// is read raw in large blocks (few read calls) and converted here to exactly the floats
// libsndfile's normalised reader gives (x / 2^15, x / 2^23). Returns frames read, or -1 when the
// format is not one of those (the caller then uses libsndfile's reader).
GD_SIMD
static sf_count_t read_pcm_raw(SNDFILE *sf, const SF_INFO *info, float *dst, int64_t n_frames) {
    int sub = info->format & SF_FORMAT_SUBMASK, end = info->format & SF_FORMAT_ENDMASK;
    int bytes = sub == SF_FORMAT_PCM_16 ? 2 : sub == SF_FORMAT_PCM_24 ? 3 : 0;
    if ((info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAV || !bytes ||
        (end != SF_ENDIAN_FILE && end != SF_ENDIAN_LITTLE))
        return -1;
    // Samples per read call, whole frames: sf_read_raw refuses a byte count that is not a
    // multiple of the frame size (3, 5, 6, 7 channels do not divide 65536).
    const int64_t chunk = 65536 - 65536 % info->channels;
    unsigned char *buf = malloc((size_t)chunk * bytes);
    if (!buf) return -1;
    int64_t total = n_frames * info->channels, done = 0;
    const float scale = bytes == 2 ? 1.0f / 32768.0f : 1.0f / 8388608.0f;
    while (done < total) {
        int64_t want = total - done < chunk ? total - done : chunk;
        sf_count_t got = sf_read_raw(sf, buf, (sf_count_t)(want * bytes)) / bytes;
        float *d = dst + done;
        if (bytes == 2)
            for (sf_count_t i = 0; i < got; i++)
                d[i] = (float)(int16_t)(buf[2 * i] | buf[2 * i + 1] << 8) * scale;
        else
            for (sf_count_t i = 0; i < got; i++) {
                int32_t v = (int32_t)((uint32_t)buf[3 * i] << 8 | (uint32_t)buf[3 * i + 1] << 16 |
                                      (uint32_t)buf[3 * i + 2] << 24) >> 8;
                d[i] = (float)v * scale;
            }
        done += got;
        if (got < want) break;
    }
    free(buf);
    return (sf_count_t)(done / info->channels);
}

// 1 when frame info->frames - 1 decodes; leaves sf at frame 0.
static int last_frame_reads(SNDFILE *sf, const SF_INFO *info) {
    float *tmp = malloc(sizeof(float) * (size_t)info->channels);
    int ok = tmp && sf_seek(sf, info->frames - 1, SEEK_SET) == info->frames - 1 &&
             sf_readf_float(sf, tmp, 1) == 1;
    free(tmp);
    return ok && sf_seek(sf, 0, SEEK_SET) == 0;
}

int gd_audio_read(gd_audio *out, const char *path, int rate, int n_channels) {
    memset(out, 0, sizeof *out);
    SF_INFO info;
    int err;
    SNDFILE *sf = open_read(path, &info, &err);
    if (!sf) return err;
    if (info.frames <= 0 || info.channels <= 0) {
        gd_error("%s: no audio frames", path);
        sf_close(sf);
        return GD_ERR_EMPTY;
    }
    if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV && is_truncated(sf)) {
        gd_error("%s: truncated audio data", path);
        sf_close(sf);
        return GD_ERR_FORMAT;
    }
    // A header's frame count is only a claim: other formats (FLAC's STREAMINFO, Ogg, AIFF) are
    // not checked against the file's size, and a damaged one can claim terabytes. Decoding the
    // claimed last frame before allocating makes the claim good or the file truncated.
    if ((info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAV && !last_frame_reads(sf, &info)) {
        gd_error("%s: truncated audio data (the header claims %lld frames)", path,
                 (long long)info.frames);
        sf_close(sf);
        return GD_ERR_FORMAT;
    }
    int C = info.channels;
    int64_t N = info.frames;
    float *inter = C > 1 ? malloc(sizeof(float) * (size_t)C * (size_t)N) : NULL;
    if ((C > 1 && !inter) || (err = gd_audio_alloc(out, C, N, info.samplerate))) {
        free(inter);
        sf_close(sf);
        return GD_ERR_NOMEM;
    }
    if (C == 1) inter = out->data;   // mono: interleaved is planar, read in place
    sf_count_t got = read_pcm_raw(sf, &info, inter, N);
    if (got < 0) {
        sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
        got = sf_readf_float(sf, inter, N);
    }
    sf_close(sf);
    if (got != N) {
        gd_error("%s: truncated audio data (%lld of %lld frames)", path, (long long)got,
                 (long long)N);
        if (inter != out->data) free(inter);
        gd_audio_free(out);
        return GD_ERR_FORMAT;
    }
    // finiteness, vectorised: v - v is 0 for finite v and NaN for Inf/NaN
    size_t n_all = (size_t)C * (size_t)N;
    for (size_t s = 0; s < n_all; s += 4096) {
        size_t e = n_all - s < 4096 ? n_all : s + 4096;
        int bad = 0;
        for (size_t i = s; i < e; i++) bad |= (inter[i] - inter[i]) != 0.0f;
        if (!bad) continue;
        for (size_t i = s; i < e; i++)
            if (!isfinite(inter[i])) {
                gd_error("%s: non-finite sample at frame %lld", path, (long long)(i / (size_t)C));
                if (inter != out->data) free(inter);
                gd_audio_free(out);
                return GD_ERR_NUMERIC;
            }
    }
    if (C > 1) {
        for (int64_t i = 0; i < N; i++)
            for (int c = 0; c < C; c++) out->data[(size_t)c * N + i] = inter[i * C + c];
        free(inter);
    }
    if (n_channels > 0 && (err = gd_audio_convert_channels(out, n_channels))) {
        gd_error("%s: cannot convert %d channels to %d", path, C, n_channels);
        gd_audio_free(out);
        return err;
    }
    if (rate > 0 && (err = gd_audio_resample(out, rate))) {
        gd_error("%s: resampling to %d Hz failed", path, rate);
        gd_audio_free(out);
        return err;
    }
    return GD_OK;
}

int gd_audio_convert_channels(gd_audio *a, int n_channels) {
    if (n_channels == a->n_channels) return GD_OK;
    int64_t N = a->n_frames;
    if (n_channels == 1) {
        for (int64_t i = 0; i < N; i++) {
            double s = 0;
            for (int c = 0; c < a->n_channels; c++) s += a->data[(size_t)c * N + i];
            a->data[i] = (float)(s / a->n_channels);
        }
    } else if (a->n_channels == 1) {
        float *d = realloc(a->data, sizeof(float) * (size_t)n_channels * (size_t)N);
        if (!d) return GD_ERR_NOMEM;
        a->data = d;
        for (int c = 1; c < n_channels; c++) memcpy(d + (size_t)c * N, d, sizeof(float) * N);
    } else {
        return GD_ERR_ARG;
    }
    a->n_channels = n_channels;
    return GD_OK;
}

int gd_resample(float **out, int64_t *n_out, const float *in, int64_t n_in, double rate_in,
                double rate_out) {
    double ratio = rate_out / rate_in;
    int64_t want = (int64_t)llround((double)n_in * ratio);
    float *y = calloc((size_t)(want > 0 ? want : 1), sizeof(float));
    if (!y) return GD_ERR_NOMEM;
    SRC_DATA d;
    memset(&d, 0, sizeof d);
    d.data_in = in;
    d.input_frames = (long)n_in;
    d.data_out = y;
    d.output_frames = (long)want;
    d.src_ratio = ratio;
    d.end_of_input = 1;
    int e = src_simple(&d, SRC_SINC_BEST_QUALITY, 1);
    if (e) {
        gd_error("libsamplerate: %s", src_strerror(e));
        free(y);
        return GD_ERR_INTERNAL;
    }
    // Fewer frames than asked (end-of-input rounding) leave zeros at the end.
    *out = y;
    *n_out = want;
    return GD_OK;
}

int gd_audio_resample(gd_audio *a, int rate) {
    if (rate == a->rate) return GD_OK;
    int64_t N = a->n_frames, M = (int64_t)llround((double)N * rate / a->rate);
    float *d = malloc(sizeof(float) * (size_t)a->n_channels * (size_t)(M > 0 ? M : 1));
    if (!d) return GD_ERR_NOMEM;
    for (int c = 0; c < a->n_channels; c++) {
        float *y;
        int64_t m;
        int err = gd_resample(&y, &m, a->data + (size_t)c * N, N, a->rate, rate);
        if (err) { free(d); return err; }
        memcpy(d + (size_t)c * M, y, sizeof(float) * (size_t)M);
        free(y);
    }
    free(a->data);
    a->data = d;
    a->n_frames = M;
    a->rate = rate;
    return GD_OK;
}

// 1 if every sample is an exact multiple of 1/scale within the integer range. In float: scale
// is a power of two no larger than 2^23, so x * scale is exact and an integer below 2^24 in
// magnitude converts to int32 and back unchanged. Blocks without branches, so it vectorises.
static int exactly_representable(const gd_audio *a, float scale) {
    size_t n = (size_t)a->n_channels * (size_t)a->n_frames;
    const float *d = a->data;
    for (size_t s = 0; s < n; s += 4096) {
        size_t e = n - s < 4096 ? n : s + 4096;
        int bad = 0;
        for (size_t i = s; i < e; i++) {
            float v = d[i] * scale;
            int in_range = v >= -scale && v <= scale - 1;   // false for NaN
            float vc = in_range ? v : 0.0f;
            bad |= !in_range | ((float)(int32_t)vc != vc);
        }
        if (bad) return 0;
    }
    return 1;
}

// Quantises m frames of planar channels (x + c * stride) to integers of `bits` bits, interleaved,
// packed little-endian into raw (m * C * bits / 8 bytes). dither: m * C words of the seeded
// stream (frame-major, channel-minor) or NULL; each gives one TPDF value in (-1, 1) LSB as the
// difference of its two 16-bit halves, so the quantisation error stays independent of the
// signal. Rounds to nearest (ties to even) by the 1.5 x 2^52 trick: exact IEEE arithmetic, the
// same on every instruction set. Returns the number of clipped samples.
// One channel at unit stride, the same arithmetic as the general loop below (the dither
// halves' difference is formed exactly in int32 instead of double). Clones for AVX-512 and
// AVX2 only change the vector width, not the operations, so the integers are the same.
GD_SIMD
static int quantise_mono(int32_t *restrict q, const float *restrict x,
                         const uint32_t *restrict d, int m, double scale) {
    const double hi = scale - 1, lo = -scale, magic = 6755399441055744.0;
    int nc = 0;
    if (d) {
        for (int i = 0; i < m; i++) {
            int32_t t = (int32_t)(d[i] >> 16) - (int32_t)(d[i] & 0xffffu);
            double v = (double)x[i] * scale + (double)t * (1.0 / 65536.0);
            double r = (v + magic) - magic;
            nc += (r > hi) | (r < lo);
            r = r > hi ? hi : r;
            r = r < lo ? lo : r;
            q[i] = (int32_t)r;
        }
    } else {
        for (int i = 0; i < m; i++) {
            double r = ((double)x[i] * scale + magic) - magic;
            nc += (r > hi) | (r < lo);
            r = r > hi ? hi : r;
            r = r < lo ? lo : r;
            q[i] = (int32_t)r;
        }
    }
    return nc;
}

// Packs n int32 samples as little-endian 24-bit words: four at a time with one byte shuffle
// (the low three bytes of each), written 16 bytes wide and 12 apart, so raw needs 4 spare
// bytes at the end; the rest one by one.
typedef unsigned char pack_v16 __attribute__((vector_size(16)));

GD_SIMD
static void pack24(unsigned char *raw, const int32_t *q, int64_t n) {
    int64_t k = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__   // the int32's bytes in memory are the word's
    for (; k + 4 <= n; k += 4) {
        pack_v16 v;
        memcpy(&v, q + k, sizeof v);
        v = __builtin_shufflevector(v, v, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0, 0, 0, 0);
        memcpy(raw + 3 * k, &v, sizeof v);
    }
#endif
    for (; k < n; k++) {
        uint32_t w = (uint32_t)q[k];
        unsigned char b3[3] = {(unsigned char)w, (unsigned char)(w >> 8), (unsigned char)(w >> 16)};
        memcpy(raw + 3 * k, b3, 3);
    }
}

static int64_t quantise_block(unsigned char *raw, const float *x, int64_t stride, int C,
                              int64_t m, int bits, const uint32_t *dither, int32_t *q) {
    const double scale = (double)(1 << (bits - 1)), hi = scale - 1, lo = -scale;
    const double magic = 6755399441055744.0;   // 1.5 x 2^52
    int64_t clipped = 0;
    for (int c = 0; c < C; c++) {
        const float *xc = x + (size_t)c * (size_t)stride;
        const uint32_t *dc = dither ? dither + c : NULL;
        int32_t *qc = q + c;
        int nc = 0, mi = (int)m, step = C;
        if (C == 1) {   // the common case, unit stride: vectorised (quantise_mono)
            nc = quantise_mono(qc, xc, dc, mi, scale);
        } else {
            for (int i = 0; i < mi; i++) {
                double v = (double)xc[i] * scale;
                if (dc) v += ((double)(dc[i * step] >> 16) - (double)(dc[i * step] & 0xffffu)) * (1.0 / 65536.0);
                double r = (v + magic) - magic;
                nc += (r > hi) | (r < lo);
                r = r > hi ? hi : r;
                r = r < lo ? lo : r;
                qc[i * step] = (int32_t)r;
            }
        }
        clipped += nc;
    }
    int64_t n = m * C;
    if (!raw) return clipped;
    if (bits == 16) {
        for (int64_t k = 0; k < n; k++) {
            raw[2 * k] = (unsigned char)q[k];
            raw[2 * k + 1] = (unsigned char)(q[k] >> 8);
        }
    } else {
        pack24(raw, q, n);
    }
    return clipped;
}

// Describes why a libsndfile write on sf just fell short: errno (cleared before the call)
// when the system refused it (disk full, file too large), else libsndfile's error for sf.
static void write_error(char *why, size_t cap, SNDFILE *sf) {
    if (why[0]) return;   // keep the first
    int e = errno;
    snprintf(why, cap, "%s", e ? strerror(e) : sf_strerror(sf));
}

// Starts (does not wait for) write-back of what was written since the last call, once 1 MiB
// has accumulated: the disk works while the CPU quantises the next blocks. Advice only.
static void start_writeback(int fd, off_t *flushed) {
#ifdef SYNC_FILE_RANGE_WRITE
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos - *flushed < ((off_t)1 << 20)) return;
    sync_file_range(fd, *flushed, pos - *flushed, SYNC_FILE_RANGE_WRITE);
    *flushed = pos;
#else
    (void)fd; (void)flushed;
#endif
}

// The container named by path's extension (case-insensitive): SF_FORMAT_FLAC for .flac,
// SF_FORMAT_WAV for .wav and for names without an audio extension; 0 (logged) for another
// audio format's extension, which would otherwise get a WAV under a misleading name. Ogg
// Vorbis is refused rather than written: libsndfile gives each Ogg stream a time-seeded
// random serial number, so the same samples would not give the same bytes.
static int container_for(const char *path) {
    static const char *const other[] = {"ogg", "oga", "opus", "mp3", "m4a", "aac", "wma",
                                        "aif", "aiff", "aifc", "au", "caf", "w64", "rf64", NULL};
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash)) return SF_FORMAT_WAV;
    if (!strcasecmp(dot + 1, "flac")) return SF_FORMAT_FLAC;
    for (const char *const *e = other; *e; e++)
        if (!strcasecmp(dot + 1, *e)) {
            gd_error("%s: cannot write .%s files (audio is written as .wav or .flac)", path, *e);
            return 0;
        }
    return SF_FORMAT_WAV;
}

int gd_audio_write(const char *path, const gd_audio *a, const gd_write_opts *opts,
                   int64_t *n_clipped) {
    gd_write_opts o = opts ? *opts : gd_write_opts_default();
    int C = a->n_channels;
    int64_t N = a->n_frames;
    if (n_clipped) *n_clipped = 0;
    int major = container_for(path), flac = major == SF_FORMAT_FLAC;
    if (!major) return GD_ERR_ARG;
    if (flac && o.format == GD_FLOAT32) {
        gd_error("%s: FLAC holds 16- or 24-bit integer samples, not 32-bit float", path);
        return GD_ERR_ARG;
    }
    SF_INFO info = {0};
    info.channels = C;
    info.samplerate = a->rate;
    info.format = major | (o.format == GD_PCM16 ? SF_FORMAT_PCM_16
                           : o.format == GD_FLOAT32 ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_24);
    if (!sf_format_check(&info) || C < 1 || a->rate < 1) {
        gd_error("%s: cannot write %d channels at %d Hz as %s", path, C, a->rate,
                 flac ? "FLAC" : "WAV");
        return GD_ERR_ARG;
    }
    char *tmp = gd_tmp_path_for(path);
    if (!tmp) return GD_ERR_NOMEM;
    // Our own descriptor, so the written blocks can be handed to the disk while later ones
    // are still being quantised (the fsync of gd_rename_into_place then has little left).
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        gd_error("%s: cannot write: %s", path, strerror(errno));
        free(tmp);
        return GD_ERR_IO;
    }
    SNDFILE *sf = sf_open_fd(fd, SFM_WRITE, &info, SF_TRUE);
    if (!sf) {
        gd_error("%s: cannot write: %s", path, sf_strerror(NULL));
        close(fd);
        remove(tmp);
        free(tmp);
        return GD_ERR_IO;
    }
    // libsndfile adds a PEAK chunk to float files, stamped with the time of writing: leave it
    // out, so the same samples always give the same bytes.
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    int64_t clipped = 0;
    off_t flushed = 0;
    int err = GD_OK;
    char why[256] = "";   // the first write error's reason (errno or libsndfile's)
    const int64_t block = 32768;   // frames per conversion block (few, large write calls)
    if (o.format == GD_FLOAT32) {
        float *buf = malloc(sizeof(float) * (size_t)C * block);
        if (!buf) err = GD_ERR_NOMEM;
        for (int64_t s = 0; s < N && !err; s += block) {
            int64_t m = N - s < block ? N - s : block;
            for (int64_t i = 0; i < m; i++)
                for (int c = 0; c < C; c++) {
                    float v = a->data[(size_t)c * N + s + i];
                    clipped += fabsf(v) > 1.0f;   // over full scale: kept, but counted
                    buf[i * C + c] = v;
                }
            errno = 0;
            if (sf_writef_float(sf, buf, m) != m) { err = GD_ERR_IO; write_error(why, sizeof why, sf); }
            start_writeback(fd, &flushed);
        }
        free(buf);
    } else {
        // Integer PCM: we quantise, and for WAV pack the little-endian bytes of the data chunk
        // ourselves and hand them to libsndfile raw (it writes the header). FLAC gets the same
        // integers left-justified in 32 bits, which libsndfile's FLAC encoder takes exactly.
        int bits = o.format == GD_PCM16 ? 16 : 24, bytes = bits / 8;
        int dither = !o.no_dither && !exactly_representable(a, (float)(1 << (bits - 1)));
        gd_rng rng;
        gd_rng_init(&rng, o.dither_seed, gd_rng_stream_id("dither", "wav"));
        uint32_t *u = dither ? malloc(sizeof(uint32_t) * (size_t)C * block) : NULL;
        int32_t *q = malloc(sizeof(int32_t) * (size_t)C * block);
        unsigned char *raw = malloc((size_t)bytes * (size_t)C * block + 4);
        if (!q || !raw || (dither && !u)) err = GD_ERR_NOMEM;
        for (int64_t s = 0; s < N && !err; s += block) {
            int64_t m = N - s < block ? N - s : block;
            if (dither) gd_rng_fill_u32(&rng, u, (size_t)(m * C));
            clipped += quantise_block(flac ? NULL : raw, a->data + s, N, C, m, bits,
                                      dither ? u : NULL, q);
            int ok;
            errno = 0;
            if (flac) {
                for (int64_t k = 0; k < m * C; k++) q[k] = (int32_t)((uint32_t)q[k] << (32 - bits));
                ok = sf_writef_int(sf, q, (sf_count_t)m) == m;
            } else {
                sf_count_t nb = (sf_count_t)(m * C * bytes);
                ok = sf_write_raw(sf, raw, nb) == nb;
            }
            if (!ok) { err = GD_ERR_IO; write_error(why, sizeof why, sf); }
            start_writeback(fd, &flushed);
        }
        free(u);
        free(q);
        free(raw);
    }
    errno = 0;
    int ce = sf_close(sf);   // writes the header (and FLAC's last frames): can fail as well
    if (ce && !err) {
        err = GD_ERR_IO;
        snprintf(why, sizeof why, "%s", errno ? strerror(errno) : sf_error_number(ce));
    }
    if (err) {
        gd_error("%s: cannot write: %s", path,
                 err == GD_ERR_NOMEM ? "out of memory" : why[0] ? why : "write error");
        remove(tmp);
    } else {
        err = gd_rename_into_place(tmp, path);
    }
    free(tmp);
    if (!err && clipped > 0)
        gd_warn("%s: %lld samples beyond full scale %s", path, (long long)clipped,
                o.format == GD_FLOAT32 ? "(kept in float)" : "clipped");
    if (n_clipped) *n_clipped = clipped;
    return err;
}
