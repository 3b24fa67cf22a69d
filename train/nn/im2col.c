// im2col.c: see im2col.h.
#include "train/nn/im2col.h"

#include <string.h>

// Range of t for which 0 <= t*s + off < T_in, as [*lo, *hi).
static void valid_range(int *lo, int *hi, int off, int s, int T_in, int T_out) {
    int a = off >= 0 ? 0 : (-off + s - 1) / s;
    int b = T_in - off <= 0 ? 0 : (T_in - off + s - 1) / s;
    if (b > T_out) b = T_out;
    if (a > b) a = b;
    *lo = a; *hi = b;
}

void rv_im2col(rv_real *col, const rv_real *x, int C, int T_in, int K, int s, int d, int pl,
               int T_out) {
    #pragma omp parallel for schedule(dynamic, 1) if((long)C * K * T_out > RV_PAR_MIN)
    for (int c = 0; c < C; c++) {
        for (int k = 0; k < K; k++) {
            rv_real *row = col + ((long)c * K + k) * T_out;
            const rv_real *xc = x + (long)c * T_in;
            int off = k * d - pl, lo, hi;
            valid_range(&lo, &hi, off, s, T_in, T_out);
            for (int t = 0; t < lo; t++) row[t] = 0;
            if (s == 1) memcpy(row + lo, xc + lo + off, sizeof(rv_real) * (hi - lo));
            else for (int t = lo; t < hi; t++) row[t] = xc[t * s + off];
            for (int t = hi; t < T_out; t++) row[t] = 0;
        }
    }
}

void rv_col2im(rv_real *x, const rv_real *col, int C, int T_in, int K, int s, int d, int pl,
               int T_out) {
    #pragma omp parallel for schedule(dynamic, 1) if((long)C * K * T_out > RV_PAR_MIN)
    for (int c = 0; c < C; c++) {
        rv_real *xc = x + (long)c * T_in;
        for (int k = 0; k < K; k++) {
            const rv_real *row = col + ((long)c * K + k) * T_out;
            int off = k * d - pl, lo, hi;
            valid_range(&lo, &hi, off, s, T_in, T_out);
            for (int t = lo; t < hi; t++) xc[t * s + off] += row[t];
        }
    }
}
