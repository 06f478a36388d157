/*
 * gdbench-compare's peer mode: a `gdbench kernels` file beside a peer file
 * (tools/peer-torch.py: Google Benchmark JSON whose entries carry "peer"),
 * side by side per rule, size or parameter set, threads and dtype: gdbench's
 * best variant, each peer implementation and the ratio gdbench/peer. No
 * verdict: the two are different programs, not a base and a change.
 */
#ifndef GD_COMPARE_PEER_H
#define GD_COMPARE_PEER_H
#include <regex.h>

#include <jansson.h>

/* Whether the document has an entry with a "peer" key. */
int peer_doc(json_t *doc);
/*
 * Load both sides (each a path or comma-separated paths; either side may hold
 * the peer file), print the table on stdout and, with json_out, write it as
 * JSON. filter (or NULL) selects rows by "RULE/SIZE/threads:T/DTYPE".
 * Returns 0, or 2 with a one-line message on stderr.
 */
int peer_compare(const char *side_a, const char *side_b, const regex_t *filter, const char *json_out);
#endif
