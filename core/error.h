// error.h: error codes, gd_strerror, GD_ASSERT.
//
// Fallible library functions return int: 0 (GD_OK) on success, a negative GD_ERR_* on
// failure; details go through gd_log (log.h). GD_ASSERT is for programmer errors (wrong
// shapes, NULL where forbidden): it prints file:line and aborts in every build.
// Thread-safety: everything here is thread-safe.
#ifndef GD_ERROR_H
#define GD_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    GD_OK            = 0,
    GD_ERR_IO        = -1,  // file missing, unreadable or unwritable
    GD_ERR_FORMAT    = -2,  // file exists but its contents are not what was expected
    GD_ERR_NOMEM     = -3,  // allocation failed
    GD_ERR_ARG       = -4,  // bad argument value (usage)
    GD_ERR_RANGE     = -5,  // number out of its allowed range
    GD_ERR_CHECKSUM  = -6,  // sha256 mismatch
    GD_ERR_PARSE     = -7,  // text that does not parse (number, CSV, YAML, ops string)
    GD_ERR_EMPTY     = -8,  // zero-length or all-silent input where content is needed
    GD_ERR_NUMERIC   = -9,  // NaN or Inf where finite numbers are needed
    GD_ERR_LEAK      = -10, // data from a forbidden split (test/valid) would be used
    GD_ERR_INTERNAL  = -11, // a library call failed for reasons not covered above
};

// Returns a static, human-readable description of err (never NULL).
const char *gd_strerror(int err);

// Aborts with file:line and the failed condition. Active in every build.
void gd__assert_fail(const char *file, int line, const char *cond);
#define GD_ASSERT(c) do { if (!(c)) gd__assert_fail(__FILE__, __LINE__, #c); } while (0)

#ifdef __cplusplus
}
#endif
#endif
