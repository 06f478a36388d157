/*
 * A deliberately wrong plugin: "sgd/wrong" forgets the learning rate's
 * schedule and uses a fixed 0.01 (gdbench's default sgd lr is 1e-3), so
 * `gdbench kernels --plugin .../libplugin-wrong.so` refuses it and names the
 * first element that disagrees with the scalar reference.
 */
#include <gdbench/plugin.h>

GDBENCH_PLUGIN_DEFINE_ABI;

static void sgd_f32_wrong(const gd_hparams *hp, const gd_step *st, void *restrict w_, const void *restrict g_,
                          void *const state[], size_t n, size_t off)
{
	(void)hp, (void)state, (void)off;
	float *w = w_;
	const float *g = g_;
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] * st->decay - 0.01f * (st->gscale * g[i] + st->l2 * w[i]); /* should be st->lr */
}

int gdbench_plugin_init(const gdbench_host *host)
{
	static const gdbench_update_variant sgd = {
		.rule = "sgd", .impl = "wrong", .features = "", .fn = { [GD_DT_F32] = sgd_f32_wrong },
	};
	return host->register_update(host, &sgd);
}
