// error.c: error strings and the assertion handler.
#include "core/error.h" // defines: GD_ERR_*, gd_strerror

#include <stdio.h>
#include <stdlib.h>

const char *gd_strerror(int err) {
    switch (err) {
    case GD_OK:           return "success";
    case GD_ERR_IO:       return "cannot read or write file";
    case GD_ERR_FORMAT:   return "unexpected file format or contents";
    case GD_ERR_NOMEM:    return "out of memory";
    case GD_ERR_ARG:      return "invalid argument";
    case GD_ERR_RANGE:    return "value out of range";
    case GD_ERR_CHECKSUM: return "checksum mismatch";
    case GD_ERR_PARSE:    return "parse error";
    case GD_ERR_EMPTY:    return "empty input";
    case GD_ERR_NUMERIC:  return "non-finite number (NaN or Inf)";
    case GD_ERR_LEAK:     return "data from a held-out split would be used";
    case GD_ERR_INTERNAL: return "internal library error";
    default:              return "unknown error";
    }
}

void gd__assert_fail(const char *file, int line, const char *cond) {
    fprintf(stderr, "%s:%d: GD_ASSERT(%s) failed\n", file, line, cond);
    fflush(stderr);
    abort();
}
