/*
 * The per-tensor update rules: rules that need a reduction over a whole
 * tensor (a norm, a row or column mean) or its shape between elementwise
 * passes, so they do not fit the one-pass gd_update_fn of rules.h. One row
 * each, the single source of what gdbench knows about them besides their
 * kernels: names, reference implementation, the hyperparameters --opt
 * accepts and a result file records (the reference's names and defaults),
 * state per tensor, passes, FLOPs and true bytes per element.
 *
 * X(UP, lo, ref, keys, passes, flops, bytes, bytes_1d, check, defaults...)
 *   ref       the reference implementation the names and defaults come from
 *   keys      the GD_K_* hyperparameter keys the rule reads (update.h)
 *   passes    elementwise passes over a tensor per step (a norm pass counts)
 *   flops     arithmetic per element over all passes (an FMA counts 2;
 *             div, sqrt, max count 1), for 2-D tensors (Muon: without the
 *             Newton-Schulz products, gd_ns_flops)
 *   bytes     f32 bytes moved per element over all passes, as the kernels
 *             move them (LAMB and LARS read w twice), for 2-D tensors;
 *             bytes_1d for tensors of one dimension where they differ (0: same)
 *   check     rule-specific validation, or NULL
 *   defaults  designated initializers of gd_hparams
 *
 * The state of each tensor (trules_step.c, gd_trule_state_floats):
 *   lamb       m, v                          2*numel
 *   lars       momentum buffer b             numel
 *   adafactor  >= 2-D: row factors R (batch*rows) then column factors C
 *              (batch*cols), torch's row_var/col_var (means, not sums);
 *              1-D: v, numel
 *   sfadamw    z, v                          2*numel (w holds y; x is implicit)
 *   muon       2-D: momentum buffer, numel; others: AdamW's m, v, 2*numel
 *
 * Storage: f32 only (w, g and state); the driver refuses other dtypes with
 * GD_ENOTSUP. That keeps the build to one compilation per variant.
 */
#ifndef GD_TRULES_H
#define GD_TRULES_H

#include <stddef.h>

#include "update.h"

#define GD_TRULE_MAP(X)                                                                             \
	X(LAMB, lamb, "You et al. 2020 Alg. 2 (NVIDIA apex FusedLAMB's names and defaults)",        \
	  GD_K_LR | GD_K_BETAS | GD_K_EPS | GD_K_WEIGHT_DECAY, 2, 27, 40, 0, gd__check_lamb,          \
	  .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-6, .weight_decay = 0.01)               \
	X(LARS, lars, "You et al. 2017 Alg. 1 (names: lr, momentum, weight_decay, trust_coefficient)", \
	  GD_K_LR | GD_K_MOMENTUM | GD_K_WEIGHT_DECAY | GD_K_TRUST_COEFFICIENT, 2, 10, 28, 0,         \
	  gd__check_lars, .lr = 1.0, .momentum = 0.9, .weight_decay = 5e-4, .trust_coefficient = 1e-3) \
	X(ADAFACTOR, adafactor, "torch.optim.Adafactor (Shazeer & Stern 2018 Alg. 4/5)",             \
	  GD_K_LR | GD_K_BETA2_DECAY | GD_K_EPS | GD_K_EPS2 | GD_K_D | GD_K_WEIGHT_DECAY, 4, 18, 24, 32, \
	  gd__check_adafactor, .lr = 1e-2, .beta2_decay = -0.8, .eps = 0x1p-23, .eps2 = 1e-3, .d = 1.0) \
	X(SFADAMW, sfadamw, "facebookresearch/schedule_free AdamWScheduleFree (Defazio et al. 2024)", \
	  GD_K_LR | GD_K_BETAS | GD_K_EPS | GD_K_WEIGHT_DECAY | GD_K_WARMUP_STEPS | GD_K_R |           \
	  GD_K_WEIGHT_LR_POWER, 1, 16, 28, 0, gd__check_sfadamw, .lr = 0.0025, .beta1 = 0.9,         \
	  .beta2 = 0.999, .eps = 1e-8, .weight_lr_power = 2.0)                                      \
	X(MUON, muon, "torch.optim.Muon (Jordan et al. 2024); non-2-D tensors: AdamW",              \
	  GD_K_LR | GD_K_MOMENTUM | GD_K_WEIGHT_DECAY | GD_K_EPS | GD_K_NS_STEPS | GD_K_BETAS, 2, 9, 28, \
	  28, gd__check_muon, .lr = 1e-3, .momentum = 0.95, .weight_decay = 0.1, .eps = 1e-7,        \
	  .ns_steps = 5, .beta1 = 0.9, .beta2 = 0.999)

typedef enum {
#define GD__TRULE_ENUM(up, lo, ...) GD_TRULE_##up,
	GD_TRULE_MAP(GD__TRULE_ENUM)
#undef GD__TRULE_ENUM
	GD_NTRULES
} gd_trule;

typedef struct gd_trule_info {
	const char *name, *ref;
	unsigned keys;
	int passes, flops, bytes, bytes_1d;
	int (*check)(const gd_hparams *hp, const char **what);
	gd_hparams defaults;
} gd_trule_info;

const gd_trule_info *gd_trule_info_of(gd_trule r);
const char *gd_trule_name(gd_trule r);
int gd_trule_from_name(const char *name); /* gd_trule, or GD_ENOENT */
void gd_trule_defaults(gd_trule r, gd_hparams *hp);
/* 0, or GD_ERANGE with *what naming the field and the range it needs. */
int gd_trule_check(gd_trule r, const gd_hparams *hp, const char **what);
/* Bytes per element for a tensor of ndim dimensions (bytes or bytes_1d). */
int gd_trule_bytes(gd_trule r, int ndim);

/* Muon's AdamW for tensors that are not 2-D: torch.optim.AdamW's eps. */
#define GD_MUON_ADAMW_EPS 1e-8

/*
 * The elementwise passes, f32, one set per variant (scalar, auto_<isa>,
 * <isa>: as update.h's GD_VARIANT_MAP). c[] holds per-tensor scalars
 * (trules_step.c documents each). Sums come back in double; kernels
 * accumulate in float lanes and add them up in double at the end.
 * Pure: no allocation; n may be 0; no alignment needed.
 */
typedef struct gd_tkernels {
	/* out[0] += sum a^2, out[1] += sum b^2 (b may be NULL: out[1] untouched) */
	void (*sumsq2)(const float *a, const float *b, size_t n, double out[2]);
	/* LAMB pass 1: m, v updated; out[0] += sum w^2, out[1] += sum u^2 with
	 * u = m/bc1 / (sqrt(v/bc2) + eps) + wd*w. c = {b1, 1-b1, b2, 1-b2, 1/bc1, 1/sqrt(bc2), eps, wd} */
	void (*lamb_moments)(const float *c, const float *w, const float *g, float *m, float *v, size_t n,
	                     double out[2]);
	/* LAMB pass 2: w -= step*u (u recomputed from m, v). c as above, c[8] = lr*trust */
	void (*lamb_apply)(const float *c, float *w, const float *m, const float *v, size_t n);
	/* LARS pass 2: b = mu*b + llr*(g + wd*w); w -= b. c = {mu, llr (lr*local lr), wd} */
	void (*lars_apply)(const float *c, float *w, const float *g, float *b, size_t n);
	/* Adafactor, a block of rows x cols of a factored tensor: rsq[r] += sum_j g^2,
	 * csq[j] += sum_r g^2 */
	void (*af_rowcol)(const float *g, size_t rows, size_t cols, float *rsq, float *csq);
	/* Adafactor factored: u = g / max(sqrt(rs[r]*C[j]), eps1); returns sum u^2
	 * (rs[r] = R[r]/max(mean R, eps1)); af_apply: w = decay*w - alpha*u. c = {eps1^2, alpha, decay} */
	double (*af_sumsq)(const float *c, const float *g, const float *rs, const float *C, size_t rows,
	                   size_t cols);
	void (*af_apply)(const float *c, float *w, const float *g, const float *rs, const float *C, size_t rows,
	                 size_t cols);
	/* Adafactor 1-D: v = b2t*v + (1-b2t)*g^2; returns sum u^2, u = g/max(sqrt(v), eps1);
	 * af_vapply: w = decay*w - alpha*u. c = {eps1^2, alpha, decay, b2t, 1-b2t} */
	double (*af_vmoments)(const float *c, const float *g, float *v, size_t n);
	void (*af_vapply)(const float *c, float *w, const float *g, const float *v, size_t n);
	/* Schedule-Free AdamW, w = y: v = b2*v + (1-b2)*g^2; d = g/(sqrt(v) + eps) + wd*y;
	 * y = y + ckp1*(z - y) + cy*d; z -= lr*d. c = {b2, 1-b2, eps, wd, ckp1, cy, lr} */
	void (*sf_step)(const float *c, float *y, const float *g, float *z, float *v, size_t n);
	/* Muon: buf = mu*buf + (1-mu)*g; u = (1-mu)*g + mu*buf (nesterov). c = {mu, 1-mu} */
	void (*muon_momentum)(const float *c, const float *g, float *buf, float *u, size_t n);
	/* w = decay*w - alpha*u. c = {decay, alpha} */
	void (*scale_sub)(const float *c, float *w, const float *u, size_t n);
} gd_tkernels;

#define GD__DECL_TK(v, unused) extern const gd_tkernels gd_tkernels_##v;
GD_VARIANT_MAP(GD__DECL_TK, 0)
#undef GD__DECL_TK

#endif
