/* Helpers for the cmocka tests: a seeded generator, tolerant comparisons, one run per ISA level. */
#ifndef GD_TESTUTIL_H
#define GD_TESTUTIL_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cpu.h"
#include "gd_error.h"

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

/*
 * One meson test per ISA level. A test binary whose cases run registry rows
 * takes one optional argument:
 *   LEVEL   an ISA level name (gd_isa_resolve's): only the ISA-specific cases,
 *           each on the rows of that level only; exit 77 (meson's skip) with
 *           a one-line reason when this CPU or the GDBENCH_ISA cap lacks it
 *   common  only the cases that are not ISA-specific
 *   (none)  every case, on the rows of every level this CPU and the cap
 *           allow; rows above them are listed as skipped
 * main() lists its cases with TU_ISA_TEST / TU_COMMON_TEST and calls tu_main.
 */
#define TU_ALL (-1)
#define TU_COMMON (-2)

typedef struct tu_sel {
	int level;  /* a gd_isa, or TU_ALL / TU_COMMON */
	gd_isa cap; /* the level GDBENCH_ISA (or else the CPU) allows */
} tu_sel;

static inline tu_sel *tu_sel_state(void)
{
	static tu_sel s = { TU_ALL, GD_ISA_SCALAR };
	return &s;
}

/* The highest level dispatch may use here: GDBENCH_ISA's, or the CPU's best;
 * a GDBENCH_ISA the program would refuse fails the test. */
static inline gd_isa tu_cap(void)
{
	gd_isa cap;
	int rc = gd_isa_resolve(NULL, &cap);
	if (rc) {
		printf("GDBENCH_ISA='%s' is refused: %s\n", getenv("GDBENCH_ISA"),
		       rc == GD_ENOCPU ? gd_cpu_get()->refused : "not an ISA level; expected one of: " GD_ISA_CHOICES);
		exit(1);
	}
	return cap;
}

/* Parse argv (see above); exits 77 for a level this machine cannot run, 2 for
 * a bad argument. */
static inline void tu_select(int argc, char **argv)
{
	tu_sel *s = tu_sel_state();
	s->cap = tu_cap();
	if (argc > 2 || (argc == 2 && !*argv[1])) {
		fprintf(stderr, "usage: %s [common | ISA level]\n", argv[0]);
		exit(2);
	}
	if (argc < 2)
		return;
	if (!strcmp(argv[1], "common")) {
		s->level = TU_COMMON;
		return;
	}
	gd_isa level;
	int rc = gd_isa_resolve(argv[1], &level);
	const char *env = getenv("GDBENCH_ISA");
	if (rc == GD_ENOCPU || (rc == 0 && level > s->cap)) {
		/* the program's own reason; then the cap, when one is set and the reason does not name it */
		const char *why = rc == GD_ENOCPU ? gd_cpu_get()->refused : "capped";
		int say_cap = env && *env && !strstr(why, "GDBENCH_ISA");
		printf("SKIP: ISA level %s is not available here: %s%s%s%s\n", argv[1], why,
		       say_cap ? " (GDBENCH_ISA=" : "", say_cap ? env : "", say_cap ? ")" : "");
		exit(77);
	}
	if (rc) {
		fprintf(stderr, "%s: '%s' is not an ISA level; expected common or one of: %s\n", argv[0], argv[1],
		        GD_ISA_CHOICES);
		exit(2);
	}
	s->level = (int)level;
}

/* Whether a case runs the registry row `name` (of level isa) in this invocation. */
static inline int tu_row(gd_isa isa, const char *name)
{
	const tu_sel *s = tu_sel_state();
	if (s->level >= 0)
		return (int)isa == s->level;
	if (isa <= s->cap)
		return 1;
	printf("[ SKIP     ] %s: %s\n", name, isa > gd_cpu_get()->max ? gd_cpu_get()->refused : "above GDBENCH_ISA");
	return 0;
}

/* Whether this invocation runs scalar rows only (the scalar level, or every
 * level under a scalar cap): cases comparing variants with the scalar
 * reference then have nothing to compare. */
static inline int tu_scalar_only(void)
{
	const tu_sel *s = tu_sel_state();
	return s->level == GD_ISA_SCALAR || (s->level == TU_ALL && s->cap == GD_ISA_SCALAR);
}

typedef struct tu_case {
	struct CMUnitTest test;
	int per_isa; /* runs registry rows: selected by the ISA level argument */
} tu_case;
#define TU_ISA_TEST(f) { cmocka_unit_test(f), 1 }
#define TU_COMMON_TEST(f) { cmocka_unit_test(f), 0 }

/* Select from argv, run the cases that apply; cmocka's status (the number of
 * failed cases) otherwise. */
static inline int tu_main(int argc, char **argv, const tu_case *cases, size_t ncases)
{
	tu_select(argc, argv);
	int level = tu_sel_state()->level;
	struct CMUnitTest *run = calloc(ncases ? ncases : 1, sizeof(*run));
	if (!run)
		return 1;
	size_t n = 0;
	for (size_t i = 0; i < ncases; i++)
		if (level == TU_ALL || (level == TU_COMMON) == !cases[i].per_isa)
			run[n++] = cases[i].test;
	if (!n) {
		fprintf(stderr, "%s: no %s cases in this test\n", argv[0], level == TU_COMMON ? "common" : "ISA-specific");
		free(run);
		return 2;
	}
	const char *group = level == TU_ALL ? "all" : level == TU_COMMON ? "common" : gd_isa_name((gd_isa)level);
	int rc = _cmocka_run_group_tests(group, run, n, NULL, NULL);
	free(run);
	return rc;
}
#endif
