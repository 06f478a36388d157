/* `gdbench run --mode mpi:...`: the collectives around the drivers (setup checks, per-rank results). */
#ifndef GD_RUN_MPI_H
#define GD_RUN_MPI_H
#include <stddef.h>

#include <jansson.h>

#include "comm.h"
#include "pool.h"
#include "train.h"

/*
 * Every rank reports how its setup went (rc 0 or not, and a message);
 * returns the first failing rank (or -1 when all are fine) and writes
 * "rank K of R (host): message" into why. Collective: a rank that failed
 * still calls it, so no rank is left waiting in a later collective.
 */
int run_mpi_agree(gd_comm *c, int rc, const char *msg, char *why, size_t len);

/*
 * The "mpi" block of a run (on rank 0; NULL on the others): ranks, library,
 * per rank its host, PUs, and phase times; the allreduce time as the maximum
 * over ranks, per step; bus bandwidth with nccl-tests' ring factor
 * 2(R-1)/R; samples/s over all ranks and per rank. Collective.
 */
json_t *run_mpi_json(gd_comm *c, const gd_run_out *o, const gd_pin *pins, int threads, size_t bucket_floats);
#endif
