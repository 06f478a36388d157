/*
 * Test plugins for tests/plugin.sh, one per -DCASE_*: a good one (a correct
 * sgd, once portable and once needing AVX-512, which this machine may lack),
 * a wrong one, and one per way a plugin is refused.
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

#if !defined(CASE_NO_INIT)
int gdbench_plugin_init(const gdbench_host *host)
{
	gdbench_update_variant v = { .rule = "sgd", .impl = "copy", .features = "", .fn = { [GD_DT_F32] = sgd_f32 } };
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
#else /* CASE_ABI: never called */
	return host->register_update(host, &v);
#endif
}
#endif
