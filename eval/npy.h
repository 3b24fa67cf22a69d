// npy.h: reader for NumPy .npy arrays (format versions 1.0-3.0), for embeddings computed
// elsewhere. Accepts little-endian float32/float64 ('<f4', '<f8'), C order, 1-D (one row) or
// 2-D (rows x cols). Ownership: *data is malloc'd (rows x cols doubles), caller frees.
#ifndef EV_NPY_H
#define EV_NPY_H

// Returns 0, GD_ERR_IO (unreadable), GD_ERR_FORMAT (not a supported .npy), GD_ERR_NOMEM.
int ev_npy_read(const char *path, double **data, int *rows, int *cols);

#endif
