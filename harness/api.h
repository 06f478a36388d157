/*
 * Looking a registered kernel up by name and running it (installed as
 * <gdbench/api.h>; link with `pkg-config --libs gdbench`). The names are
 * `gdbench list`'s: "adam/simd/avx2", "softmax/blas/avx2", ... Update
 * kernels run with update.h's hyperparameters, step scalars and state
 * (gd_hparams_default, gd_state_init, gd_step_prepare); gradient kernels
 * with grad.h's models and batches.
 */
#ifndef GDBENCH_API_H
#define GDBENCH_API_H

#include <stddef.h>

#include "gd_error.h"
#include "grad.h"
#include "update.h"

typedef struct gdbench_update_kernel {
	const char *name;
	gd_rule rule;
	gd_update_fn fn[GD_NDT]; /* per storage dtype (dtype.h); NULL where it has none */
} gdbench_update_kernel;

typedef struct gdbench_grad_kernel {
	const char *name;
	gd_model_kind model;
	gd_grad_fn fn;
} gdbench_grad_kernel;

/* Fill *k with the row named name: 0, GD_ENOENT (no such row), or GD_ENOCPU
 * (this CPU, or GDBENCH_ISA, cannot run it). */
int gdbench_update_find(const char *name, gdbench_update_kernel *k);
int gdbench_grad_find(const char *name, gdbench_grad_kernel *k);
/* The name of update row i (built-in rows, then loaded plugins'), NULL past the last. */
const char *gdbench_update_name(size_t i);

/* Load a plugin (plugin.h) into this process's registry (its update and
 * gradient rows and the rules it adds: gdbench_update_find and
 * gdbench_grad_find see them after) and verify its rows against the scalar
 * reference. Loading runs the plugin's code. 0, or a gd_error.h code with the
 * reason in why[len] (GD_EVERIFY: the first mismatch). */
int gdbench_plugin_load(const char *path, char *why, size_t len);

#endif
