/* Optimizer update rules: hyperparameters, per-step scalars, and the one kernel signature. */
#ifndef GD_UPDATE_H
#define GD_UPDATE_H

#include <stddef.h>

/* The rules, in the order `gdbench list` shows them. */
#define GD_RULE_MAP(X)                                                         \
	X(SGD, sgd)                                                            \
	X(MOMENTUM, momentum)                                                  \
	X(NESTEROV, nesterov)                                                  \
	X(ADAGRAD, adagrad)                                                    \
	X(RMSPROP, rmsprop)                                                    \
	X(ADADELTA, adadelta)                                                  \
	X(ADAM, adam)                                                          \
	X(ADAMW, adamw)                                                        \
	X(AMSGRAD, amsgrad)                                                    \
	X(ADAMAX, adamax)                                                      \
	X(NADAM, nadam)                                                        \
	X(RPROP, rprop)

typedef enum {
#define GD__RULE_ENUM(up, lo) GD_RULE_##up,
	GD_RULE_MAP(GD__RULE_ENUM)
#undef GD__RULE_ENUM
	GD_NRULES
} gd_rule;

#define GD_MAX_STATE 3

/*
 * Hyperparameters, named and defaulted as in the torch.optim documentation so
 * results cross-check against a framework people use (gd_hparams_default).
 * Double precision here; gd_step_prepare rounds what the element loop needs.
 */
typedef struct gd_hparams {
	double lr;
	double momentum;      /* momentum, nesterov, rmsprop */
	double dampening;     /* momentum */
	double weight_decay;  /* L2 folded into g (adamw: decoupled) */
	int decoupled_wd;     /* any rule: apply weight_decay as w *= 1 - lr*wd */
	double lr_decay;      /* adagrad */
	double initial_accumulator_value; /* adagrad */
	double alpha;         /* rmsprop */
	int centered;         /* rmsprop */
	double rho;           /* adadelta */
	double beta1, beta2;  /* adam family ("betas") */
	double eps;
	double momentum_decay; /* nadam */
	double eta_minus, eta_plus; /* rprop "etas" */
	double step_min, step_max;  /* rprop "step_sizes" */
} gd_hparams;

/* Scalars that change from step to step, computed once per step by
 * gd_step_prepare, outside the element loop. c[] is per rule (update_step.c). */
typedef struct gd_step {
	long t;        /* 1-based step number */
	float lr;      /* scheduled learning rate of this step */
	float gscale;  /* multiplier on the raw gradient (norm clipping); 1 = none */
	float l2;      /* L2 coefficient folded into the gradient; 0 = none */
	float decay;   /* decoupled weight decay, w *= decay; 1 = none */
	float c[8];
} gd_step;

/* What gd_step_prepare carries from one step to the next (NAdam's running
 * product of momentum coefficients). Start from gd_step_carry_init(). */
typedef struct gd_step_carry {
	double mu_product;
} gd_step_carry;

/*
 * An update rule over n float32 elements: w, g and the rule's state arrays
 * (state[0..gd_rule_nstate()-1]) must not overlap. Pure: no allocation, no
 * I/O; n may be 0; pointers need no particular alignment.
 */
typedef void (*gd_update_fn)(const gd_hparams *hp, const gd_step *st,
                             float *restrict w, const float *restrict g,
                             float *const state[], size_t n);

/* Rule metadata: the single source for names, state counts and FLOP counts. */
const char *gd_rule_name(gd_rule r);
int gd_rule_from_name(const char *name); /* gd_rule, or GD_ENOENT */
/* State arrays the rule touches with these hyperparameters (rmsprop varies). */
int gd_rule_nstate(gd_rule r, const gd_hparams *hp);
/* Arithmetic operations per element of the rule's own equations (an FMA
 * counts 2; div, sqrt, max count 1). Clipping/L2 multipliers are not counted. */
int gd_rule_flops(gd_rule r, const gd_hparams *hp);
/* Bytes moved per element: read w, g and every state array, write them back. */
int gd_rule_bytes(gd_rule r, const gd_hparams *hp);

/* torch.optim defaults for rule r. */
void gd_hparams_default(gd_rule r, gd_hparams *hp);
/* 0 if hp is valid for r, else GD_EINVAL / GD_ERANGE; *what names the field. */
int gd_hparams_check(gd_rule r, const gd_hparams *hp, const char **what);

gd_step_carry gd_step_carry_init(void);
/* Fill *st for step t >= 1 with learning rate lr (already scheduled) and
 * gradient multiplier gscale; advances *carry. */
void gd_step_prepare(gd_rule r, const gd_hparams *hp, long t, double lr,
                     double gscale, gd_step_carry *carry, gd_step *st);
/* Initial state values (zeros; adagrad's initial accumulator; rprop's step
 * sizes = lr). state[] holds gd_rule_nstate() arrays of n floats. */
void gd_state_init(gd_rule r, const gd_hparams *hp, float *const state[], size_t n);

/*
 * Kernel names: gd_<rule>_f32_<variant>. GD_VARIANT_MAP lists every build
 * of the rule sources on any architecture (kernels/meson.build builds those
 * of the host's): scalar; auto_<isa> (plain C vectorized by the compiler);
 * <isa> (intrinsics over the vector layer). Declared for all, defined for
 * the host's only; the registry names only those (harness/registry.c).
 */
#define GD_VARIANT_MAP(X, ...)                                                 \
	X(scalar, __VA_ARGS__) X(auto_avx2, __VA_ARGS__) X(auto_avx512, __VA_ARGS__) \
	X(avx2, __VA_ARGS__) X(avx512, __VA_ARGS__) X(auto_neon, __VA_ARGS__)  \
	X(auto_sve, __VA_ARGS__) X(neon, __VA_ARGS__) X(sve, __VA_ARGS__)
#define GD__DECL_VARIANT(v, lo)                                                \
	void gd_##lo##_f32_##v(const gd_hparams *hp, const gd_step *st,        \
	                       float *restrict w, const float *restrict g,     \
	                       float *const state[], size_t n);
#define GD__DECL_ALL(up, lo) GD_VARIANT_MAP(GD__DECL_VARIANT, lo)
GD_RULE_MAP(GD__DECL_ALL)
#undef GD__DECL_ALL
#undef GD__DECL_VARIANT

/*
 * Memory-only kernel with a rule's access pattern: reads w, g and ns state
 * arrays and writes w and the state arrays back unchanged (bitwise OR with
 * g AND zero, so no floating-point arithmetic and values are preserved).
 * zero must be 0; it is an argument so the compiler cannot drop the loads.
 */
typedef void (*gd_stream_fn)(float *restrict w, const float *restrict g,
                             float *const state[], int ns, size_t n, int zero);
#define GD__DECL_STREAM(v, unused)                                             \
	void gd_stream_f32_##v(float *restrict w, const float *restrict g,     \
	                       float *const state[], int ns, size_t n, int zero);
GD_VARIANT_MAP(GD__DECL_STREAM, 0)
#undef GD__DECL_STREAM

#endif
