/*
 * The plugin interface (installed as <gdbench/plugin.h>): a shared object
 * that adds variants of gdbench's update rules and gradient models, or new
 * rules with their own scalar reference, which gdbench then verifies against
 * the scalar reference, benchmarks and trains with.
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
 * host->register_rule adds a rule of the plugin's own (gdbench_rule, before
 * its variants), host->register_grad a gradient kernel (gdbench_grad_variant);
 * examples/plugin-rule and examples/plugin-grad in gdbench's sources do both.
 * gdbench reads gdbench_plugin_abi before it calls anything: a plugin built
 * against another GDBENCH_PLUGIN_ABI is refused. The kernels follow
 * gd_update_fn's and gd_grad_fn's contracts (update.h, grad.h): pure, any
 * length, any alignment. It needs only the headers: link nothing of gdbench
 * into a plugin. A refused registration refuses the whole plugin.
 */
#ifndef GDBENCH_PLUGIN_H
#define GDBENCH_PLUGIN_H

#include "gd_error.h"
#include "grad.h"
#include "update.h"

/* Bumped whenever this file, gd_update_fn's or gd_grad_fn's arguments or the
 * structures they point to (gd_hparams, gd_step, gd_model, gd_batch), the
 * dtype list (GD_NDT), the step-scalar sets (gd_step_scalars) or the model
 * list (GD_MODEL_MAP) change. 2: gdbench_rule, gdbench_grad_variant.
 * 3: gd_batch.next_idx and next_n (the next batch's rows, a prefetch hint). */
#define GDBENCH_PLUGIN_ABI 3

/*
 * One variant of an existing rule, registered as the row
 * "<rule>/<impl>/<isa>" (or "<rule>/<impl>" without isa):
 *   rule      a rule of rules.h ("adam", "sgd", ...) or one a plugin added
 *             (gdbench_rule) before
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

/*
 * A new update rule, with its scalar reference, registered as the row
 * "<name>/scalar"; the plugin's variants of it (gdbench_update_variant with
 * .rule = name, registered after it) are verified against that reference.
 *   name         [a-z0-9_], 1-23 characters, not a rule of gdbench (nor a
 *                per-tensor rule, lbfgs or newton) nor one loaded already
 *   description  what it is, e.g. the paper or the package it follows
 *                (`gdbench list --json` "torch"); may be NULL
 *   nstate       float arrays of state per element, 0..GD_MAX_STATE
 *   flops        arithmetic per element (an FMA counts 2; div, sqrt count 1)
 *   bytes        bytes moved per element at f32 storage (the ceiling's
 *                denominator in `gdbench kernels`); 0: 12 + 8 * nstate
 *   keys         the hyperparameters it reads, comma-separated update.h
 *                names (GD_KEY_MAP: "lr,betas,eps,weight_decay"); --opt
 *                refuses the others. weight_decay implies decoupled (the
 *                prologue's st->l2 and st->decay); nesterov and amsgrad
 *                select built-in rules and are refused
 *   decoupled    1: weight_decay is w *= 1 - lr*wd by default (AdamW)
 *   scalars      which of gdbench's per-step scalar sets st->c[] holds
 *                (gd_step_scalars, update.h: GD_SC_ADAM gives the bias
 *                corrections of the Adam family)
 *   check        validation beyond gdbench's (lr > 0, weight_decay >= 0, eps
 *                >= 0): 0, or GD_ERANGE with *what naming the field; or NULL
 *   defaults     its default hyperparameters (they must pass the checks)
 *   reference    the scalar reference per storage dtype; f32 required
 */
typedef struct gdbench_rule {
	const char *name, *description;
	int nstate, flops, bytes;
	const char *keys;
	int decoupled;
	gd_step_scalars scalars;
	int (*check)(const gd_hparams *hp, const char **what);
	gd_hparams defaults;
	gd_update_fn reference[GD_NDT];
} gdbench_rule;

/*
 * One variant of a gradient model of grad.h (lsq, logistic, softmax, svm,
 * mlp), registered as "<model>/<impl>[/<isa>]": impl, isa and features as
 * for gdbench_update_variant; fn follows gd_grad_fn's contract. It is
 * verified against the model's scalar gradient before use.
 */
typedef struct gdbench_grad_variant {
	const char *model, *impl, *isa, *features;
	gd_grad_fn fn;
} gdbench_grad_variant;

/* What gdbench hands gdbench_plugin_init. Each register_* returns 0 or a
 * negative gd_error.h code (the row is refused, and so is the plugin). */
typedef struct gdbench_host {
	int abi; /* GDBENCH_PLUGIN_ABI of the gdbench loading the plugin */
	int (*register_update)(const struct gdbench_host *host, const gdbench_update_variant *v);
	int (*register_rule)(const struct gdbench_host *host, const gdbench_rule *r);
	int (*register_grad)(const struct gdbench_host *host, const gdbench_grad_variant *v);
	void *priv; /* gdbench's */
} gdbench_host;

/* The plugin's symbols. init returns 0, or non-zero to refuse loading. */
extern const int gdbench_plugin_abi;
int gdbench_plugin_init(const gdbench_host *host);
#define GDBENCH_PLUGIN_DEFINE_ABI const int gdbench_plugin_abi = GDBENCH_PLUGIN_ABI

#endif
