// test.h: the tiny test runner (redis testhelp.h style).
//
// Each test program defines static void test_<case>(void) functions and calls RUN(test_x)
// for each from main, then returns TEST_REPORT(). RUN prints "ok name" or "FAIL name";
// tests/run.sh counts those lines. A program's exit status is its verdict.
#ifndef GD_TEST_H
#define GD_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int t_passed, t_failed, t_case_failed;

#define CHECK(c) do { if (!(c)) { \
    fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c); \
    t_case_failed = 1; } } while (0)

#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b), t_ = (tol); \
    if (!(fabs(a_ - b_) <= t_)) { \
    fprintf(stderr, "  %s:%d: CHECK_NEAR(%s, %s): %.9g vs %.9g (|diff| %.3g > %.3g)\n", \
            __FILE__, __LINE__, #a, #b, a_, b_, fabs(a_ - b_), t_); \
    t_case_failed = 1; } } while (0)

#define CHECK_ARRAY_NEAR(a, b, n, atol, rtol) do { double md_ = 0; long bad_ = -1; \
    for (long i_ = 0; i_ < (long)(n); i_++) { double d_ = fabs((double)(a)[i_] - (double)(b)[i_]); \
        if (d_ > md_) md_ = d_; \
        if (!(d_ <= (atol) + (rtol) * fabs((double)(b)[i_])) && bad_ < 0) bad_ = i_; } \
    if (bad_ >= 0) { fprintf(stderr, "  %s:%d: CHECK_ARRAY_NEAR(%s, %s): first bad [%ld] " \
        "%.9g vs %.9g, max diff %.3g\n", __FILE__, __LINE__, #a, #b, bad_, \
        (double)(a)[bad_], (double)(b)[bad_], md_); t_case_failed = 1; } } while (0)

#define RUN(fn) do { t_case_failed = 0; fn(); \
    printf("%s %s\n", t_case_failed ? "FAIL" : "ok", #fn); fflush(stdout); \
    if (t_case_failed) t_failed++; else t_passed++; } while (0)

#define TEST_REPORT() (t_failed ? 1 : 0)

#endif
