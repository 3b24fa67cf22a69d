// split_guard.h: which split a recording belongs to, per a data manifest.
//
// The synthesiser's fitting must never see test-split recordings (docs/design.md, "Splits and
// leakage"). The manifest is read by core's one manifest reader (core/manifest.h,
// gd_manifest_load_paths: roots, GENDANG_ROOT_<NAME> overrides, relative paths); this answers
// "what split is this file?" by comparing real paths (symbolic links and ".." resolved).
#ifndef SYN_SPLIT_GUARD_H
#define SYN_SPLIT_GUARD_H

#include "core/manifest.h"

// The split of the file at hit_path per m (a string m owns), or NULL when m has no entry
// for it.
const char *syn_manifest_split(const gd_manifest *m, const char *hit_path);

#endif
