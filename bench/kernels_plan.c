/* `gdbench kernels`' plan: how many benchmarks of each kind run, and about how long they take. */
#include <stdlib.h>
#include <string.h>

#include "kbench.h"
#include "kernels_plan.h"

/* Wall seconds per second of min_time, measured on Zen 3 (2 vCPUs, one core under SCHED_FIFO:
 * adam at 16M, 3 benchmarks, 18.4 s; softmax at batches 1,256,full, 8 benchmarks, 17.0 s):
 * Google Benchmark's probing runs before the one that reaches min_time, the ceiling kernel
 * (memory-only for update rules, the streaming read for gradients) timed alongside every
 * iteration, and the arrays' set-up. Plus what runs once: the triad at 256 MiB for the
 * update rules' check, the FMA peak and the data for the gradients. */
#define WALL_PER_MIN_TIME_UPDATE 10.0
#define WALL_PER_MIN_TIME_GRAD 3.7
#define WALL_ONCE_UPDATE 3.0
#define WALL_ONCE_GRAD 2.0

static double flag_value(char **args, int n, const char *name, double dflt)
{
	size_t len = strlen(name);
	for (int i = 0; i < n; i++)
		if (!strncmp(args[i], name, len) && args[i][len] == '=')
			return strtod(args[i] + len + 1, NULL); /* "0.5" or "0.5s": the number is what counts */
	return dflt;
}

void kplan_format(char *buf, size_t len, double min_time, char **gb_args, int ngb)
{
	size_t nu = kupd_count(), np = kpar_count(), ng = kgrad_count(), ns = kcsr_count();
	double t = min_time > 0 ? min_time : flag_value(gb_args, ngb, "--benchmark_min_time", 0.5);
	double reps = flag_value(gb_args, ngb, "--benchmark_repetitions", 1);
	reps = reps >= 1 ? reps : 1;
	double total = (double)(nu + np) * t * reps * WALL_PER_MIN_TIME_UPDATE +
	               (double)(ng + ns) * t * reps * WALL_PER_MIN_TIME_GRAD + (nu + np ? WALL_ONCE_UPDATE : 0) +
	               (ng + ns ? WALL_ONCE_GRAD : 0);
	size_t at = (size_t)snprintf(buf, len, "gdbench kernels: plan: %zu update-rule, %zu parameter-set, %zu gradient and "
	                             "%zu sparse-gradient benchmarks", nu, np, ng, ns);
	if (reps > 1 && at < len)
		at += (size_t)snprintf(buf + at, len - at, " x %.0f repetitions", reps);
	if (at < len)
		at += (size_t)snprintf(buf + at, len - at, ", %.3g s of kernel time each (--min-time)\n", t);
	int filtered = 0;
	for (int i = 0; i < ngb; i++)
		filtered |= !strncmp(gb_args[i], "--benchmark_filter=", 19);
	int s = (int)(total + 0.5);
	if (at < len)
		snprintf(buf + at, len - at, "gdbench kernels: estimated duration %dm%02ds%s; --what, --rules, --models, "
		         "--sizes, --batches and --quick narrow it\n", s / 60, s % 60,
		         filtered ? " before --benchmark_filter" : "");
}
