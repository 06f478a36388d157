/* Optimizer update rules: hyperparameters, per-step scalars, and the one kernel signature. */
#ifndef GD_UPDATE_H
#define GD_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "dtype.h"

/* The rules, in the order `gdbench list` shows them: one row each in rules.h. */
#include "rules.h"

typedef enum {
#define GD__RULE_ENUM(up, lo, ...) GD_RULE_##up,
	GD_RULE_MAP(GD__RULE_ENUM)
#undef GD__RULE_ENUM
	GD_NRULES
} gd_rule;
/* Built-in rules, then at most GD_MAX_RULES - GD_NRULES that plugins add at
 * run time (plugin.h's gdbench_rule), ids GD_NRULES .. gd_rule_count() - 1. */
#define GD_MAX_RULES (GD_NRULES + 16)
int gd_rule_count(void);

/*
 * Hyperparameter keys, torch.optim's names, as bits of a rule's `keys`:
 * --opt accepts a key only for a rule that reads it, and result files
 * record exactly the keys the rule read. nesterov and amsgrad are the
 * torch flags that select the nesterov and amsgrad rules.
 */
#define GD_KEY_MAP(X)                                                          \
	X(LR, lr) X(MOMENTUM, momentum) X(DAMPENING, dampening) X(NESTEROV, nesterov) \
	X(WEIGHT_DECAY, weight_decay) X(DECOUPLED, decoupled) X(LR_DECAY, lr_decay) \
	X(INITIAL_ACCUMULATOR_VALUE, initial_accumulator_value) X(ALPHA, alpha) \
	X(CENTERED, centered) X(RHO, rho) X(BETAS, betas) X(EPS, eps)          \
	X(AMSGRAD, amsgrad) X(MOMENTUM_DECAY, momentum_decay) X(ETAS, etas)    \
	X(STEP_SIZES, step_sizes)                                              \
	X(TRUST_COEFFICIENT, trust_coefficient) X(BETA2_DECAY, beta2_decay)    \
	X(EPS2, eps2) X(D, d) X(WARMUP_STEPS, warmup_steps) X(R, r)            \
	X(WEIGHT_LR_POWER, weight_lr_power) X(NS_STEPS, ns_steps)
/* (trust_coefficient .. ns_steps: the per-tensor rules of trules.h) */
enum {
#define GD__KEY_ENUM(up, lo) GD_KI_##up,
	GD_KEY_MAP(GD__KEY_ENUM)
#undef GD__KEY_ENUM
	GD_NKEYS
};
#define GD__KEY_BIT(up, lo) GD_K_##up = 1u << GD_KI_##up,
enum { GD_KEY_MAP(GD__KEY_BIT) };
#undef GD__KEY_BIT
/* The key's name ("lr", "betas", ...), or NULL past the last. */
const char *gd_key_name(int k);

/* Which per-step scalars a rule's kernels read in st->c[] (see gd_step_prepare). */
typedef enum {
	GD_SC_NONE,     /* sgd */
	GD_SC_MOMENTUM, /* c = {mu_t, 1 - dampening_t, mu} (torch starts the buffer at g) */
	GD_SC_ADAGRAD,  /* c = {lr / (1 + (t-1)*lr_decay), eps} */
	GD_SC_RMSPROP,  /* c = {alpha, 1 - alpha, eps, momentum} */
	GD_SC_ADADELTA, /* c = {rho, 1 - rho, eps} */
	GD_SC_ADAM,     /* c = {b1, 1 - b1, b2, 1 - b2, lr/(1 - b1^t), 1/sqrt(1 - b2^t), eps} */
	GD_SC_ADAMAX,   /* c = {b1, 1 - b1, b2, eps, lr/(1 - b1^t)} */
	GD_SC_NADAM,    /* c = {b1, 1 - b1, b2, 1 - b2, coefficient on g, on m, 1/sqrt(bc2), eps} */
	GD_SC_RPROP,    /* c = {eta_minus, eta_plus, step_min, step_max} */
} gd_step_scalars;

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
	/* the per-tensor rules (kernels/trules.h) */
	double trust_coefficient;   /* lars: eta */
	double beta2_decay;         /* adafactor: beta2_t = 1 - t^beta2_decay */
	double eps2;                /* adafactor: epsilon2, floor of RMS(w) (torch's eps[1]) */
	double d;                   /* adafactor: update clipping threshold */
	double warmup_steps;        /* sfadamw: linear warmup length */
	double r;                   /* sfadamw: polynomial weight power */
	double weight_lr_power;     /* sfadamw: weights follow lr_max^weight_lr_power */
	double ns_steps;            /* muon: Newton-Schulz iterations */
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
	uint32_t sr_key; /* stochastic rounding's key (dtype.h: gd_sr_key(seed, t)); 0 from gd_step_prepare */
} gd_step;

/* What gd_step_prepare carries from one step to the next (NAdam's running
 * product of momentum coefficients). Start from gd_step_carry_init(). */
typedef struct gd_step_carry {
	double mu_product;
} gd_step_carry;

/*
 * An update rule over n elements of w, g and the rule's state arrays
 * (state[0..gd_rule_nstate()-1]), stored as the kernel's dtype says
 * (dtype.h: float, gd_bf16 or gd_f16 per array; arithmetic in fp32). They
 * must not overlap. off is the index of element 0 in the whole parameter
 * vector: the stochastic-rounding counter (dtype.h, gd_sr_bits), so that a
 * vector updated whole, per tensor or in chunks gets the same bits; kernels
 * without SR ignore it. Pure: no allocation, no I/O; n may be 0; pointers
 * need no particular alignment (2-byte for 16-bit arrays).
 */
#define GD__UPDATE_ARGS                                                        \
	const gd_hparams *hp, const gd_step *st, void *restrict w, const void *restrict g, \
	void *const state[], size_t n, size_t off
typedef void (*gd_update_fn)(GD__UPDATE_ARGS);

/* One row of rules.h (see there for the fields). */
typedef struct gd_rule_info {
	const char *name, *torch;
	int nstate, flops, decoupled;
	int bytes; /* f32 bytes per element when declared (a plugin rule's), else 0: derived from nstate */
	unsigned keys;
	gd_step_scalars scalars;
	int (*nstate_fn)(const gd_hparams *hp);
	int (*flops_fn)(const gd_hparams *hp);
	int (*check)(const gd_hparams *hp, const char **what);
	gd_hparams defaults;
} gd_rule_info;
/* The row of rule r (r must be a rule). */
const gd_rule_info *gd_rule_info_of(gd_rule r);
/* The plugin loader's (harness/plugin.c): add a row as the next id (returned,
 * or GD_ERANGE when full), and drop the rows from id count on (a refused plugin). */
int gd__rule_add(const gd_rule_info *ri);
void gd__rule_drop(int count);

/*
 * A key's value in hp, the one mapping of keys onto gd_hparams' fields:
 * gd_key_get writes 1 number (2 for betas, etas, step_sizes) into v and
 * returns the count; 0 for nesterov and amsgrad, which select rules and
 * have no field. *is_flag (may be NULL) says the key is a 0/1 switch
 * (decoupled, centered). gd_key_set stores the same count of numbers.
 */
int gd_key_get(const gd_hparams *hp, int k, double v[2], int *is_flag);
void gd_key_set(gd_hparams *hp, int k, const double v[2]);

/* Rule metadata, read from the rows. */
const char *gd_rule_name(gd_rule r);
int gd_rule_from_name(const char *name); /* gd_rule, or GD_ENOENT */
/* State arrays the rule touches with these hyperparameters (rmsprop varies). */
int gd_rule_nstate(gd_rule r, const gd_hparams *hp);
/* Arithmetic operations per element of the rule's own equations (an FMA
 * counts 2; div, sqrt, max count 1). Clipping/L2 multipliers are not counted. */
int gd_rule_flops(gd_rule r, const gd_hparams *hp);
/* Bytes moved per element: read w, g and every state array, write them back
 * (f32 storage); gd_rule_bytes_dt at the storage sizes of dtype dt. */
int gd_rule_bytes(gd_rule r, const gd_hparams *hp);
int gd_rule_bytes_dt(gd_rule r, const gd_hparams *hp, gd_dtype dt);
/* What the memory-only kernel (gd_stream_fn) moves per element with ns state
 * arrays at dtype dt: a built-in rule's gd_rule_bytes_dt. */
int gd_stream_bytes(int ns, gd_dtype dt);

/* torch.optim defaults for rule r (its row's). */
void gd_hparams_default(gd_rule r, gd_hparams *hp);
/* 0 if hp is valid for r, else GD_EINVAL / GD_ERANGE; *what names the field. */
int gd_hparams_check(gd_rule r, const gd_hparams *hp, const char **what);
/* Its checks common to every rule (lr > 0, weight_decay >= 0, eps >= 0, all finite); the
 * per-tensor rules' gd_trule_check starts with them too. */
int gd_hparams_check_common(const gd_hparams *hp, const char **what);

gd_step_carry gd_step_carry_init(void);
/* Fill *st for step t >= 1 with learning rate lr (already scheduled) and
 * gradient multiplier gscale; advances *carry. */
void gd_step_prepare(gd_rule r, const gd_hparams *hp, long t, double lr,
                     double gscale, gd_step_carry *carry, gd_step *st);
/* Initial state values (zeros; adagrad's initial accumulator; rprop's step
 * sizes = lr). state[] holds gd_rule_nstate() arrays of n floats;
 * gd_state_init_as: of n elements of storage s (rounded to nearest). */
void gd_state_init(gd_rule r, const gd_hparams *hp, float *const state[], size_t n);
void gd_state_init_as(gd_rule r, const gd_hparams *hp, void *const state[], size_t n, gd_store s);

/*
 * Kernel names: gd_<rule>_<dtype>_<variant>, dtype the lo column of
 * GD_DTYPE_MAP (dtype.h; f32 for all-f32 storage). GD_VARIANT_MAP lists
 * every build of the rule sources on any architecture (kernels/meson.build
 * builds those of the host's): scalar; auto_<isa> (plain C vectorized by the
 * compiler); <isa> (intrinsics over the vector layer). Declared for all,
 * defined for the host's only; the registry names only those
 * (harness/registry.c).
 */
#define GD_VARIANT_MAP(X, ...)                                                 \
	X(scalar, __VA_ARGS__) X(auto_avx2, __VA_ARGS__) X(auto_avx512, __VA_ARGS__) \
	X(avx2, __VA_ARGS__) X(avx512, __VA_ARGS__) X(auto_neon, __VA_ARGS__)  \
	X(auto_sve, __VA_ARGS__) X(neon, __VA_ARGS__) X(sve, __VA_ARGS__)
#define GD__DECL_VARIANT(v, lo, dt) void gd_##lo##_##dt##_##v(GD__UPDATE_ARGS);
#define GD__DECL_DT(up, dt, p, g, s, sr, lo) GD_VARIANT_MAP(GD__DECL_VARIANT, lo, dt)
#define GD__DECL_ALL(up, lo, ...) GD_DTYPE_MAP(GD__DECL_DT, lo)
GD_RULE_MAP(GD__DECL_ALL)
#undef GD__DECL_ALL
#undef GD__DECL_DT
#undef GD__DECL_VARIANT

/*
 * Memory-only kernel with a rule's access pattern at one dtype: reads w, g
 * and ns state arrays and writes w and the state arrays back unchanged
 * (bitwise OR with g AND zero, then stored to nearest, which is exact for
 * values already of the storage type: no arithmetic, values preserved, the
 * same bytes per element as the rule's kernel). NaNs in 16-bit arrays come
 * back quiet. zero must be 0; it is an argument so the compiler cannot drop
 * the loads. Named gd_stream_<dtype>_<variant>.
 */
typedef void (*gd_stream_fn)(void *restrict w, const void *restrict g, void *const state[], int ns, size_t n,
                             int zero);
#define GD__DECL_STREAM(v, dt)                                                 \
	void gd_stream_##dt##_##v(void *restrict w, const void *restrict g, void *const state[], int ns, \
	                          size_t n, int zero);
#define GD__DECL_STREAM_DT(up, dt, ...) GD_VARIANT_MAP(GD__DECL_STREAM, dt)
GD_DTYPE_MAP(GD__DECL_STREAM_DT, 0)
#undef GD__DECL_STREAM_DT
#undef GD__DECL_STREAM

/*
 * Whole-array conversions over the vector layer of one level (scalar, and
 * each SIMD level: gd_convert_for in harness/registry.h): narrow n floats
 * into storage s, to nearest even or (sr, bf16 only) stochastically with
 * gd_sr_bits(key, salt, off + i); widen them back. The kernels' stores and
 * loads, exported for the tests and the training loop.
 */
typedef void (*gd_narrow_fn)(gd_store s, void *dst, const float *src, size_t n, int sr, uint32_t key,
                             uint32_t salt, size_t off);
typedef void (*gd_widen_fn)(gd_store s, float *dst, const void *src, size_t n);
#define GD__DECL_CONVERT(v, unused)                                            \
	void gd_narrow_##v(gd_store s, void *dst, const float *src, size_t n, int sr, uint32_t key, \
	                   uint32_t salt, size_t off);                                 \
	void gd_widen_##v(gd_store s, float *dst, const void *src, size_t n);
GD__DECL_CONVERT(scalar, 0)
GD__DECL_CONVERT(avx2, 0)
GD__DECL_CONVERT(avx512, 0)
GD__DECL_CONVERT(neon, 0)
GD__DECL_CONVERT(sve, 0)
#undef GD__DECL_CONVERT

#endif
