/* Rule metadata from the rows of rules.h, torch.optim defaults, validation, and the per-step scalars each kernel reads. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "gd_error.h"
#include "update.h"

static const char *const key_names[GD_NKEYS] = {
#define GD__KEY_NAME(up, lo) #lo,
	GD_KEY_MAP(GD__KEY_NAME)
#undef GD__KEY_NAME
};

const char *gd_key_name(int k)
{
	return k >= 0 && k < GD_NKEYS ? key_names[k] : NULL;
}

/* Where each key lives in gd_hparams: double fields, or one int flag. */
#define D1(f) { { offsetof(gd_hparams, f), 0 }, 1, 0 }
#define D2(f, g) { { offsetof(gd_hparams, f), offsetof(gd_hparams, g) }, 2, 0 }
#define FLAG(f) { { offsetof(gd_hparams, f), 0 }, 1, 1 }
static const struct { size_t off[2]; int n, flag; } key_fields[GD_NKEYS] = {
	[GD_KI_LR] = D1(lr), [GD_KI_MOMENTUM] = D1(momentum), [GD_KI_DAMPENING] = D1(dampening),
	[GD_KI_WEIGHT_DECAY] = D1(weight_decay), [GD_KI_DECOUPLED] = FLAG(decoupled_wd),
	[GD_KI_LR_DECAY] = D1(lr_decay), [GD_KI_INITIAL_ACCUMULATOR_VALUE] = D1(initial_accumulator_value),
	[GD_KI_ALPHA] = D1(alpha), [GD_KI_CENTERED] = FLAG(centered), [GD_KI_RHO] = D1(rho),
	[GD_KI_BETAS] = D2(beta1, beta2), [GD_KI_EPS] = D1(eps), [GD_KI_MOMENTUM_DECAY] = D1(momentum_decay),
	[GD_KI_ETAS] = D2(eta_minus, eta_plus), [GD_KI_STEP_SIZES] = D2(step_min, step_max),
	[GD_KI_TRUST_COEFFICIENT] = D1(trust_coefficient), [GD_KI_BETA2_DECAY] = D1(beta2_decay),
	[GD_KI_EPS2] = D1(eps2), [GD_KI_D] = D1(d), [GD_KI_WARMUP_STEPS] = D1(warmup_steps), [GD_KI_R] = D1(r),
	[GD_KI_WEIGHT_LR_POWER] = D1(weight_lr_power), [GD_KI_NS_STEPS] = D1(ns_steps),
	/* nesterov, amsgrad: { 0 }, no field */
};
#undef D1
#undef D2
#undef FLAG

int gd_key_get(const gd_hparams *hp, int k, double v[2], int *is_flag)
{
	if (k < 0 || k >= GD_NKEYS)
		return 0;
	const char *base = (const char *)hp;
	for (int j = 0; j < key_fields[k].n; j++) {
		if (key_fields[k].flag)
			v[j] = *(const int *)(const void *)(base + key_fields[k].off[j]);
		else
			v[j] = *(const double *)(const void *)(base + key_fields[k].off[j]);
	}
	if (is_flag)
		*is_flag = key_fields[k].flag;
	return key_fields[k].n;
}

void gd_key_set(gd_hparams *hp, int k, const double v[2])
{
	if (k < 0 || k >= GD_NKEYS)
		return;
	char *base = (char *)hp;
	for (int j = 0; j < key_fields[k].n; j++) {
		if (key_fields[k].flag)
			*(int *)(void *)(base + key_fields[k].off[j]) = v[j] != 0;
		else
			*(double *)(void *)(base + key_fields[k].off[j]) = v[j];
	}
}

/* The few rules whose state or cost depends on their hyperparameters. */
static int gd__rmsprop_nstate(const gd_hparams *hp) /* square_avg [, grad_avg] [, momentum_buffer] */
{
	return 1 + (hp->centered != 0) + (hp->momentum > 0);
}

static int gd__rmsprop_flops(const gd_hparams *hp) /* v update 4, sqrt, +eps, div, fma */
{
	return 9 + (hp->centered ? 5 : 0) + (hp->momentum > 0 ? 2 : 0);
}

#define CHECK(cond, field)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			*what = (field);                                       \
			return GD_ERANGE;                                      \
		}                                                              \
	} while (0)

int gd_hparams_check_common(const gd_hparams *hp, const char **what)
{
	/* !(x > 0) also rejects NaN */
	CHECK(hp->lr > 0 && isfinite(hp->lr), "lr (must be > 0)");
	CHECK(hp->weight_decay >= 0 && isfinite(hp->weight_decay), "weight_decay (must be >= 0)");
	CHECK(hp->eps >= 0 && isfinite(hp->eps), "eps (must be >= 0)");
	return 0;
}

/* Rule-specific validation (the generic checks of lr, weight_decay and eps come first). */
static int gd__check_momentum(const gd_hparams *hp, const char **what)
{
	CHECK(hp->momentum > 0 && hp->momentum < 1, "momentum (must be in (0, 1))");
	CHECK(hp->dampening >= 0 && hp->dampening <= 1, "dampening (must be in [0, 1])");
	return 0;
}

static int gd__check_nesterov(const gd_hparams *hp, const char **what)
{
	/* torch: "Nesterov momentum requires a momentum and zero dampening" */
	CHECK(hp->dampening == 0, "dampening (nesterov requires 0)");
	return gd__check_momentum(hp, what);
}

static int gd__check_adagrad(const gd_hparams *hp, const char **what)
{
	CHECK(hp->lr_decay >= 0, "lr_decay (must be >= 0)");
	CHECK(hp->initial_accumulator_value >= 0, "initial_accumulator_value (must be >= 0)");
	return 0;
}

static int gd__check_rmsprop(const gd_hparams *hp, const char **what)
{
	CHECK(hp->alpha >= 0 && hp->alpha < 1, "alpha (must be in [0, 1))");
	CHECK(hp->momentum >= 0 && hp->momentum < 1, "momentum (must be in [0, 1))");
	return 0;
}

static int gd__check_adadelta(const gd_hparams *hp, const char **what)
{
	CHECK(hp->rho >= 0 && hp->rho < 1, "rho (must be in [0, 1))");
	CHECK(hp->eps > 0, "eps (adadelta needs eps > 0)");
	return 0;
}

static int gd__check_betas(const gd_hparams *hp, const char **what)
{
	CHECK(hp->beta1 >= 0 && hp->beta1 < 1, "betas (beta1 must be in [0, 1))");
	CHECK(hp->beta2 >= 0 && hp->beta2 < 1, "betas (beta2 must be in [0, 1))");
	return 0;
}

static int gd__check_adamax(const gd_hparams *hp, const char **what)
{
	CHECK(hp->eps > 0, "eps (adamax needs eps > 0)");
	return gd__check_betas(hp, what);
}

static int gd__check_nadam(const gd_hparams *hp, const char **what)
{
	CHECK(hp->momentum_decay >= 0, "momentum_decay (must be >= 0)");
	return gd__check_betas(hp, what);
}

static int gd__check_rprop(const gd_hparams *hp, const char **what)
{
	CHECK(hp->eta_minus > 0 && hp->eta_minus < 1, "etas (eta_minus must be in (0, 1))");
	CHECK(hp->eta_plus > 1 && isfinite(hp->eta_plus), "etas (eta_plus must be > 1)");
	CHECK(hp->step_min >= 0 && hp->step_min <= hp->step_max && isfinite(hp->step_max),
	      "step_sizes (need 0 <= min <= max)");
	return 0;
}

static const gd_rule_info rules[GD_NRULES] = {
#define GD__RULE_ROW(up, lo, torch_, nstate_, flops_, decoupled_, keys_, scalars_, nstate_fn_, flops_fn_, \
                     check_, ...)                                                                     \
	[GD_RULE_##up] = { .name = #lo, .torch = torch_, .nstate = nstate_, .flops = flops_,             \
		           .decoupled = decoupled_, .keys = keys_, .scalars = scalars_, .nstate_fn = nstate_fn_, \
		           .flops_fn = flops_fn_, .check = check_, .defaults = { __VA_ARGS__ } },
	GD_RULE_MAP(GD__RULE_ROW)
#undef GD__RULE_ROW
};

/*
 * Rules past GD_NRULES: those plugins registered at run time (harness/plugin.c,
 * plugin.h's gdbench_rule). They take the ids after the built-in ones, so the
 * arrays and loops sized by gd_rule_count() reach them and every lookup by id
 * (names, keys, state, FLOPs, bytes, defaults, validation, step scalars) reads
 * one kind of row. An id space rather than a second table keyed by name: the
 * registry rows, result records and --opt specs all carry a gd_rule. A process
 * registers them once, at start, before any thread runs: no locking.
 */
static gd_rule_info added[GD_MAX_RULES - GD_NRULES];
static int nadded;

static const gd_rule_info *row(gd_rule r)
{
	return (unsigned)r < GD_NRULES ? &rules[r] : (unsigned)r < (unsigned)(GD_NRULES + nadded) ? &added[r - GD_NRULES] : NULL;
}

int gd_rule_count(void)
{
	return GD_NRULES + nadded;
}

int gd__rule_add(const gd_rule_info *ri)
{
	if (nadded == GD_MAX_RULES - GD_NRULES)
		return GD_ERANGE;
	added[nadded] = *ri;
	return GD_NRULES + nadded++;
}

void gd__rule_drop(int count)
{
	if (count >= GD_NRULES && count < GD_NRULES + nadded)
		nadded = count - GD_NRULES;
}

const gd_rule_info *gd_rule_info_of(gd_rule r)
{
	return row(r) ? row(r) : &rules[0];
}

const char *gd_rule_name(gd_rule r)
{
	return row(r) ? row(r)->name : "?";
}

int gd_rule_from_name(const char *name)
{
	for (int r = 0; r < gd_rule_count(); r++)
		if (strcmp(name, row((gd_rule)r)->name) == 0)
			return r;
	return GD_ENOENT;
}

int gd_rule_nstate(gd_rule r, const gd_hparams *hp)
{
	const gd_rule_info *ri = row(r);
	if (!ri)
		return 0;
	return ri->nstate_fn ? ri->nstate_fn(hp) : ri->nstate;
}

int gd_rule_flops(gd_rule r, const gd_hparams *hp)
{
	const gd_rule_info *ri = row(r);
	if (!ri)
		return 0;
	return ri->flops_fn ? ri->flops_fn(hp) : ri->flops;
}

int gd_rule_bytes(gd_rule r, const gd_hparams *hp)
{
	return gd_rule_bytes_dt(r, hp, GD_DT_F32);
}

/* w read and written, g read, each state array read and written */
int gd_stream_bytes(int ns, gd_dtype dt)
{
	size_t pw = gd_store_size(gd_dtype_param(dt)), pg = gd_store_size(gd_dtype_grad(dt));
	size_t ps = gd_store_size(gd_dtype_state(dt));
	return (int)(2 * pw + pg + 2 * ps * (size_t)(ns > 0 ? ns : 0));
}

/* a row's declared f32 bytes (a plugin rule's) scale with the same storage sizes */
int gd_rule_bytes_dt(gd_rule r, const gd_hparams *hp, gd_dtype dt)
{
	int ns = gd_rule_nstate(r, hp);
	int derived = gd_stream_bytes(ns, dt), f32 = gd_stream_bytes(ns, GD_DT_F32);
	const gd_rule_info *ri = row(r);
	return ri && ri->bytes > 0 ? (int)(((long)ri->bytes * derived + f32 / 2) / f32) : derived;
}

void gd_hparams_default(gd_rule r, gd_hparams *hp)
{
	*hp = row(r) ? row(r)->defaults : rules[0].defaults;
}

int gd_hparams_check(gd_rule r, const gd_hparams *hp, const char **what)
{
	const char *unused; /* a local, not a static: callers may run on several threads */
	if (!what)
		what = &unused;
	const gd_rule_info *ri = row(r);
	if (!ri) {
		*what = "rule";
		return GD_EINVAL;
	}
	int rc = gd_hparams_check_common(hp, what);
	if (rc)
		return rc;
	return ri->check ? ri->check(hp, what) : 0;
}

gd_step_carry gd_step_carry_init(void)
{
	return (gd_step_carry){ .mu_product = 1.0 };
}

/* 1 - beta^t without cancellation for beta close to 1 */
static double one_minus_pow(double beta, long t)
{
	return beta > 0 ? -expm1((double)t * log(beta)) : 1.0;
}

/* NAdam's momentum coefficient mu_t = beta1 * (1 - 0.5 * 0.96^(t*psi)) */
static double nadam_mu(const gd_hparams *hp, long t)
{
	return hp->beta1 * (1.0 - 0.5 * pow(0.96, (double)t * hp->momentum_decay));
}

/*
 * The per-rule meaning of st->c[] is the contract between this function and
 * the kernels (update_plain.c, update_simd.c); keep the three in step.
 */
void gd_step_prepare(gd_rule r, const gd_hparams *hp, long t, double lr,
                     double gscale, gd_step_carry *carry, gd_step *st)
{
	memset(st, 0, sizeof(*st)); /* sr_key 0: SR callers set gd_sr_key(seed, t) */
	st->t = t;
	st->lr = (float)lr;
	st->gscale = (float)gscale;
	const gd_rule_info *ri = gd_rule_info_of(r);
	int decoupled = hp->decoupled_wd || ri->decoupled;
	st->l2 = decoupled ? 0.0f : (float)hp->weight_decay;
	st->decay = decoupled ? (float)(1.0 - lr * hp->weight_decay) : 1.0f;
	float *c = st->c;
	double bc1 = one_minus_pow(hp->beta1, t), bc2 = one_minus_pow(hp->beta2, t);

	switch (ri->scalars) {
	case GD_SC_NONE: break;
	case GD_SC_MOMENTUM:
		/* torch: the buffer starts as g itself at the first step, so
		 * b = c0*b + c1*g with c0 = 0, c1 = 1 then c0 = mu, c1 = 1 - dampening */
		c[0] = t == 1 ? 0.0f : (float)hp->momentum;
		c[1] = t == 1 ? 1.0f : (float)(1.0 - hp->dampening);
		c[2] = (float)hp->momentum;
		break;
	case GD_SC_ADAGRAD:
		c[0] = (float)(lr / (1.0 + (double)(t - 1) * hp->lr_decay)); /* clr */
		c[1] = (float)hp->eps;
		break;
	case GD_SC_RMSPROP:
		c[0] = (float)hp->alpha;
		c[1] = (float)(1.0 - hp->alpha);
		c[2] = (float)hp->eps;
		c[3] = (float)hp->momentum;
		break;
	case GD_SC_ADADELTA:
		c[0] = (float)hp->rho;
		c[1] = (float)(1.0 - hp->rho);
		c[2] = (float)hp->eps;
		break;
	case GD_SC_ADAM:
		c[0] = (float)hp->beta1;
		c[1] = (float)(1.0 - hp->beta1);
		c[2] = (float)hp->beta2;
		c[3] = (float)(1.0 - hp->beta2);
		c[4] = (float)(lr / bc1);          /* step size */
		c[5] = (float)(1.0 / sqrt(bc2));   /* sqrt(v)/sqrt(bc2) as a product */
		c[6] = (float)hp->eps;
		break;
	case GD_SC_ADAMAX:
		c[0] = (float)hp->beta1;
		c[1] = (float)(1.0 - hp->beta1);
		c[2] = (float)hp->beta2;
		c[3] = (float)hp->eps;
		c[4] = (float)(lr / bc1);
		break;
	case GD_SC_NADAM: {
		double mu = nadam_mu(hp, t), mu_next = nadam_mu(hp, t + 1);
		carry->mu_product *= mu;
		double mu_product_next = carry->mu_product * mu_next;
		c[0] = (float)hp->beta1;
		c[1] = (float)(1.0 - hp->beta1);
		c[2] = (float)hp->beta2;
		c[3] = (float)(1.0 - hp->beta2);
		c[4] = (float)(lr * (1.0 - mu) / (1.0 - carry->mu_product));   /* on g */
		c[5] = (float)(lr * mu_next / (1.0 - mu_product_next));        /* on m */
		c[6] = (float)(1.0 / sqrt(bc2));
		c[7] = (float)hp->eps;
		break;
	}
	case GD_SC_RPROP:
		c[0] = (float)hp->eta_minus;
		c[1] = (float)hp->eta_plus;
		c[2] = (float)hp->step_min;
		c[3] = (float)hp->step_max;
		break;
	}
}

void gd_state_init(gd_rule r, const gd_hparams *hp, float *const state[], size_t n)
{
	void *vs[GD_MAX_STATE] = { 0 };
	for (int k = 0; k < gd_rule_nstate(r, hp) && k < GD_MAX_STATE; k++)
		vs[k] = state[k];
	gd_state_init_as(r, hp, vs, n, GD_ST_F32);
}

void gd_state_init_as(gd_rule r, const gd_hparams *hp, void *const state[], size_t n, gd_store s)
{
	int ns = gd_rule_nstate(r, hp);
	gd_step_scalars sc = gd_rule_info_of(r)->scalars;
	for (int k = 0; k < ns; k++) {
		float v = 0.0f;
		if (sc == GD_SC_ADAGRAD)
			v = (float)hp->initial_accumulator_value;
		else if (sc == GD_SC_RPROP && k == 1)
			v = (float)hp->lr; /* per-element step sizes start at lr */
		if (!n)
			continue;
		/* the first element converted, then copied in doubling blocks: memcpy speed over
		 * the whole array (benchmarks refill DRAM-sized state before every run) */
		size_t sz = gd_store_size(s), done = 1;
		char *p = state[k];
		gd_store_from_f32(s, p, &v, 1);
		while (done < n) {
			size_t m = done < n - done ? done : n - done;
			memcpy(p + done * sz, p, m * sz);
			done += m;
		}
	}
}
