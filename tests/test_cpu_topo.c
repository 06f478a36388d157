/* ISA resolution (--isa / GDBENCH_ISA) and thread placement on synthetic hwloc topologies. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "registry.h"
#include "topo.h"
#include "testutil.h"

static void test_isa_resolve(void **unused)
{
	(void)unused;
	gd_isa isa;
	const gd_cpu *c = gd_cpu_get();
	assert_int_equal(gd_isa_resolve("best", &isa), 0);
	assert_int_equal(isa, c->max);
	assert_int_equal(gd_isa_resolve("auto", &isa), 0);
	assert_int_equal(isa, c->max);
	assert_int_equal(gd_isa_resolve(NULL, &isa), 0);
	assert_int_equal(isa, c->max);
	assert_int_equal(gd_isa_resolve("scalar", &isa), 0);
	assert_int_equal(isa, GD_ISA_SCALAR);
	assert_int_equal(gd_isa_resolve("avx9", &isa), GD_EINVAL);
	assert_int_equal(gd_isa_resolve("SCALAR", &isa), GD_EINVAL);
	/* every level of this architecture round-trips through its name */
	for (int l = 0; l < GD_NISA; l++) {
		assert_int_equal(gd_isa_from_name(gd_isa_name((gd_isa)l), &isa), 0);
		assert_int_equal(isa, l);
	}
	/* a level above this process's is an error, never a crash */
	for (int l = c->max + 1; l < GD_NISA; l++)
		assert_int_equal(gd_isa_resolve(gd_isa_name((gd_isa)l), &isa), GD_ENOCPU);
	/* GDBENCH_ISA (read once, at detection) caps the process as if the CPU
	 * lacked the levels above it; meson runs this test with and without it */
	assert_true(c->max <= c->hw_max);
	const char *cap = getenv("GDBENCH_ISA");
	gd_isa lvl;
	if (cap && gd_isa_from_name(cap, &lvl) == 0 && lvl < c->hw_max) {
		assert_int_equal(c->max, lvl);
		assert_non_null(strstr(c->refused, "capped by GDBENCH_ISA"));
	} else {
		assert_int_equal(c->max, c->hw_max);
	}
	assert_true(strlen(c->machine_id) > 0);
	assert_null(strchr(c->machine_id, ' '));
}

static void plan(const char *desc, gd_place p, int n, int over, const int *want, int want_rc)
{
	gd_topo *t;
	assert_int_equal(gd_topo_open_synthetic(desc, &t), 0);
	int pus[64];
	int rc = gd_topo_plan(t, p, n, over, pus);
	assert_int_equal(rc, want_rc);
	for (int i = 0; rc == 0 && want && i < n; i++)
		if (pus[i] != want[i])
			fail_msg("%s policy %d thread %d: PU %d, expected %d", desc, (int)p, i, pus[i], want[i]);
	gd_topo_close(t);
}

static void test_placement(void **unused)
{
	(void)unused;
	const char *big = "pack:2 numa:2 core:4 pu:2"; /* 32 PUs, PU i on core i/2 */
	/* compact: one PU per core in core order, then the second PUs */
	plan(big, GD_PLACE_COMPACT, 4, 0, (int[]){ 0, 2, 4, 6 }, 0);
	int all[32];
	for (int i = 0; i < 16; i++) {
		all[i] = 2 * i;
		all[16 + i] = 2 * i + 1;
	}
	plan(big, GD_PLACE_COMPACT, 32, 0, all, 0);
	/* scatter: spread over packages, then NUMA nodes */
	plan(big, GD_PLACE_SCATTER, 2, 0, (int[]){ 0, 16 }, 0);
	plan(big, GD_PLACE_SCATTER, 4, 0, (int[]){ 0, 8, 16, 24 }, 0);
	plan(big, GD_PLACE_NONE, 3, 0, (int[]){ -1, -1, -1 }, 0);
	/* more threads than PUs: an error unless oversubscribing */
	plan("core:2 pu:1", GD_PLACE_COMPACT, 3, 0, NULL, GD_ERANGE);
	plan("core:2 pu:1", GD_PLACE_COMPACT, 3, 1, (int[]){ 0, 1, 0 }, 0);
	plan("core:2 pu:1", GD_PLACE_COMPACT, 0, 0, NULL, GD_EINVAL);
}

static void test_synthetic_caches(void **unused)
{
	(void)unused;
	gd_topo *t;
	assert_int_equal(gd_topo_open_synthetic("pack:1 l3:1(size=8MiB) l2:4(size=1MiB) l1d:1(size=48KiB) core:1 pu:2", &t), 0);
	size_t l1, l2, l3;
	gd_topo_caches(t, &l1, &l2, &l3);
	assert_int_equal(l1, 48 * 1024);
	assert_int_equal(l2, 1024 * 1024);
	assert_int_equal(l3, 8 * 1024 * 1024);
	assert_int_equal(gd_topo_npu(t), 8);
	assert_int_equal(gd_topo_ncore(t), 4);
	gd_topo_close(t);
	assert_int_equal(gd_topo_open_synthetic("nonsense:3", &t), GD_EINVAL);
}

/* Real binding on this machine, where the OS allows it. */
static void test_bind_self(void **unused)
{
	(void)unused;
	gd_topo *t;
	assert_int_equal(gd_topo_open(&t), 0);
	int pus[1], seen;
	assert_int_equal(gd_topo_plan(t, GD_PLACE_COMPACT, 1, 0, pus), 0);
	int rc = gd_topo_bind_self(t, pus[0], &seen);
	gd_topo_close(t);
	if (rc) {
		printf("[ SKIP     ] binding not permitted here: %s\n", gd_strerror(rc));
		skip();
	}
	assert_int_equal(seen, pus[0]);
}

/*
 * The validators and the --impl parser on two threads at once: they wrote a
 * static (the unused *what of the checks, the parser's word buffer), which
 * ThreadSanitizer reports as a race (this test is in the 'threads' suite, which
 * tools/test.sh runs under TSan), and the parser could hand one thread the
 * other's word.
 */
static void *checker(void *arg)
{
	const char *word = arg;
	int ok = 1;
	for (int k = 0; k < 2000 && ok; k++) {
		gd_hparams hp;
		gd_hparams_default(GD_RULE_ADAM, &hp);
		hp.lr = -1;
		ok &= gd_hparams_check(GD_RULE_ADAM, &hp, NULL) == GD_ERANGE;
		gd_model m = { .kind = GD_MODEL_SOFTMAX, .d = 0, .c = 3 };
		ok &= gd_model_check(&m, NULL) == GD_ERANGE;
		unsigned set;
		char bad[32];
		ok &= gd_impl_parse(word, &set, bad, sizeof(bad)) == GD_EINVAL && !strcmp(bad, word);
	}
	return ok ? arg : NULL;
}

static void test_checks_thread_safe(void **unused)
{
	(void)unused;
	pthread_t t[2];
	char *words[2] = { "fast", "quick" };
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, checker, words[i]), 0);
	for (int i = 0; i < 2; i++) {
		void *r;
		assert_int_equal(pthread_join(t[i], &r), 0);
		assert_ptr_equal(r, words[i]);
	}
	/* the parser's other refusals name their word too */
	unsigned set;
	char bad[32];
	assert_int_equal(gd_impl_parse("simd,", &set, bad, sizeof(bad)), 0);
	assert_int_equal(gd_impl_parse("simd,,blas", &set, bad, sizeof(bad)), GD_EINVAL);
	assert_string_equal(bad, "(empty)");
	assert_int_equal(gd_impl_parse("averyveryverylongimplementationname", &set, bad, sizeof(bad)), GD_EINVAL);
	assert_true(strlen(bad) > 0 && strlen(bad) < sizeof(bad));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_isa_resolve),
		cmocka_unit_test(test_checks_thread_safe),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_synthetic_caches),
		cmocka_unit_test(test_bind_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
