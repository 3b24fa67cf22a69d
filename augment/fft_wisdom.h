// fft_wisdom.h: FFTW wisdom for augment/fftwise.c (data in fft_wisdom.c, a copy of
// eval/fft_wisdom.c: FFTW_PATIENT up to 16384 points, FFTW_MEASURE above, up to 2^21, made
// on the development machine). It applies only where FFTW's build and CPU offer the same
// codelets; otherwise fftwise.c falls back to FFTW_ESTIMATE. One string per line.
#ifndef AUG_FFT_WISDOM_H
#define AUG_FFT_WISDOM_H

extern const char *const aug_fft_wisdom[];
extern const int aug_fft_wisdom_lines;

#endif
