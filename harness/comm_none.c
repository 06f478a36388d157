/* gd_comm without MPI: gdbench was built without it (meson -Dmpi=disabled or no MPI found). */
#include <string.h>

#include "comm.h"
#include "gd_error.h"

int gd_comm_mpi_open(int *argc, char ***argv, gd_comm *out)
{
	(void)argc, (void)argv;
	memset(out, 0, sizeof(*out));
	return GD_ENOTSUP;
}

void gd_comm_mpi_close(gd_comm *c, int abort_all)
{
	(void)c, (void)abort_all;
}
