/* What `gdbench kernels` says before it starts: the plan on stderr (kernels_plan.c) and the
 * context block its results record (kernels_context.c). */
#ifndef GD_KERNELS_PLAN_H
#define GD_KERNELS_PLAN_H
#include <stddef.h>

#include "cpu.h"
#include "roofline.h"
#include "topo.h"

/* Into buf, two lines: the planned benchmarks per kind, then an estimate of the wall time: each
 * benchmark runs min_time seconds (0: Google Benchmark's default 0.5, or
 * --benchmark_min_time) of its kernel, times --benchmark_repetitions, with the ceiling
 * kernel timed alongside. gb_args[0..ngb) are the --benchmark_* flags. */
void kplan_format(char *buf, size_t len, double min_time, char **gb_args, int ngb);

/* Google Benchmark's context: the machine and build (gd_context_new at ISA cap), the placement
 * (pus[0..npu)), the triads measured (roofline_<T>t) and, with gradient benchmarks (grads),
 * the FMA peak they are divided by and the data they read. */
void kplan_context(const gd_topo *topo, gd_isa cap, const int *pus, int npu, const gd_roofline *triad, int ntriad,
                   int grads, const double *grad_peak);
#endif
