/*
 * checkasm-style: every registered variant of every rule against the scalar
 * reference, on random inputs, lengths around the vector widths, unaligned
 * pointers, 5 consecutive steps with the state carried; plus NaN propagation.
 *
 * Tolerance: both sides evaluate the same equations in float32 without
 * reassociation (no -ffast-math); the SIMD variants fuse multiply-adds (one
 * rounding instead of two), so each operation may differ by 1 ulp. A step
 * chains at most ~12 operations, so 5 steps stay within ~64 ulp of the
 * values involved: rtol = 64 * 2^-24 ~ 3.8e-6. Values that cancel towards 0
 * (w after a step, rmsprop's centered variance) carry the absolute error of
 * their operands, |w| <= 2 here: atol = 64 * 2^-24 * 2 ~ 7.6e-6.
 */
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "testutil.h"

#define RTOL (64.0 * 0x1.0p-24)
#define ATOL (2.0 * RTOL)

static const size_t lengths[] = { 0, 1, 7, 15, 16, 17, 33, 1000, 4099, 65536 };

/*
 * Hyperparameter sets: every rule of the table (kernels/rules.h) with its
 * defaults, a larger step, L2 and decoupled weight decay, and each option
 * the kernels branch on for the rules that read its key. A new rule is
 * covered with no edit here; a tweak its own validation refuses (nesterov
 * with dampening) is skipped.
 */
static void lr_big(gd_hparams *hp) { hp->lr = 0.05; }
static void l2(gd_hparams *hp) { hp->weight_decay = 0.01; }
static void decoupled(gd_hparams *hp) { hp->weight_decay = 0.05; hp->decoupled_wd = 1; }
static void damp(gd_hparams *hp) { hp->dampening = 0.3; }
static void centered(gd_hparams *hp) { hp->centered = 1; }
static void mom(gd_hparams *hp) { hp->momentum = 0.9; }
static void centered_mom(gd_hparams *hp) { hp->centered = 1; hp->momentum = 0.5; }
static void adagrad_opts(gd_hparams *hp) { hp->lr_decay = 0.1; hp->initial_accumulator_value = 0.1; }

typedef struct tweak {
	const char *label;
	unsigned needs; /* keys the rule must read */
	void (*fn)(gd_hparams *hp);
} tweak;
static const tweak tweaks[] = {
	{ "defaults", 0, NULL },
	{ "lr 0.05", GD_K_LR, lr_big },
	{ "+l2", GD_K_WEIGHT_DECAY, l2 },
	{ "+decoupled", GD_K_WEIGHT_DECAY | GD_K_DECOUPLED, decoupled },
	{ "+dampening", GD_K_DAMPENING, damp },
	{ "momentum 0.9", GD_K_MOMENTUM, mom },
	{ "centered", GD_K_CENTERED, centered },
	{ "centered+momentum", GD_K_CENTERED | GD_K_MOMENTUM, centered_mom },
	{ "lr_decay+initial_accumulator_value", GD_K_LR_DECAY | GD_K_INITIAL_ACCUMULATOR_VALUE, adagrad_opts },
};
#define NTWEAKS (sizeof(tweaks) / sizeof(tweaks[0]))

/* Set si (0 .. GD_NRULES * NTWEAKS - 1) into *rule, *hp and label; 0 if it does not apply. */
static int hp_set(size_t si, gd_rule *rule, gd_hparams *hp, char *label, size_t len)
{
	*rule = (gd_rule)(si / NTWEAKS);
	const tweak *tw = &tweaks[si % NTWEAKS];
	if ((gd_rule_info_of(*rule)->keys & tw->needs) != tw->needs)
		return 0;
	gd_hparams_default(*rule, hp);
	if (tw->fn)
		tw->fn(hp);
	snprintf(label, len, "%s %s", gd_rule_name(*rule), tw->label);
	return gd_hparams_check(*rule, hp, NULL) == 0;
}

typedef struct arrays {
	float *base[2 + GD_MAX_STATE];
	float *w, *g;
	void *state[GD_MAX_STATE];
} arrays;

/* One float past a 64-byte boundary: every pointer is misaligned for vectors. */
static void arrays_alloc(arrays *a, size_t n)
{
	for (int k = 0; k < 2 + GD_MAX_STATE; k++) {
		a->base[k] = aligned_alloc(64, ((n + 1) * sizeof(float) + 63) / 64 * 64 + 64);
		assert_non_null(a->base[k]);
	}
	a->w = a->base[0] + 1;
	a->g = a->base[1] + 1;
	for (int k = 0; k < GD_MAX_STATE; k++)
		a->state[k] = a->base[2 + k] + 1;
}

static void arrays_free(arrays *a)
{
	for (int k = 0; k < 2 + GD_MAX_STATE; k++)
		free(a->base[k]);
}

static int compare(const char *what, const char *name, const char *label, int step, const float *got,
                   const float *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!tu_close(got[i], want[i], RTOL, ATOL)) {
			print_error("%s [%s] step %d: %s[%zu] = %.9g, scalar %.9g (diff %.3g)\n", name, label, step, what,
			            i, (double)got[i], (double)want[i], (double)(got[i] - want[i]));
			return 1;
		}
	}
	return 0;
}

static void test_variants_match_scalar(void **unused)
{
	(void)unused;
	size_t nmax = 65536;
	arrays ref, tst;
	arrays_alloc(&ref, nmax);
	arrays_alloc(&tst, nmax);
	int failures = 0, compared = 0;
	for (size_t si = 0; si < GD_NRULES * NTWEAKS; si++) {
		gd_hparams hp;
		struct { gd_rule rule; char label[96]; } hs_, *hs = &hs_;
		if (!hp_set(si, &hs->rule, &hp, hs->label, sizeof(hs->label)))
			continue;
		const gd_update_entry *scalar = gd_update_scalar(hs->rule);
		int ns = gd_rule_nstate(hs->rule, &hp);
		for (size_t i = 0; i < gd_update_count; i++) {
			const gd_update_entry *e = &gd_update_table[i];
			if (e->rule != hs->rule || e == scalar)
				continue;
			if (!tu_row(e->isa, e->name))
				continue;
			for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++) {
				size_t n = lengths[li];
				uint64_t seed = 0x5eed + li * 131 + si;
				for (size_t k = 0; k < n; k++)
					ref.w[k] = tst.w[k] = tu_uniform(&seed, -1.0f, 1.0f);
				gd_state_init_as(hs->rule, &hp, ref.state, n, GD_ST_F32);
				gd_state_init_as(hs->rule, &hp, tst.state, n, GD_ST_F32);
				/* a canary past the end: no variant may write beyond n */
				tst.w[n] = 12345.0f;
				gd_step_carry c1 = gd_step_carry_init(), c2 = gd_step_carry_init();
				for (int t = 1; t <= 5; t++) {
					for (size_t k = 0; k < n; k++)
						ref.g[k] = tst.g[k] = tu_uniform(&seed, -1.0f, 1.0f);
					gd_step s1, s2;
					/* a gradient-clipping factor below 1 exercises gscale */
					gd_step_prepare(hs->rule, &hp, t, hp.lr, 0.75, &c1, &s1);
					gd_step_prepare(hs->rule, &hp, t, hp.lr, 0.75, &c2, &s2);
					scalar->fn[GD_DT_F32](&hp, &s1, ref.w, ref.g, ref.state, n, 0);
					e->fn[GD_DT_F32](&hp, &s2, tst.w, tst.g, tst.state, n, 0);
					failures += compare("w", e->name, hs->label, t, tst.w, ref.w, n);
					for (int k = 0; k < ns; k++) {
						char what[16];
						snprintf(what, sizeof(what), "state%d", k);
						failures += compare(what, e->name, hs->label, t, tst.state[k], ref.state[k], n);
					}
					if (tst.w[n] != 12345.0f) {
						print_error("%s [%s]: wrote past the end at n = %zu\n", e->name, hs->label, n);
						failures++;
					}
					if (failures)
						goto out;
				}
				compared++;
			}
		}
	}
out:
	arrays_free(&ref);
	arrays_free(&tst);
	assert_int_equal(failures, 0);
	if (!compared && tu_scalar_only()) {
		/* the scalar level holds the reference alone */
		printf("[ SKIP     ] no variant besides the scalar reference at this level\n");
		skip();
	}
	printf("[ INFO     ] %d variant x hyperparameter x length combinations matched the scalar reference\n",
	       compared);
	assert_true(compared > 0);
}

/* A NaN in the gradient reaches the parameter in every variant: nothing masks it. */
static void test_nan_propagates(void **unused)
{
	(void)unused;
	enum { N = 37, BAD = 21 };
	int rules_seen[GD_NRULES] = { 0 };
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i];
		if (!tu_row(e->isa, e->name))
			continue;
		rules_seen[e->rule]++;
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		float w[N], g[N], sb[GD_MAX_STATE][N];
		void *state[GD_MAX_STATE] = { sb[0], sb[1], sb[2] };
		for (int k = 0; k < N; k++) {
			w[k] = 0.5f;
			g[k] = 0.1f * (float)(k + 1);
		}
		g[BAD] = NAN;
		gd_state_init_as(e->rule, &hp, state, N, GD_ST_F32);
		gd_step_carry c = gd_step_carry_init();
		gd_step st;
		gd_step_prepare(e->rule, &hp, 1, hp.lr, 1.0, &c, &st);
		e->fn[GD_DT_F32](&hp, &st, w, g, state, N, 0);
		if (!isnan(w[BAD]))
			fail_msg("%s: NaN gradient gave w = %g", e->name, (double)w[BAD]);
		for (int k = 0; k < N; k++)
			if (k != BAD && !isfinite(w[k]))
				fail_msg("%s: NaN leaked into w[%d]", e->name, k);
	}
	/* every rule has rows at every level the registry builds */
	for (int r = 0; r < GD_NRULES; r++)
		if (!rules_seen[r])
			fail_msg("%s: no row at this level", gd_rule_name((gd_rule)r));
}

static void test_hparams_rejected(void **unused)
{
	(void)unused;
	struct { gd_rule r; void (*set)(gd_hparams *); const char *field; } bad[] = {
		{ GD_RULE_SGD, NULL, "lr" },
		{ GD_RULE_NESTEROV, damp, "dampening" },
		{ GD_RULE_RMSPROP, NULL, "alpha" },
		{ GD_RULE_ADAM, NULL, "betas" },
		{ GD_RULE_RPROP, NULL, "etas" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		gd_hparams hp;
		gd_hparams_default(bad[i].r, &hp);
		const char *what = NULL;
		assert_int_equal(gd_hparams_check(bad[i].r, &hp, &what), 0);
		switch (i) {
		case 0: hp.lr = 0; break;
		case 1: bad[i].set(&hp); break;
		case 2: hp.alpha = 1.0; break;
		case 3: hp.beta2 = 1.0; break;
		case 4: hp.eta_plus = 0.9; break;
		}
		assert_int_not_equal(gd_hparams_check(bad[i].r, &hp, &what), 0);
		assert_non_null(strstr(what, bad[i].field));
	}
	gd_hparams hp;
	gd_hparams_default(GD_RULE_ADAM, &hp);
	hp.lr = NAN;
	assert_int_not_equal(gd_hparams_check(GD_RULE_ADAM, &hp, NULL), 0);
}

/* The rule table (kernels/rules.h) is whole: every row valid at its defaults, with a name, a
 * torch counterpart, a state count the kernels' state arrays hold, a cost, and lr among its
 * keys; names unique and found again by name. */
static void test_rule_table(void **unused)
{
	(void)unused;
	for (int r = 0; r < GD_NRULES; r++) {
		const gd_rule_info *ri = gd_rule_info_of((gd_rule)r);
		gd_hparams hp;
		gd_hparams_default((gd_rule)r, &hp);
		const char *what = NULL;
		if (gd_hparams_check((gd_rule)r, &hp, &what))
			fail_msg("%s: its defaults fail its own check (%s)", ri->name, what);
		assert_true(ri->name && *ri->name && ri->torch && *ri->torch);
		assert_int_equal(gd_rule_from_name(ri->name), r);
		int ns = gd_rule_nstate((gd_rule)r, &hp);
		assert_true(ns >= 0 && ns <= GD_MAX_STATE);
		assert_true(gd_rule_flops((gd_rule)r, &hp) > 0);
		assert_int_equal(gd_rule_bytes((gd_rule)r, &hp), (int)sizeof(float) * (3 + 2 * ns));
		assert_true(ri->keys & GD_K_LR);
		assert_true(ri->keys < (1u << GD_NKEYS));
		assert_true(ri->defaults.lr > 0);
		for (int q = 0; q < r; q++)
			assert_string_not_equal(gd_rule_name((gd_rule)q), ri->name);
	}
	for (int k = 0; k < GD_NKEYS; k++) {
		assert_non_null(gd_key_name(k));
		/* every key with a field reads back what was set, and sets nothing else */
		gd_hparams hp, before;
		memset(&hp, 0, sizeof(hp));
		double in[2] = { 1.0, 0.25 }, out[2] = { -1, -1 };
		gd_key_set(&hp, k, in);
		int flag = 0, n = gd_key_get(&hp, k, out, &flag);
		assert_true(n >= 0 && n <= 2);
		assert_int_equal(n == 0, k == GD_KI_NESTEROV || k == GD_KI_AMSGRAD);
		for (int j = 0; j < n; j++)
			assert_true(out[j] == (flag ? 1.0 : in[j]));
		for (int j = 0; j < n; j++)
			out[j] = 0;
		gd_key_set(&hp, k, out);
		memset(&before, 0, sizeof(before));
		assert_memory_equal(&hp, &before, sizeof(hp)); /* back to all zero: no other field was touched */
	}
	assert_null(gd_key_name(GD_NKEYS));
}

/* The registry: best first, scalar last, names match their fields, one
 * hand-written (simd) and one compiler-vectorized (auto) row per rule at
 * every level it builds above scalar, and --isa caps dispatch. The levels
 * come from the table itself, so this holds on any architecture. */
static void test_registry_order(void **unused)
{
	(void)unused;
	int built[GD_NISA] = { 0 }, nbuilt = 0;
	for (size_t i = 0; i < gd_update_count; i++)
		built[gd_update_table[i].isa] = 1;
	for (int l = 0; l < GD_NISA; l++)
		nbuilt += built[l];
	assert_true(built[GD_ISA_SCALAR]);
	for (int r = 0; r < GD_NRULES; r++) {
		const gd_update_entry *prev = NULL;
		int rows = 0, per[GD_NISA][GD_NIMPL] = { { 0 } };
		for (size_t i = 0; i < gd_update_count; i++) {
			const gd_update_entry *e = &gd_update_table[i];
			if ((int)e->rule != r)
				continue;
			rows++;
			per[e->isa][e->impl]++;
			char want[64];
			if (e->impl == GD_IMPL_SCALAR)
				snprintf(want, sizeof(want), "%s/scalar", gd_rule_name(e->rule));
			else
				snprintf(want, sizeof(want), "%s/%s/%s", gd_rule_name(e->rule), gd_impl_name(e->impl),
				         gd_isa_name(e->isa));
			assert_string_equal(e->name, want);
			assert_ptr_equal(gd_update_by_name(want), e);
			if (prev)
				assert_true(prev->isa >= e->isa);
			prev = e;
		}
		assert_non_null(prev);
		assert_int_equal(prev->impl, GD_IMPL_SCALAR);
		assert_int_equal(per[GD_ISA_SCALAR][GD_IMPL_SCALAR], 1);
		for (int l = GD_ISA_SCALAR + 1; l < GD_NISA; l++) {
			if (!built[l])
				continue;
			if (per[l][GD_IMPL_SIMD] != 1 || per[l][GD_IMPL_AUTO] != 1)
				fail_msg("%s at %s: %d simd and %d auto rows, expected one of each", gd_rule_name((gd_rule)r),
				         gd_isa_name((gd_isa)l), per[l][GD_IMPL_SIMD], per[l][GD_IMPL_AUTO]);
		}
		assert_int_equal(rows, 1 + 2 * (nbuilt - 1));
		/* dispatch at each cap: the first (best) row of the rule at or below it */
		for (int l = 0; l < GD_NISA; l++) {
			const gd_update_entry *best = gd_update_best((gd_rule)r, (gd_isa)l), *first = NULL;
			for (size_t i = 0; i < gd_update_count && !first; i++)
				if ((int)gd_update_table[i].rule == r && (int)gd_update_table[i].isa <= l)
					first = &gd_update_table[i];
			assert_non_null(best);
			assert_ptr_equal(best, first);
		}
		assert_int_equal(gd_update_best((gd_rule)r, GD_ISA_SCALAR)->impl, GD_IMPL_SCALAR);
	}
}

int main(int argc, char **argv)
{
	static const tu_case all_cases[] = {
		TU_ISA_TEST(test_variants_match_scalar),
		TU_ISA_TEST(test_nan_propagates),
		TU_COMMON_TEST(test_hparams_rejected),
		TU_COMMON_TEST(test_rule_table),
		TU_COMMON_TEST(test_registry_order),
	};
	return tu_main(argc, argv, all_cases, sizeof(all_cases) / sizeof(all_cases[0]));
}
