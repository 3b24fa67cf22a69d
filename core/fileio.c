// fileio.c: atomic writes (temporary name, fsync, rename), mkdir -p, paths.
#include "core/fileio.h" // defines: gd_atomic_*, gd_mkdir_p, gd_path_*
#include "core/error.h"  // defines: GD_ERR_*
#include "core/log.h"    // defines: gd_error

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_uint tmp_counter;

char *gd_tmp_path_for(const char *path) {
    size_t n = strlen(path) + 64;
    char *tmp = malloc(n);
    if (!tmp) return NULL;
    snprintf(tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&tmp_counter, 1));
    return tmp;
}

static int fsync_path(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    int rc = fsync(fileno(f));
    fclose(f);
    return rc;
}

int gd_rename_into_place(const char *tmp, const char *path) {
    if (fsync_path(tmp) != 0 || rename(tmp, path) != 0) {
        gd_error("%s: cannot move into place: %s", path, strerror(errno));
        remove(tmp);
        return GD_ERR_IO;
    }
    return GD_OK;
}

int gd_atomic_open(gd_atomic *a, const char *path, const char *mode) {
    memset(a, 0, sizeof *a);
    a->path = strdup(path);
    a->tmp_path = gd_tmp_path_for(path);
    if (!a->path || !a->tmp_path) {
        gd_atomic_abort(a);
        return GD_ERR_NOMEM;
    }
    a->f = fopen(a->tmp_path, mode ? mode : "wb");
    if (!a->f) {
        gd_error("%s: cannot write: %s", path, strerror(errno));
        gd_atomic_abort(a);
        return GD_ERR_IO;
    }
    return GD_OK;
}

int gd_atomic_commit(gd_atomic *a) {
    int err = GD_OK;
    if (!a->f) err = GD_ERR_IO;
    else {
        int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
        if (fclose(a->f) != 0) bad = 1;
        a->f = NULL;
        if (bad) {
            gd_error("%s: write failed: %s", a->path, strerror(errno));
            err = GD_ERR_IO;
        } else if (rename(a->tmp_path, a->path) != 0) {
            gd_error("%s: cannot move into place: %s", a->path, strerror(errno));
            err = GD_ERR_IO;
        }
    }
    if (err) remove(a->tmp_path);
    free(a->tmp_path);
    free(a->path);
    memset(a, 0, sizeof *a);
    return err;
}

void gd_atomic_abort(gd_atomic *a) {
    if (a->f) fclose(a->f);
    if (a->tmp_path) remove(a->tmp_path);
    free(a->tmp_path);
    free(a->path);
    memset(a, 0, sizeof *a);
}

int gd_mkdir_p(const char *dir) {
    char *p = strdup(dir);
    if (!p) return GD_ERR_NOMEM;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                gd_error("%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return GD_ERR_IO;
            }
            *s = c;
            if (c == '\0') break;
        }
    }
    free(p);
    if (!gd_is_dir(dir)) {
        gd_error("%s: exists and is not a directory", dir);
        return GD_ERR_IO;
    }
    return GD_OK;
}

int gd_read_file(const char *path, char **data, size_t *len) {
    *data = NULL;
    if (len) *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        gd_error("%s: %s", path, strerror(errno));
        return GD_ERR_IO;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) { free(buf); buf = NULL; }
        else buf = nb;
    }
    int read_err = ferror(f);
    fclose(f);
    if (!buf) return GD_ERR_NOMEM;
    if (read_err) {
        free(buf);
        gd_error("%s: read error", path);
        return GD_ERR_IO;
    }
    buf[n] = '\0';
    *data = buf;
    if (len) *len = n;
    return GD_OK;
}

int gd_path_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

int gd_is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *gd_path_join(const char *a, const char *b) {
    if (b[0] == '/' || a[0] == '\0') return strdup(b);
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la);
    size_t k = la;
    if (a[la - 1] != '/') p[k++] = '/';
    memcpy(p + k, b, lb + 1);
    return p;
}

char *gd_path_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

char *gd_exe_dir(void) {
    char exe[4096];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0) return NULL;
    exe[k] = '\0';
    return gd_path_dirname(exe);
}

char *gd_find_beside_exe(const char *const *rel, int n) {
    char *dir = gd_exe_dir();
    for (int i = 0; dir && i < n; i++) {
        char *p = gd_path_join(dir, rel[i]);
        if (p && gd_path_exists(p)) { free(dir); return p; }
        free(p);
    }
    free(dir);
    return NULL;
}

const char *gd_path_basename(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}
