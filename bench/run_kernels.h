/* Which gradient and update kernels one run of `gdbench run` uses (run_kernels.c). */
#ifndef GD_RUN_KERNELS_H
#define GD_RUN_KERNELS_H
#include <stddef.h>

#include "optspec.h"
#include "train.h"

typedef struct run_kernels_ask {
	unsigned impls;     /* built-in gradient impls asked for (GD_IMPL_BEST_BIT: the registry's pick) */
	unsigned upd_impls; /* plugin impls asked for (GD_IMPL_PLUGIN_BITS) */
	const char *impl_arg; /* --impl as given, for the messages */
	int csr;            /* the training data is CSR */
	gd_isa cap;
	size_t rows_per_thread; /* rows a worker's gradient call gets: picks the best kernel */
} run_kernels_ask;

/* cfg->grad, cfg->upd and cfg->tupd for optimizer spec on model cfg->model
 * with storage dtype dt: a plugin's row where --impl names one (its gradient
 * for this model, its update for this rule; either with our other), else the
 * registry's best or the first row of an impl asked for. Returns 0, or
 * GD_EXIT_USAGE after a message (me: the command) when no row fits. */
int run_kernels_pick(const char *me, const run_kernels_ask *a, const gd_optspec *spec, gd_dtype dt, gd_run_cfg *cfg);
#endif
