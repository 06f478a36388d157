/*
 * Test plugins for tests/plugin.sh, one per -DCASE_*: a good one (a correct
 * sgd, once portable and once needing AVX-512, which this machine may lack),
 * a wrong one, one adding a rule and a gradient variant (CASE_RULE), a wrong
 * gradient variant, and one per way a plugin is refused.
 */
#include "plugin.h"

#if defined(CASE_ABI)
const int gdbench_plugin_abi = GDBENCH_PLUGIN_ABI + 1000;
#else
GDBENCH_PLUGIN_DEFINE_ABI;
#endif

/* gdbench's sgd: w = decay*w - lr*(gscale*g + l2*w) */
__attribute__((unused)) static void sgd_f32(const gd_hparams *hp, const gd_step *st, void *restrict w_, const void *restrict g_,
                    void *const state[], size_t n, size_t off)
{
	(void)hp, (void)state, (void)off;
	float *w = w_;
	const float *g = g_;
#if defined(CASE_WRONG)
	const float lr = 2 * st->lr;
#else
	const float lr = st->lr;
#endif
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] * st->decay - lr * (st->gscale * g[i] + st->l2 * w[i]);
}

/* CASE_RULE's rule "halfstep": w = decay*w - lr/2 * (gscale*g + l2*w), and its
 * "copy" variant (the same loop: the verifier compares the two) */
__attribute__((unused)) static void halfstep_f32(const gd_hparams *hp, const gd_step *st, void *restrict w_,
                                                 const void *restrict g_, void *const state[], size_t n, size_t off)
{
	(void)hp, (void)state, (void)off;
	float *w = w_;
	const float *g = g_;
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] * st->decay - 0.5f * st->lr * (st->gscale * g[i] + st->l2 * w[i]);
}

/* lsq's gradient, row by row (grad.h's contract: sums, no penalty); CASE_GRAD_WRONG doubles the bias entry */
__attribute__((unused)) static double lsq_f32(const gd_model *m, const float *p, const gd_batch *b, float *restrict grad,
                                              float *restrict scratch)
{
	(void)scratch;
	double loss = 0;
	for (size_t j = 0; j <= m->d; j++)
		grad[j] = 0;
	for (size_t k = 0; k < b->n; k++) {
		const float *x = b->x + gd_batch_row(b, k) * b->ld;
		float z = p[m->d];
		for (size_t j = 0; j < m->d; j++)
			z += p[j] * x[j];
		float r = z - b->y[gd_batch_row(b, k)];
		loss += 0.5 * (double)r * r;
		for (size_t j = 0; j < m->d; j++)
			grad[j] += r * x[j];
#if defined(CASE_GRAD_WRONG)
		grad[m->d] += 2 * r;
#else
		grad[m->d] += r;
#endif
	}
	return loss;
}

#if defined(CASE_RULE) || defined(CASE_RULE_CLASH) || defined(CASE_RULE_NOREF) || defined(CASE_RULE_NSTATE) || \
	defined(CASE_RULE_KEY)
static int rule_case(const gdbench_host *host)
{
	/* bytes: 16 declared, where the ceiling kernel moves 12 (w twice, g): the fraction must use them */
	gdbench_rule r = { .name = "halfstep", .description = "sgd at half the rate (a test rule)", .nstate = 0,
		           .flops = 3, .bytes = 16, .keys = "lr,weight_decay", .scalars = GD_SC_NONE, .defaults = { .lr = 0.1 },
		           .reference = { [GD_DT_F32] = halfstep_f32 } };
#if defined(CASE_RULE_CLASH)
	r.name = "adam";
#elif defined(CASE_RULE_NOREF)
	r.reference[GD_DT_F32] = NULL;
#elif defined(CASE_RULE_NSTATE)
	r.nstate = GD_MAX_STATE + 1;
#elif defined(CASE_RULE_KEY)
	r.keys = "lr,betas,lr_warmup";
#endif
	int rc = host->register_rule(host, &r);
	gdbench_update_variant v = { .rule = "halfstep", .impl = "copy", .fn = { [GD_DT_F32] = halfstep_f32 } };
	gdbench_grad_variant gv = { .model = "lsq", .impl = "copy", .fn = lsq_f32 };
	rc = rc ? rc : host->register_update(host, &v);
	return rc ? rc : host->register_grad(host, &gv);
}
#endif

#if !defined(CASE_NO_INIT)
int gdbench_plugin_init(const gdbench_host *host)
{
	__attribute__((unused)) gdbench_update_variant v = { .rule = "sgd", .impl = "copy", .features = "", .fn = { [GD_DT_F32] = sgd_f32 } };
#if defined(CASE_GOOD)
	int rc = host->register_update(host, &v);
	v.isa = "avx512";
	v.features = "avx512f,avx512bw";
	return rc ? rc : host->register_update(host, &v);
#elif defined(CASE_WRONG)
	v.impl = "wrong";
	return host->register_update(host, &v);
#elif defined(CASE_DUP)
	host->register_update(host, &v);
	return host->register_update(host, &v);
#elif defined(CASE_FEATURE)
	v.features = "avx2,avx9";
	return host->register_update(host, &v);
#elif defined(CASE_IMPL)
	v.impl = "simd";
	return host->register_update(host, &v);
#elif defined(CASE_NULL)
	v.fn[GD_DT_F32] = NULL;
	return host->register_update(host, &v);
#elif defined(CASE_RULE) || defined(CASE_RULE_CLASH) || defined(CASE_RULE_NOREF) || defined(CASE_RULE_NSTATE) || \
	defined(CASE_RULE_KEY)
	return rule_case(host);
#elif defined(CASE_RULE_UNKNOWN)
	v.rule = "halfstep"; /* registered by no one */
	return host->register_update(host, &v);
#elif defined(CASE_GRAD_WRONG)
	gdbench_grad_variant gv = { .model = "lsq", .impl = "wrong", .fn = lsq_f32 };
	return host->register_grad(host, &gv);
#else /* CASE_ABI: never called */
	return host->register_update(host, &v);
#endif
}
#endif
