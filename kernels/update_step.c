/* Rule metadata, torch.optim defaults, validation, and the per-step scalars each kernel reads. */
#include <math.h>
#include <string.h>

#include "gd_error.h"
#include "update.h"

static const char *const rule_names[GD_NRULES] = {
#define GD__RULE_NAME(up, lo) #lo,
	GD_RULE_MAP(GD__RULE_NAME)
#undef GD__RULE_NAME
};

const char *gd_rule_name(gd_rule r)
{
	return (unsigned)r < GD_NRULES ? rule_names[r] : "?";
}

int gd_rule_from_name(const char *name)
{
	for (int r = 0; r < GD_NRULES; r++)
		if (strcmp(name, rule_names[r]) == 0)
			return r;
	return GD_ENOENT;
}

int gd_rule_nstate(gd_rule r, const gd_hparams *hp)
{
	switch (r) {
	case GD_RULE_SGD: return 0;
	case GD_RULE_MOMENTUM:
	case GD_RULE_NESTEROV:
	case GD_RULE_ADAGRAD: return 1;
	case GD_RULE_RMSPROP: /* square_avg [, grad_avg] [, momentum_buffer] */
		return 1 + (hp->centered != 0) + (hp->momentum > 0);
	case GD_RULE_ADADELTA:
	case GD_RULE_ADAM:
	case GD_RULE_ADAMW:
	case GD_RULE_ADAMAX:
	case GD_RULE_NADAM:
	case GD_RULE_RPROP: return 2;
	case GD_RULE_AMSGRAD: return 3;
	case GD_NRULES: break;
	}
	return 0;
}

int gd_rule_flops(gd_rule r, const gd_hparams *hp)
{
	switch (r) {
	case GD_RULE_SGD: return 2;       /* w -= lr*g */
	case GD_RULE_MOMENTUM: return 5;  /* b = mu*b + d*g; w -= lr*b */
	case GD_RULE_NESTEROV: return 7;  /* + g + mu*b */
	case GD_RULE_ADAGRAD: return 7;   /* s += g*g; sqrt; +eps; div; fma */
	case GD_RULE_RMSPROP:             /* v update 4, sqrt, +eps, div, fma */
		return 9 + (hp->centered ? 5 : 0) + (hp->momentum > 0 ? 2 : 0);
	case GD_RULE_ADADELTA: return 16; /* 2 EMAs, 2 sqrt, div, mul, fma */
	case GD_RULE_ADAM: return 13;     /* m 3, v 4, sqrt, scale+eps 2, div, fma */
	case GD_RULE_ADAMW: return 14;    /* adam + decoupled decay */
	case GD_RULE_AMSGRAD: return 14;  /* adam + max */
	case GD_RULE_ADAMAX: return 10;   /* m 3, max(b2*u,|g|+eps) 4, div, fma */
	case GD_RULE_NADAM: return 15;    /* m 3, v 4, sqrt+scale 3, cg*g+cm*m 3, div, sub */
	case GD_RULE_RPROP: return 5;     /* g*prev, step*eta, clamp, fma */
	case GD_NRULES: break;
	}
	return 0;
}

int gd_rule_bytes(gd_rule r, const gd_hparams *hp)
{
	int ns = gd_rule_nstate(r, hp);
	return (int)sizeof(float) * (3 + 2 * ns);
}

void gd_hparams_default(gd_rule r, gd_hparams *hp)
{
	memset(hp, 0, sizeof(*hp));
	hp->lr = 1e-3;
	hp->eps = 1e-8;
	hp->beta1 = 0.9;
	hp->beta2 = 0.999;
	switch (r) {
	case GD_RULE_SGD: break;
	case GD_RULE_MOMENTUM:
	case GD_RULE_NESTEROV: hp->momentum = 0.9; break; /* torch has 0; 0 is plain sgd */
	case GD_RULE_ADAGRAD: hp->lr = 1e-2; hp->eps = 1e-10; break;
	case GD_RULE_RMSPROP: hp->lr = 1e-2; hp->alpha = 0.99; break;
	case GD_RULE_ADADELTA: hp->lr = 1.0; hp->rho = 0.9; hp->eps = 1e-6; break;
	case GD_RULE_ADAM:
	case GD_RULE_AMSGRAD: break;
	case GD_RULE_ADAMW: hp->weight_decay = 1e-2; break;
	case GD_RULE_ADAMAX:
	case GD_RULE_NADAM:
		hp->lr = 2e-3;
		hp->momentum_decay = 4e-3;
		break;
	case GD_RULE_RPROP:
		hp->lr = 1e-2;
		hp->eta_minus = 0.5;
		hp->eta_plus = 1.2;
		hp->step_min = 1e-6;
		hp->step_max = 50;
		break;
	case GD_NRULES: break;
	}
}

#define CHECK(cond, field)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			*what = (field);                                       \
			return GD_ERANGE;                                      \
		}                                                              \
	} while (0)

int gd_hparams_check(gd_rule r, const gd_hparams *hp, const char **what)
{
	const char *unused; /* a local, not a static: callers may run on several threads */
	if (!what)
		what = &unused;
	if ((unsigned)r >= GD_NRULES) {
		*what = "rule";
		return GD_EINVAL;
	}
	/* !(x > 0) also rejects NaN */
	CHECK(hp->lr > 0 && isfinite(hp->lr), "lr (must be > 0)");
	CHECK(hp->weight_decay >= 0 && isfinite(hp->weight_decay), "weight_decay (must be >= 0)");
	CHECK(hp->eps >= 0 && isfinite(hp->eps), "eps (must be >= 0)");
	switch (r) {
	case GD_RULE_MOMENTUM:
	case GD_RULE_NESTEROV:
		CHECK(hp->momentum > 0 && hp->momentum < 1, "momentum (must be in (0, 1))");
		CHECK(hp->dampening >= 0 && hp->dampening <= 1, "dampening (must be in [0, 1])");
		/* torch: "Nesterov momentum requires a momentum and zero dampening" */
		CHECK(r != GD_RULE_NESTEROV || hp->dampening == 0, "dampening (nesterov requires 0)");
		break;
	case GD_RULE_ADAGRAD:
		CHECK(hp->lr_decay >= 0, "lr_decay (must be >= 0)");
		CHECK(hp->initial_accumulator_value >= 0, "initial_accumulator_value (must be >= 0)");
		break;
	case GD_RULE_RMSPROP:
		CHECK(hp->alpha >= 0 && hp->alpha < 1, "alpha (must be in [0, 1))");
		CHECK(hp->momentum >= 0 && hp->momentum < 1, "momentum (must be in [0, 1))");
		break;
	case GD_RULE_ADADELTA:
		CHECK(hp->rho >= 0 && hp->rho < 1, "rho (must be in [0, 1))");
		CHECK(hp->eps > 0, "eps (adadelta needs eps > 0)");
		break;
	case GD_RULE_ADAM:
	case GD_RULE_ADAMW:
	case GD_RULE_AMSGRAD:
	case GD_RULE_ADAMAX:
	case GD_RULE_NADAM:
		CHECK(hp->beta1 >= 0 && hp->beta1 < 1, "betas (beta1 must be in [0, 1))");
		CHECK(hp->beta2 >= 0 && hp->beta2 < 1, "betas (beta2 must be in [0, 1))");
		CHECK(r != GD_RULE_ADAMAX || hp->eps > 0, "eps (adamax needs eps > 0)");
		CHECK(hp->momentum_decay >= 0, "momentum_decay (must be >= 0)");
		break;
	case GD_RULE_RPROP:
		CHECK(hp->eta_minus > 0 && hp->eta_minus < 1, "etas (eta_minus must be in (0, 1))");
		CHECK(hp->eta_plus > 1 && isfinite(hp->eta_plus), "etas (eta_plus must be > 1)");
		CHECK(hp->step_min >= 0 && hp->step_min <= hp->step_max && isfinite(hp->step_max),
		      "step_sizes (need 0 <= min <= max)");
		break;
	case GD_RULE_SGD:
	case GD_NRULES:
		break;
	}
	return 0;
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
	memset(st, 0, sizeof(*st));
	st->t = t;
	st->lr = (float)lr;
	st->gscale = (float)gscale;
	int decoupled = hp->decoupled_wd || r == GD_RULE_ADAMW;
	st->l2 = decoupled ? 0.0f : (float)hp->weight_decay;
	st->decay = decoupled ? (float)(1.0 - lr * hp->weight_decay) : 1.0f;
	float *c = st->c;
	double bc1 = one_minus_pow(hp->beta1, t), bc2 = one_minus_pow(hp->beta2, t);

	switch (r) {
	case GD_RULE_SGD: break;
	case GD_RULE_MOMENTUM:
	case GD_RULE_NESTEROV:
		/* torch: the buffer starts as g itself at the first step, so
		 * b = c0*b + c1*g with c0 = 0, c1 = 1 then c0 = mu, c1 = 1 - dampening */
		c[0] = t == 1 ? 0.0f : (float)hp->momentum;
		c[1] = t == 1 ? 1.0f : (float)(1.0 - hp->dampening);
		c[2] = (float)hp->momentum;
		break;
	case GD_RULE_ADAGRAD:
		c[0] = (float)(lr / (1.0 + (double)(t - 1) * hp->lr_decay)); /* clr */
		c[1] = (float)hp->eps;
		break;
	case GD_RULE_RMSPROP:
		c[0] = (float)hp->alpha;
		c[1] = (float)(1.0 - hp->alpha);
		c[2] = (float)hp->eps;
		c[3] = (float)hp->momentum;
		break;
	case GD_RULE_ADADELTA:
		c[0] = (float)hp->rho;
		c[1] = (float)(1.0 - hp->rho);
		c[2] = (float)hp->eps;
		break;
	case GD_RULE_ADAM:
	case GD_RULE_ADAMW:
	case GD_RULE_AMSGRAD:
		c[0] = (float)hp->beta1;
		c[1] = (float)(1.0 - hp->beta1);
		c[2] = (float)hp->beta2;
		c[3] = (float)(1.0 - hp->beta2);
		c[4] = (float)(lr / bc1);          /* step size */
		c[5] = (float)(1.0 / sqrt(bc2));   /* sqrt(v)/sqrt(bc2) as a product */
		c[6] = (float)hp->eps;
		break;
	case GD_RULE_ADAMAX:
		c[0] = (float)hp->beta1;
		c[1] = (float)(1.0 - hp->beta1);
		c[2] = (float)hp->beta2;
		c[3] = (float)hp->eps;
		c[4] = (float)(lr / bc1);
		break;
	case GD_RULE_NADAM: {
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
	case GD_RULE_RPROP:
		c[0] = (float)hp->eta_minus;
		c[1] = (float)hp->eta_plus;
		c[2] = (float)hp->step_min;
		c[3] = (float)hp->step_max;
		break;
	case GD_NRULES: break;
	}
}

void gd_state_init(gd_rule r, const gd_hparams *hp, float *const state[], size_t n)
{
	int ns = gd_rule_nstate(r, hp);
	for (int k = 0; k < ns; k++) {
		float v = 0.0f;
		if (r == GD_RULE_ADAGRAD)
			v = (float)hp->initial_accumulator_value;
		else if (r == GD_RULE_RPROP && k == 1)
			v = (float)hp->lr; /* per-element step sizes start at lr */
		for (size_t i = 0; i < n; i++)
			state[k][i] = v;
	}
}
