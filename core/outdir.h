// outdir.h: output folders that hold exactly what their tool wrote.
//
// A corpus tool (data export, data assemble, augment run, synth render) claims its output
// folder before any work: the folder may be new, empty, or an earlier output of the tool (it
// holds one of the tool's marker files, e.g. metadata.csv). Anything else is refused, so a
// mistyped -o never costs a user's files. Once the tool has written its list (metadata.csv),
// gd_outdir_prune removes every other file below the folder: outputs of earlier runs that
// this run no longer makes, and the temporaries ("NAME.tmp.PID.N", core/fileio.h) that
// interrupted runs left. Entries whose name starts with '.' (a tool's own state, such as
// augment's .journal) are left alone.
//
// A tool that writes into a folder it may share with other files (train transfer -o DIR)
// uses gd_outlist_* instead: it records the names it writes in a hidden list file in the
// folder and only ever removes names from that list (and their temporaries).
// Not thread-safe per folder: one writer per output folder (the pipeline's run lock).
#ifndef GD_OUTDIR_H
#define GD_OUTDIR_H

#include "core/metadata.h" // defines: gd_meta

#ifdef __cplusplus
extern "C" {
#endif

// {"metadata.csv", NULL}: the marker of a corpus folder and its one file besides the audio
// that metadata.csv lists (markers/extra for the calls below).
extern const char *const gd_corpus_files[];

// 1 when name (a file name, no folder) is a temporary of core/fileio.h: ends in
// ".tmp.<digits>.<digits>".
int gd_is_tmp_name(const char *name);

// Creates dir if missing. Refuses (GD_ERR_ARG, logged naming dir) a path that is not a
// folder, or a folder holding visible entries but none of markers (NULL-terminated names
// relative to dir).
int gd_outdir_claim(const char *dir, const char *const *markers);

// Removes every visible file below dir whose path relative to dir ("train/x.wav") is not
// one of keep[0..n_keep), then the visible sub-folders left empty. Hidden entries are not
// entered or removed. *n_removed (may be NULL) receives the count of files removed.
int gd_outdir_prune(const char *dir, const char *const *keep, int n_keep, int *n_removed);

// gd_outdir_prune keeping the files of m's rows and the names in extra (NULL-terminated,
// may be NULL), e.g. "metadata.csv". Logs the count removed (info).
int gd_outdir_prune_meta(const char *dir, const gd_meta *m, const char *const *extra);

// Before writing names[0..n) into dir: removes the temporaries of every name in dir's list
// file (list, e.g. ".transfer-outputs") or in names, then records the union, so an
// interrupted run's outputs stay known. Creates dir if missing.
int gd_outlist_begin(const char *dir, const char *list, const char *const *names, int n);
// After writing: removes the listed files that are not in names, and lists only names.
int gd_outlist_finish(const char *dir, const char *list, const char *const *names, int n);

#ifdef __cplusplus
}
#endif
#endif
