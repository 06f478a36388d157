/*
 * What the descent drivers need from a distributed engine when a dataset's
 * rows are spread over processes: sums over all processes and a few
 * collectives for setup and results. The drivers see only this table; MPI
 * fills it (comm_mpi.c, built when meson finds MPI), so the harness builds
 * and runs without MPI. Every function is collective: all ranks call it in
 * the same order. Returns 0 or GD_ECOMM.
 */
#ifndef GD_COMM_H
#define GD_COMM_H
#include <stddef.h>

typedef struct gd_comm gd_comm;
struct gd_comm {
	int rank, size;
	size_t bucket_floats; /* gradient sums in pieces of this many floats; 0: one fused buffer */
	int (*sum_f32)(gd_comm *c, float *buf, size_t n);   /* in place, over all ranks */
	int (*sum_f64)(gd_comm *c, double *buf, size_t n);
	int (*max_f64)(gd_comm *c, double *buf, size_t n);
	int (*barrier)(gd_comm *c);
	/* every rank's `bytes` bytes, in rank order, into all (size * bytes) on every rank */
	int (*allgather)(gd_comm *c, const void *mine, size_t bytes, void *all);
	/* gradient sums so far (sum_f32 from the drivers): calls, wall seconds, bytes per rank */
	long n_sum;
	double t_sum, bytes_sum;
	char library[160]; /* e.g. "Open MPI v4.1.4 ..." */
	char host[64];
	void *impl;
};

/* Open the MPI world (MPI_Init_thread, FUNNELED: only the pool's worker 0,
 * the calling thread, communicates). Returns 0, GD_ECOMM, or GD_ENOTSUP when
 * gdbench was built without MPI. */
int gd_comm_mpi_open(int *argc, char ***argv, gd_comm *out);
/* End it (MPI_Finalize); abort_all: MPI_Abort instead, for a rank that cannot go on alone. */
void gd_comm_mpi_close(gd_comm *c, int abort_all);
#endif
