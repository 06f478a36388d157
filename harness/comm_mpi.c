/* gd_comm over MPI (see comm.h): Allreduce for the sums, Allgather for setup and results. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "comm.h"
#include "gd_error.h"

static int ok(int mpi_rc)
{
	return mpi_rc == MPI_SUCCESS ? 0 : GD_ECOMM;
}

static int sum_f32(gd_comm *c, float *buf, size_t n)
{
	double t0 = gd_now();
	size_t piece = c->bucket_floats ? c->bucket_floats : n;
	int rc = 0;
	/* MPI counts are ints: pieces of at most 2^30 floats either way */
	if (piece > (size_t)1 << 30)
		piece = (size_t)1 << 30;
	for (size_t i = 0; i < n && !rc; i += piece) {
		size_t k = n - i < piece ? n - i : piece;
		rc = ok(MPI_Allreduce(MPI_IN_PLACE, buf + i, (int)k, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD));
	}
	c->t_sum += gd_now() - t0;
	c->n_sum++;
	c->bytes_sum += (double)n * sizeof(float);
	return rc;
}

static int sum_f64(gd_comm *c, double *buf, size_t n)
{
	(void)c;
	return ok(MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
}

static int max_f64(gd_comm *c, double *buf, size_t n)
{
	(void)c;
	return ok(MPI_Allreduce(MPI_IN_PLACE, buf, (int)n, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD));
}

static int barrier(gd_comm *c)
{
	(void)c;
	return ok(MPI_Barrier(MPI_COMM_WORLD));
}

static int allgather(gd_comm *c, const void *mine, size_t bytes, void *all)
{
	(void)c;
	return ok(MPI_Allgather(mine, (int)bytes, MPI_BYTE, all, (int)bytes, MPI_BYTE, MPI_COMM_WORLD));
}

int gd_comm_mpi_open(int *argc, char ***argv, gd_comm *out)
{
	memset(out, 0, sizeof(*out));
	int provided = 0;
	if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
		return GD_ECOMM;
	/* errors come back as codes, not as an abort inside MPI */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	MPI_Comm_rank(MPI_COMM_WORLD, &out->rank);
	MPI_Comm_size(MPI_COMM_WORLD, &out->size);
	int len = 0;
	char lib[MPI_MAX_LIBRARY_VERSION_STRING];
	MPI_Get_library_version(lib, &len);
	lib[strcspn(lib, ",\n")] = 0; /* the first clause: "Open MPI v4.1.4" */
	snprintf(out->library, sizeof(out->library), "%.159s", lib);
	if (gethostname(out->host, sizeof(out->host)) != 0)
		snprintf(out->host, sizeof(out->host), "?");
	out->host[sizeof(out->host) - 1] = 0;
	out->sum_f32 = sum_f32;
	out->sum_f64 = sum_f64;
	out->max_f64 = max_f64;
	out->barrier = barrier;
	out->allgather = allgather;
	return provided >= MPI_THREAD_FUNNELED ? 0 : GD_ECOMM;
}

void gd_comm_mpi_close(gd_comm *c, int abort_all)
{
	(void)c;
	if (abort_all)
		MPI_Abort(MPI_COMM_WORLD, 1);
	else
		MPI_Finalize();
}
