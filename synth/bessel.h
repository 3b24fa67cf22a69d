// bessel.h: zeros of the Bessel functions J_m, the eigenvalues of a fixed-rim circular membrane.
//
// A table of the first zeros j_mn (m = 0.., n = 1..), sorted ascending, computed once with
// glibc's jn() by scanning for sign changes and bisecting to ~1e-13. The table is built by
// syn_zeros_init (slow: ~1 ms) and then read by any number of threads.
// Ownership: syn_zeros owns its array; free with syn_zeros_free.
#ifndef SYN_BESSEL_H
#define SYN_BESSEL_H

typedef struct {
    int     m, n;     // nodal diameters, nodal circles (rim included, n >= 1)
    double  j;        // n-th positive zero of J_m
} syn_zero;

typedef struct {
    syn_zero *z;      // n_zeros entries, ascending in j
    int       n_zeros;
} syn_zeros;

// Fills t with every zero j_mn < j_max (sorted ascending). Returns 0 or GD_ERR_NOMEM.
int  syn_zeros_init(syn_zeros *t, double j_max);
void syn_zeros_free(syn_zeros *t);

// The n-th positive zero of J_m (n >= 1), by scan + bisection.
double syn_bessel_zero(int m, int n);

// Bessel function of the first kind J_m(x) (wrapper over jn, m >= 0).
double syn_bessel_j(int m, double x);

#endif
