/* Helpers for the cmocka tests: a seeded generator, tolerant comparisons, ISA skips. */
#ifndef GD_TESTUTIL_H
#define GD_TESTUTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "cpu.h"

/* splitmix64: deterministic, seedable, good enough for test inputs */
static inline uint64_t tu_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
/* uniform in [lo, hi) */
static inline float tu_uniform(uint64_t *s, float lo, float hi)
{
	return lo + (hi - lo) * (float)((tu_next(s) >> 40) * 0x1.0p-24);
}

/* |got - want| <= rtol*|want| + atol; NaN agrees only with NaN */
static inline int tu_close(double got, double want, double rtol, double atol)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	return fabs(got - want) <= rtol * fabs(want) + atol;
}

/* Skip (visibly) when the CPU cannot run isa. */
#define TU_REQUIRE_ISA(isa, what)                                                  \
	do {                                                                       \
		if ((isa) > gd_cpu_get()->max) {                                   \
			printf("[ SKIP     ] %s: %s\n", (what), gd_cpu_get()->refused); \
			skip();                                                    \
		}                                                                  \
	} while (0)
#endif
