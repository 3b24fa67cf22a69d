// fileio.h: atomic file writes, directories, whole-file reads, paths.
//
// Atomic writes: gd_atomic_open creates "<path>.tmp.<pid>.<n>" in the same directory;
// gd_atomic_commit flushes, fsyncs and renames it over path; gd_atomic_abort removes it.
// So Make, the pipeline cache and users never see half a file.
// Thread-safety: reentrant.
#ifndef GD_FILEIO_H
#define GD_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    char *tmp_path;   // owned
    char *path;       // owned
} gd_atomic;

int  gd_atomic_open(gd_atomic *a, const char *path, const char *mode);
// Closes and renames into place; on any error removes the temporary and returns GD_ERR_IO.
int  gd_atomic_commit(gd_atomic *a);
void gd_atomic_abort(gd_atomic *a);

// Temporary path next to path (malloc'd): for writers (libsndfile, libpng) that need a name.
char *gd_tmp_path_for(const char *path);
// Renames tmp over path (fsync first). Removes tmp on failure.
int  gd_rename_into_place(const char *tmp, const char *path);

// mkdir -p. Returns 0 if it exists or was made.
int  gd_mkdir_p(const char *dir);
// Reads a whole file (NUL-terminated, malloc'd) into *data, its length to *len.
int  gd_read_file(const char *path, char **data, size_t *len);
// 1 if path exists (any type).
int  gd_path_exists(const char *path);
// 1 if path is a directory.
int  gd_is_dir(const char *path);
// a + "/" + b, malloc'd (b absolute: copy of b).
char *gd_path_join(const char *a, const char *b);
// Directory part of path, malloc'd ("." when none).
char *gd_path_dirname(const char *path);
// The folder of the running binary (/proc/self/exe), malloc'd, or NULL.
char *gd_exe_dir(void);
// exe_dir/rel for the first rel (e.g. "../share/gendang/docs/x.md") that exists, malloc'd,
// or NULL: how the tools find their data files in the source tree and after `make install`.
char *gd_find_beside_exe(const char *const *rel, int n);
// Pointer to the last component of path (not a copy).
const char *gd_path_basename(const char *path);

#ifdef __cplusplus
}
#endif
#endif
