/* What `gdbench kernels` is about to run, printed before it starts (kernels_plan.c). */
#ifndef GD_KERNELS_PLAN_H
#define GD_KERNELS_PLAN_H
#include <stddef.h>

/* Into buf, two lines: the planned benchmarks per kind, then an estimate of the wall time: each
 * benchmark runs min_time seconds (0: Google Benchmark's default 0.5, or
 * --benchmark_min_time) of its kernel, times --benchmark_repetitions, with the ceiling
 * kernel timed alongside. gb_args[0..ngb) are the --benchmark_* flags. */
void kplan_format(char *buf, size_t len, double min_time, char **gb_args, int ngb);
#endif
