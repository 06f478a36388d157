/* The worker pool of `gdbench run` for one thread count (run_pool.c). */
#ifndef GD_RUN_POOL_H
#define GD_RUN_POOL_H

#include "comm.h"
#include "pool.h"
#include "topo.h"

/* T workers placed by policy place (over: more threads than PUs allowed),
 * or round robin on custom[0..ncustom) when ncustom > 0; spinning at
 * barriers when each has a PU of its own; strict: a failed bind is an error
 * (else a warning). Under MPI (cm) every rank agrees before going on.
 * Returns 0 with *pool set, or the exit status after a message (me: the
 * command's name). */
int run_pool_open(const char *me, const gd_topo *topo, gd_place place, const int *custom, int ncustom, int T, int over,
                  int strict, gd_comm *cm, gd_pool **pool);
#endif
