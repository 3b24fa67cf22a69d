// stroke_group.h: the default group of an imported recording: its path's stroke name, without
// the velocity, round-robin and layer suffixes that the takes of one stroke differ by, so
// every take of a stroke lands in one split.
//
// The path (relative, extension removed) is cut into tokens at every character that is not
// a letter or digit and where a lower-case letter is followed by an upper-case one
// ("SnareHit_L2" -> Snare, Hit, L2). Trailing tokens are dropped, case-insensitively, while
// they are
//   - a number (127, 03);
//   - v, vel, velocity, rr, layer or l followed by digits (v3, vel100, rr2, L2, layer10),
//     or one of those words alone (vel, velocity, rr, layer);
//   - a dynamics word: ppp pp p mp mf f ff fff, soft softer softest, med medium, hard
//     harder hardest, loud louder loudest, ghost;
// but the first token is always kept. The rest is joined lower-case with '-'. So
// "Snare_Hit_v3", "snare-hit-rr2", "Snare Hit 127", "snare_hit_soft" and "SnareHit_L2" all
// give "snare-hit". The rule errs towards merging ("Tom 1" and "Tom 2" both give "tom"),
// which never lets one stroke straddle splits; --group-by REGEX overrides it.
#ifndef PL_STROKE_GROUP_H
#define PL_STROKE_GROUP_H

#include <stddef.h>

// Writes the stroke name of path (a relative path without extension) to out (cap bytes,
// NUL-terminated, truncated if longer).
void pl_stroke_group(const char *path, char *out, size_t cap);

#endif
