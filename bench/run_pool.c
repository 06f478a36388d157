/* The worker pool of `gdbench run` for one thread count (run_pool.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gd_error.h"
#include "run_mpi.h"
#include "run_pool.h"

int run_pool_open(const char *me, const gd_topo *topo, gd_place place, const int *custom, int ncustom, int T, int over,
                  int strict, gd_comm *cm, gd_pool **pool)
{
	int npu = gd_topo_npu(topo), pus[1024];
	if (ncustom) {
		for (int i = 0; i < T; i++)
			pus[i] = custom[i % ncustom];
	} else if (gd_topo_plan(topo, place, T, over, pus)) {
		return cli_fail(me, "cannot place %d threads on %d PUs", T, npu);
	}
	int badw = -1;
	/* spin at barriers only when every worker has a PU of its own */
	int rc = gd_pool_create(topo, pus, T, T <= npu, strict, pool, &badw);
	if (cm) {
		char msg[256], why_rank[512];
		snprintf(msg, sizeof(msg), "worker %d of %d: %s", badw, T, rc ? gd_strerror(rc) : "");
		if (run_mpi_agree(cm, rc, msg, why_rank, sizeof(why_rank)) >= 0) {
			if (!rc)
				gd_pool_destroy(*pool);
			return cli_fail(me, "[rank %d] stopping: %s", cm->rank, why_rank);
		}
	}
	if (rc)
		return rc == GD_EBIND ? cli_fail(me, "worker %d: cannot bind to PU %d: %s (--strict-pin)", badw, pus[badw],
		                                 strerror(errno))
		       : rc == GD_ETHREAD ? cli_fail(me, "worker %d of %d: cannot create its thread: %s (pthread_create)",
		                                     badw, T, strerror(errno))
		                          : cli_fail(me, "worker pool of %d: %s", T, gd_strerror(rc));
	const gd_pin *pins = gd_pool_pins(*pool);
	for (int i = 0; i < T; i++)
		if (pins[i].bind_err)
			fprintf(stderr, "gdbench run: warning: worker %d not bound to PU %d (HWLOC_CPUBIND_THREAD): %s\n", i,
			        pins[i].asked, strerror(pins[i].bind_err));
	return 0;
}
