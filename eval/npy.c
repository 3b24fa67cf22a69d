// npy.c: minimal .npy reader (see npy.h). The header is a Python dict literal; only the
// 'descr', 'fortran_order' and 'shape' entries are read.
#include "eval/npy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/fileio.h"  // defines: gd_read_file

int ev_npy_read(const char *path, double **data, int *rows, int *cols) {
    char *buf;
    size_t len;
    if (gd_read_file(path, &buf, &len)) return GD_ERR_IO;
    const unsigned char *u = (const unsigned char *)buf;
    int rc = GD_ERR_FORMAT;
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6)) goto done;
    size_t hl, off;
    if (u[6] == 1) { hl = u[8] | (size_t)u[9] << 8; off = 10; }
    else if (u[6] == 2 || u[6] == 3) {
        if (len < 12) goto done;
        hl = u[8] | (size_t)u[9] << 8 | (size_t)u[10] << 16 | (size_t)u[11] << 24; off = 12;
    } else goto done;
    if (off + hl > len) goto done;
    char *hdr = malloc(hl + 1);
    if (!hdr) { rc = GD_ERR_NOMEM; goto done; }
    memcpy(hdr, buf + off, hl);
    hdr[hl] = '\0';
    int f4 = strstr(hdr, "'<f4'") != NULL, f8 = strstr(hdr, "'<f8'") != NULL;
    int fortran = strstr(hdr, "'fortran_order': True") != NULL;
    const char *sh = strstr(hdr, "'shape':");
    long dims[2] = {0, 0};
    int nd = 0;
    if (sh && (sh = strchr(sh, '('))) {
        sh++;
        while (nd < 3) {
            while (*sh == ' ') sh++;
            if (*sh == ')') break;
            char *end;
            long v = strtol(sh, &end, 10);
            if (end == sh) { nd = 9; break; }
            if (nd < 2) dims[nd] = v;
            nd++;
            sh = end;
            while (*sh == ' ') sh++;
            if (*sh == ',') sh++;
        }
    }
    free(hdr);
    if ((!f4 && !f8) || fortran || nd < 1 || nd > 2) goto done;
    long r = nd == 1 ? 1 : dims[0], c = nd == 1 ? dims[0] : dims[1];
    size_t es = f4 ? 4 : 8, body = off + hl;
    if (r < 1 || c < 1 || (size_t)r * c * es > len - body) goto done;
    double *out = malloc(sizeof(double) * r * c);
    if (!out) { rc = GD_ERR_NOMEM; goto done; }
    for (long i = 0; i < r * c; i++) {
        if (f4) { float v; memcpy(&v, buf + body + i * 4, 4); out[i] = v; }
        else { double v; memcpy(&v, buf + body + i * 8, 8); out[i] = v; }
    }
    *data = out; *rows = (int)r; *cols = (int)c;
    rc = 0;
done:
    free(buf);
    return rc;
}
