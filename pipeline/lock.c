// lock.c: the output folder's run lock (see lock.h).
#include "pipeline/lock.h" // defines: pl_out_lock
#include "core/fileio.h"   // defines: gd_mkdir_p, gd_path_join
#include "core/log.h"      // defines: gd_error

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int pl_out_lock(const char *out) {
    char *dir = gd_path_join(out, ".gendang"), *path = dir ? gd_path_join(dir, "lock") : NULL;
    int fd = path && gd_mkdir_p(dir) == 0 ? open(path, O_RDWR | O_CREAT, 0644) : -1;
    if (fd < 0 && path) gd_error("%s: cannot open the run lock: %s", path, strerror(errno));
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char who[256] = "";
        ssize_t n = errno == EWOULDBLOCK ? pread(fd, who, sizeof who - 1, 0) : -1;
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        long pid = 0;
        int gone = sscanf(who, "pid %ld", &pid) == 1 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
        if (n >= 0)
            gd_error("%s: another `gendang run` is working in this folder (%s%s); wait for it or "
                     "stop it", out, who[0] ? who : "holder unknown",
                     gone ? "; that process has exited but steps it started still run" : "");
        else
            gd_error("%s: cannot lock: %s", path, strerror(errno));
        close(fd);
        fd = -1;
    } else if (fd >= 0) {
        char host[256] = "?", when[64] = "?";
        gethostname(host, sizeof host - 1);
        host[sizeof host - 1] = '\0';
        time_t now = time(NULL);
        struct tm tm;
        if (localtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        char line[400];
        int len = snprintf(line, sizeof line, "pid %ld on %s since %s\n", (long)getpid(), host, when);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) != len)
            gd_error("%s: cannot write the holder (the lock is held)", path);
    }
    free(path);
    free(dir);
    return fd;
}
