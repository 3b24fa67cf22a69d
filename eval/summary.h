// summary.h: descriptive statistics of one metric over clips (NAN entries are skipped).
#ifndef EV_SUMMARY_H
#define EV_SUMMARY_H

typedef struct {
    int    n, n_null;
    double mean, median, sd, min, max;   // NAN when n == 0 (sd: n < 2)
} ev_summary;

// Summary of x (n values; NAN = undefined). Does not modify x.
ev_summary ev_summarise(const double *x, int n);
// Median of x (n > 0, finite); sorts x in place.
double ev_median_inplace(double *x, int n);

#endif
