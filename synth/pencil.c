// pencil.c: matrix pencil estimation on LAPACK (see pencil.h).
#include "synth/pencil.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Order from the singular values s (k, descending).
static int choose_order(const double *s, int k, int max_order, double rel_thr) {
    double *tail = malloc(sizeof(double) * (size_t)k);
    if (!tail) return 0;
    int nt = 0;
    for (int i = k / 2; i < k; i++) tail[nt++] = s[i];
    qsort(tail, (size_t)nt, sizeof(double), cmp_dbl);
    double plateau = nt ? tail[nt / 2] : 0;
    free(tail);
    double thr = fmax(rel_thr * s[0], 3.0 * plateau);
    int m = 0;
    while (m < k && m < max_order && s[m] > thr) m++;
    return m;
}

int syn_pencil(double complex *poles, double complex *amps, const double complex *y, int n,
               int max_order, double rel_thr) {
    int L = n / 3, rows = n - L, cols = L + 1;
    if (L < 2 || rows < cols) return GD_ERR_ARG;
    int k = cols;   // min(rows, cols)
    double complex *H = malloc(sizeof(double complex) * (size_t)rows * cols);
    double complex *U = malloc(sizeof(double complex) * (size_t)rows * k);
    double complex *VT = malloc(sizeof(double complex) * (size_t)k * cols);
    double *s = malloc(sizeof(double) * (size_t)k);
    double complex *A = NULL, *B = NULL, *W = NULL, *Z = NULL, *rhs = NULL;
    int m = 0, err = 0;
    if (!H || !U || !VT || !s) { err = GD_ERR_NOMEM; goto done; }
    for (int i = 0; i < rows; i++)            // row-major Hankel
        for (int j = 0; j < cols; j++) H[(size_t)i * cols + j] = y[i + j];
    if (LAPACKE_zgesdd(LAPACK_ROW_MAJOR, 'S', rows, cols, H, cols, s, U, k, VT, cols)) {
        err = GD_ERR_INTERNAL; goto done;
    }
    m = choose_order(s, k, max_order, rel_thr);
    if (m == 0) goto done;
    // Shift operator X (m x m): V1^T X = V2^T with V1 = VT[:m, 0:L], V2 = VT[:m, 1:L+1].
    A = malloc(sizeof(double complex) * (size_t)L * m);
    B = malloc(sizeof(double complex) * (size_t)L * m);
    W = malloc(sizeof(double complex) * (size_t)m);
    if (!A || !B || !W) { err = GD_ERR_NOMEM; goto done; }
    for (int j = 0; j < L; j++)
        for (int c = 0; c < m; c++) {
            A[(size_t)j * m + c] = VT[(size_t)c * cols + j];
            B[(size_t)j * m + c] = VT[(size_t)c * cols + j + 1];
        }
    if (LAPACKE_zgels(LAPACK_ROW_MAJOR, 'N', L, m, m, A, m, B, m)) { err = GD_ERR_INTERNAL; goto done; }
    // B[0:m, 0:m] now holds X^T... eigenvalues are the same for X and X^T.
    if (LAPACKE_zgeev(LAPACK_ROW_MAJOR, 'N', 'N', m, B, m, W, NULL, 1, NULL, 1)) {
        err = GD_ERR_INTERNAL; goto done;
    }
    // Amplitudes: Vandermonde least squares Z a = y, Z[t][c] = w_c^t.
    Z = malloc(sizeof(double complex) * (size_t)n * m);
    rhs = malloc(sizeof(double complex) * (size_t)n);
    if (!Z || !rhs) { err = GD_ERR_NOMEM; goto done; }
    for (int c = 0; c < m; c++) {
        double complex p = 1;
        for (int t = 0; t < n; t++) { Z[(size_t)t * m + c] = p; p *= W[c]; }
    }
    memcpy(rhs, y, sizeof(double complex) * (size_t)n);
    if (LAPACKE_zgels(LAPACK_ROW_MAJOR, 'N', n, m, 1, Z, m, rhs, 1)) { err = GD_ERR_INTERNAL; goto done; }
    for (int c = 0; c < m; c++) { poles[c] = W[c]; amps[c] = rhs[c]; }
done:
    free(H); free(U); free(VT); free(s); free(A); free(B); free(W); free(Z); free(rhs);
    return err ? err : m;
}
