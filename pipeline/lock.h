// lock.h: one `gendang run` per output folder.
//
// pl_out_lock takes an exclusive flock(2) on OUT/.gendang/lock and writes the holder into it
// ("pid P on HOST since YYYY-MM-DD HH:MM:SS"). The descriptor is inherited by the steps the
// run starts, so the lock is held until the run and every step it started have exited; the
// kernel releases it however they end (a crash or kill -9 leaves no stale lock). A second
// run on the same folder is refused with one line naming the holder. `gendang plan` output
// run by make or by hand takes no lock.
#ifndef PL_LOCK_H
#define PL_LOCK_H

// Returns the lock's descriptor (>= 0; close it to release once no step runs), or -1 after
// logging why: held by another run (naming it), or the file cannot be made.
int pl_out_lock(const char *out);

#endif
