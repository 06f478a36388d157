/* The kernel registry: one const table, best first, scalar last, read by dispatch, tests and benchmarks. */
#ifndef GD_REGISTRY_H
#define GD_REGISTRY_H

#include <stddef.h>

#include "cpu.h"
#include "grad.h"
#include "probe.h"
#include "update.h"

typedef enum { GD_IMPL_SCALAR, GD_IMPL_AUTO, GD_IMPL_SIMD, GD_IMPL_BLAS, GD_NIMPL } gd_impl;

/* One row: key "<rule>/<impl>[/<isa>]", what it computes, what it needs. FLOPs,
 * bytes and state counts per element come from the rule (gd_rule_flops and
 * friends), since rmsprop's depend on its hyperparameters. */
typedef struct gd_update_entry {
	const char *name;
	gd_rule rule;
	gd_impl impl;
	gd_isa isa;          /* required level: the CPU features are gd_isa_features(isa) */
	gd_update_fn fn[GD_NDT]; /* the row's kernel at each storage dtype (dtype.h); a plugin's may be NULL but f32 */
} gd_update_entry;

extern const gd_update_entry gd_update_table[];
extern const size_t gd_update_count;
/* Every update row: the built-in table, then the rows plugins registered
 * (plugins.h), i < gd_update_rows(). */
size_t gd_update_rows(void);
const gd_update_entry *gd_update_row(size_t i);
/* Plugin rows' impls: one bit each above GD_IMPL_BEST_BIT, numbered in the
 * order their names were first registered (gd_plugin_impl_name). */
#define GD_IMPL_PLUGIN_FIRST (GD_NIMPL + 1)
#define GD_IMPL_PLUGIN_MAX (32 - GD_IMPL_PLUGIN_FIRST)
#define GD_IMPL_PLUGIN_BITS (~0u << GD_IMPL_PLUGIN_FIRST)
/* The update row a run uses: with plugin impl bits in impls, the first plugin
 * row of rule r among them at ISA <= cap that has dtype dt (NULL if none);
 * without, gd_update_best(r, cap). */
const gd_update_entry *gd_update_pick(gd_rule r, gd_isa cap, unsigned impls, gd_dtype dt);

/* Gradient kernels: key "<model>/<impl>[/<isa>]", same order rule. */
typedef struct gd_grad_entry {
	const char *name;
	gd_model_kind model;
	gd_impl impl;
	gd_isa isa;
	gd_grad_fn fn;
} gd_grad_entry;

extern const gd_grad_entry gd_grad_table[];
extern const size_t gd_grad_count;
/* Every dense gradient row: the built-in table, then plugins' (plugins.h). */
size_t gd_grad_rows(void);
const gd_grad_entry *gd_grad_row(size_t i);

const gd_grad_entry *gd_grad_by_name(const char *name);
const gd_grad_entry *gd_grad_scalar(gd_model_kind k);
/* The variant --impl best picks for a batch of n rows at ISA cap: see
 * registry.c for the rule and the measurement behind it. */
const gd_grad_entry *gd_grad_best(gd_model_kind k, gd_isa cap, size_t n);
/*
 * Sparse (CSR) gradient kernels: key "<model>-csr/<impl>[/<isa>]", best
 * first. A table of their own because their contract differs (they add into
 * a gradient zeroed at the batch's coordinates): a dense caller cannot pick
 * one by mistake.
 */
extern const gd_grad_entry gd_csr_table[];
extern const size_t gd_csr_count;
const gd_grad_entry *gd_csr_best(gd_model_kind k, gd_isa cap);   /* NULL: no CSR kernel for k */
const gd_grad_entry *gd_csr_scalar(gd_model_kind k);
const gd_grad_entry *gd_csr_simd(gd_model_kind k, gd_isa cap);
/* The streaming read of a batch (memory ceiling) at this machine's best level. */
float gd_read_rows_best(const gd_batch *b, size_t d);

const char *gd_impl_name(gd_impl impl);
/* Parse a comma-separated --impl list ("best", "all", or impl names) into a
 * bit set of (1 << gd_impl), with bit GD_NIMPL meaning "best only".
 * Returns 0 or GD_EINVAL with the offending word copied into bad[badlen]
 * (the caller's buffer: safe on any thread). */
int gd_impl_parse(const char *list, unsigned *set, char *bad, size_t badlen);
#define GD_IMPL_BEST_BIT (1u << GD_NIMPL)

/* Row by exact name, or NULL. */
const gd_update_entry *gd_update_by_name(const char *name);
/* The best row for rule r whose ISA is at most cap (never NULL: scalar is last). */
const gd_update_entry *gd_update_best(gd_rule r, gd_isa cap);
/* The scalar reference row of rule r. */
const gd_update_entry *gd_update_scalar(gd_rule r);
/* The memory-only ceiling kernel at the best level <= cap, for storage dtype dt. */
gd_stream_fn gd_stream_best(gd_isa cap, gd_dtype dt);

/* The vector layer's whole-array conversions of one level (update.h). */
typedef struct gd_convert_set {
	gd_narrow_fn narrow;
	gd_widen_fn widen;
} gd_convert_set;
const gd_convert_set *gd_convert_for(gd_isa isa);

/* The roofline probes (kernels/probe.h) of one level. */
typedef struct gd_probe_set {
	gd_copy_fn copy;
	gd_triad_fn triad;
	gd_fma_fn fma;
	gd_lanes_fn lanes;
	gd_transpose_fn transpose; /* not a probe: the vector layer's, for tests */
} gd_probe_set;
/* The probes of level isa (scalar: the portable ones every CPU runs). */
const gd_probe_set *gd_probe_for(gd_isa isa);

#endif
