/* The one clock: CLOCK_MONOTONIC_RAW (vDSO, ~27 ns here; the TSC is unstable under kvm-clock). */
#ifndef GD_CLOCK_H
#define GD_CLOCK_H
#include <time.h>

static inline double gd_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#endif
