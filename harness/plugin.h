/*
 * The plugin interface (installed as <gdbench/plugin.h>): a shared object
 * that adds variants of gdbench's update rules, which gdbench then verifies
 * against its scalar reference, benchmarks and trains with.
 *
 * A plugin defines two symbols:
 *
 *     #include <gdbench/plugin.h>
 *     GDBENCH_PLUGIN_DEFINE_ABI;
 *     int gdbench_plugin_init(const gdbench_host *host)
 *     {
 *         static const gdbench_update_variant v = {
 *             .rule = "adam", .impl = "mine", .isa = "avx2", .features = "avx2,fma",
 *             .fn = { [GD_DT_F32] = my_adam_f32 },
 *         };
 *         return host->register_update(host, &v);
 *     }
 *
 * gdbench reads gdbench_plugin_abi before it calls anything: a plugin built
 * against another GDBENCH_PLUGIN_ABI is refused. The kernels follow
 * gd_update_fn's contract (update.h): pure, any length, any alignment.
 * It needs only the headers: link nothing of gdbench into a plugin.
 */
#ifndef GDBENCH_PLUGIN_H
#define GDBENCH_PLUGIN_H

#include "update.h"

/* Bumped whenever this file, gd_update_fn's arguments or the structures they
 * point to (gd_hparams, gd_step) or the dtype list (GD_NDT) change. */
#define GDBENCH_PLUGIN_ABI 1

/*
 * One variant of an existing rule, registered as the row
 * "<rule>/<impl>/<isa>" (or "<rule>/<impl>" without isa):
 *   rule      a rule of rules.h ("adam", "sgd", ...)
 *   impl      the plugin's implementation name: [a-z0-9_.-], not one of
 *             gdbench's (scalar, auto, simd, blas, best, all); `--impl NAME`
 *             selects it
 *   isa       an ISA level name of this architecture for the row name, or NULL
 *   features  the CPU features the kernels need, comma-separated (x86-64: sse2
 *             avx avx2 fma f16c bmi1 bmi2 lzcnt movbe avx512f avx512dq avx512cd
 *             avx512bw avx512vl; aarch64: neon asimd sve), or "" / NULL for
 *             none; rows the CPU (or GDBENCH_ISA, --isa) lacks are skipped
 *   fn        the kernel per storage dtype (dtype.h); fn[GD_DT_F32] is required
 */
typedef struct gdbench_update_variant {
	const char *rule, *impl, *isa, *features;
	gd_update_fn fn[GD_NDT];
} gdbench_update_variant;

/* What gdbench hands gdbench_plugin_init. register_update returns 0 or a
 * negative gd_error.h code (the row is refused, and so is the plugin). */
typedef struct gdbench_host {
	int abi; /* GDBENCH_PLUGIN_ABI of the gdbench loading the plugin */
	int (*register_update)(const struct gdbench_host *host, const gdbench_update_variant *v);
	void *priv; /* gdbench's */
} gdbench_host;

/* The plugin's symbols. init returns 0, or non-zero to refuse loading. */
extern const int gdbench_plugin_abi;
int gdbench_plugin_init(const gdbench_host *host);
#define GDBENCH_PLUGIN_DEFINE_ABI const int gdbench_plugin_abi = GDBENCH_PLUGIN_ABI

#endif
