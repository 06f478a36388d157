/*
 * Stepping a parameter set with a per-tensor rule (tstep.h). Per tensor:
 * each worker runs a pass over its slice, writes its partial sums into its
 * own slot part[parity][tid], all meet at a barrier, and each adds the T
 * slots up in worker order (the same double total on every worker, no
 * atomics). The slots alternate by tensor parity: a worker that runs ahead
 * into the next tensor's first pass cannot overwrite sums another worker is
 * still reading (it would need to pass the next tensor's barrier first).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "newton_schulz.h"
#include "tstep.h"

/* the kernels' float lane sums stay short: the driver adds blocks in double */
#define SUM_BLOCK 4096

static int is_factored(const gd_tensor *t) /* Adafactor: torch factors the last two dimensions */
{
	return t->ndim >= 2;
}

static void af_dims(const gd_tensor *t, size_t *batch, size_t *rows, size_t *cols)
{
	*batch = 1;
	for (int d = 0; d + 2 < t->ndim; d++)
		*batch *= t->shape[d];
	*rows = t->shape[t->ndim - 2];
	*cols = t->shape[t->ndim - 1];
}

const char *gd_trule_tensor_form(gd_trule r, const gd_tensor *t)
{
	switch (r) {
	case GD_TRULE_ADAFACTOR: return is_factored(t) ? "adafactor" : "adafactor-unfactored";
	case GD_TRULE_MUON: return t->ndim == 2 ? "muon" : "adamw";
	default: return gd_trule_name(r);
	}
}

size_t gd_trule_state_floats(gd_trule r, const gd_tensor *t)
{
	size_t b, rows, cols;
	switch (r) {
	case GD_TRULE_LAMB: return 2 * t->numel;
	case GD_TRULE_LARS: return t->numel;
	case GD_TRULE_ADAFACTOR:
		if (!is_factored(t))
			return t->numel;
		af_dims(t, &b, &rows, &cols);
		return b * (rows + cols);
	case GD_TRULE_SFADAMW: return 2 * t->numel;
	case GD_TRULE_MUON: return t->ndim == 2 ? t->numel : 2 * t->numel;
	default: return 0;
	}
}

/* Worker tid's share [lo, hi) of n items */
static void slice(size_t n, int tid, int T, size_t *lo, size_t *hi)
{
	*lo = n * (size_t)tid / (size_t)T;
	*hi = n * (size_t)(tid + 1) / (size_t)T;
}

static void sync(void (*barrier)(void *), void *arg)
{
	if (barrier)
		barrier(arg);
}

/* The slots' total of sum j, in worker order */
static double total(const gd_topt *o, int parity, int j)
{
	double s = 0;
	for (int k = 0; k < o->T; k++)
		s += o->part[parity][k][j];
	return s;
}

int gd_topt_init(gd_topt *o, gd_trule r, const gd_hparams *hp, const gd_param_set *ps, const gd_trule_entry *e,
                 int T, const float *w0, const char **what)
{
	const char *unused;
	if (!what)
		what = &unused;
	memset(o, 0, sizeof(*o));
	if (!e || e->rule != r || T < 1 || T > GD_TSTEP_MAXT || !ps || !ps->ntensors) {
		*what = !e || e->rule != r ? "kernels (not the rule's)" : T < 1 || T > GD_TSTEP_MAXT ? "threads" : "parameter set";
		return GD_EINVAL;
	}
	int rc = gd_trule_check(r, hp, what);
	if (rc)
		return GD_EINVAL;
	o->rule = r;
	o->hp = *hp;
	o->ps = ps;
	o->e = e;
	o->T = T;
	o->lr_max = -1.0; /* the reference's start: any lr exceeds it */
	size_t nst = 0, work = 0, colpart = 0, rowmax = 0, n2d = 0;
	o->soff = malloc(ps->ntensors * sizeof(*o->soff));
	if (!o->soff)
		return GD_ENOMEM;
	for (size_t k = 0; k < ps->ntensors; k++) {
		const gd_tensor *t = &ps->t[k];
		o->soff[k] = nst;
		nst += gd_trule_state_floats(r, t);
		if (r == GD_TRULE_ADAFACTOR && is_factored(t)) {
			size_t b, rows, cols;
			af_dims(t, &b, &rows, &cols);
			colpart = colpart > b * cols ? colpart : b * cols;
			rowmax = rowmax > b * rows ? rowmax : b * rows;
			work = (size_t)T * colpart + 2 * rowmax; /* the layout of step_adafactor */
		}
		if (r == GD_TRULE_MUON && t->ndim == 2) {
			n2d++;
			size_t need = t->numel + gd_ns_work_floats(t->shape[0], t->shape[1]);
			work = work > need ? work : need;
		}
	}
	if (r == GD_TRULE_MUON && !n2d) {
		*what = "parameter set (muon needs at least one 2-D tensor)";
		free(o->soff);
		o->soff = NULL;
		return GD_ENOTSUP;
	}
	o->colpart = colpart;
	o->rowmax = rowmax;
	o->state = calloc(nst ? nst : 1, sizeof(float));
	o->work = work ? malloc(work * sizeof(float)) : NULL;
	if (!o->state || (work && !o->work)) {
		gd_topt_free(o);
		return GD_ENOMEM;
	}
	if (r == GD_TRULE_SFADAMW) /* z starts at the starting point */
		for (size_t k = 0; k < ps->ntensors; k++)
			memcpy(o->state + o->soff[k], w0 + ps->t[k].off, ps->t[k].numel * sizeof(float));
	return 0;
}

void gd_topt_free(gd_topt *o)
{
	free(o->state);
	free(o->soff);
	free(o->work);
	o->state = o->work = NULL;
	o->soff = NULL;
}

void gd_topt_begin(gd_topt *o, double lr)
{
	const gd_hparams *hp = &o->hp;
	long t = ++o->t;
	o->rc = 0;
	o->lr = lr;
	if (o->rule == GD_TRULE_SFADAMW) {
		/* the reference (adamw_schedulefree_reference.py), k = t - 1 */
		double sched = (double)t <= hp->warmup_steps ? (double)t / hp->warmup_steps : 1.0;
		o->lr = lr * sched * sqrt(1.0 - pow(hp->beta2, (double)t));
		o->lr_max = o->lr > o->lr_max ? o->lr : o->lr_max;
		double weight = pow((double)t, hp->r) * pow(o->lr_max, hp->weight_lr_power);
		o->weight_sum += weight;
		o->ckp1 = o->weight_sum != 0 ? weight / o->weight_sum : 0.0;
	}
	if (o->rule == GD_TRULE_MUON) {
		gd_hparams a;
		gd_hparams_default(GD_RULE_ADAMW, &a);
		a.lr = lr;
		a.weight_decay = hp->weight_decay;
		a.beta1 = hp->beta1;
		a.beta2 = hp->beta2;
		a.eps = GD_MUON_ADAMW_EPS;
		gd_step_carry carry = gd_step_carry_init();
		gd_step_prepare(GD_RULE_ADAMW, &a, t, lr, 1.0, &carry, &o->adamw_st);
	}
}

/* 1 - beta^t */
static double bc(double beta, long t)
{
	return beta > 0 ? -expm1((double)t * log(beta)) : 1.0;
}

static void step_lamb(gd_topt *o, size_t k, int tid, float *w, const float *g, void (*barrier)(void *), void *arg)
{
	const gd_hparams *hp = &o->hp;
	const gd_tensor *tn = &o->ps->t[k];
	float *m = o->state + o->soff[k], *v = m + tn->numel;
	int p = (int)(k & 1);
	float c[9] = { (float)hp->beta1, (float)(1 - hp->beta1), (float)hp->beta2, (float)(1 - hp->beta2),
		       (float)(1 / bc(hp->beta1, o->t)), (float)(1 / sqrt(bc(hp->beta2, o->t))), (float)hp->eps,
		       (float)hp->weight_decay, 0 };
	size_t lo, hi;
	slice(tn->numel, tid, o->T, &lo, &hi);
	double s[2] = { 0, 0 };
	for (size_t i = lo; i < hi; i += SUM_BLOCK) {
		size_t n = hi - i < SUM_BLOCK ? hi - i : SUM_BLOCK;
		o->e->k->lamb_moments(c, w + i, g + i, m + i, v + i, n, s);
	}
	o->part[p][tid][0] = s[0];
	o->part[p][tid][1] = s[1];
	sync(barrier, arg);
	/* the trust ratio ||w|| / ||u||, 1 where either norm is 0 (apex's phi: identity) */
	double wn = sqrt(total(o, p, 0)), un = sqrt(total(o, p, 1));
	double trust = wn > 0 && un > 0 ? wn / un : 1.0;
	c[8] = (float)(o->lr * trust);
	o->e->k->lamb_apply(c, w + lo, m + lo, v + lo, hi - lo);
}

static void step_lars(gd_topt *o, size_t k, int tid, float *w, const float *g, void (*barrier)(void *), void *arg)
{
	const gd_hparams *hp = &o->hp;
	const gd_tensor *tn = &o->ps->t[k];
	float *b = o->state + o->soff[k];
	int p = (int)(k & 1);
	size_t lo, hi;
	slice(tn->numel, tid, o->T, &lo, &hi);
	double s[2] = { 0, 0 };
	for (size_t i = lo; i < hi; i += SUM_BLOCK)
		o->e->k->sumsq2(w + i, g + i, hi - i < SUM_BLOCK ? hi - i : SUM_BLOCK, s);
	o->part[p][tid][0] = s[0];
	o->part[p][tid][1] = s[1];
	sync(barrier, arg);
	/* local lr eta*||w|| / (||g|| + beta*||w||), 1 where a norm is 0 */
	double wn = sqrt(total(o, p, 0)), gn = sqrt(total(o, p, 1));
	double local = wn > 0 && gn > 0 ? hp->trust_coefficient * wn / (gn + hp->weight_decay * wn) : 1.0;
	float c[3] = { (float)hp->momentum, (float)(o->lr * local), (float)hp->weight_decay };
	o->e->k->lars_apply(c, w + lo, g + lo, b + lo, hi - lo);
}

static void step_adafactor(gd_topt *o, size_t k, int tid, float *w, const float *g, void (*barrier)(void *),
                           void *arg)
{
	const gd_hparams *hp = &o->hp;
	const gd_tensor *tn = &o->ps->t[k];
	const gd_tkernels *K = o->e->k;
	int p = (int)(k & 1);
	double om = pow((double)o->t, hp->beta2_decay); /* 1 - beta2_t */
	double rho = fmin(o->lr, 1.0 / sqrt((double)o->t));
	double eps1 = hp->eps, decay = 1.0 - o->lr * hp->weight_decay;
	float c[5] = { (float)(eps1 * eps1), 0, (float)decay, (float)(1 - om), (float)om };
	float *st = o->state + o->soff[k];
	size_t lo, hi;
	double s[2] = { 0, 0 };
	if (!is_factored(tn)) {
		slice(tn->numel, tid, o->T, &lo, &hi);
		for (size_t i = lo; i < hi; i += SUM_BLOCK) {
			size_t n = hi - i < SUM_BLOCK ? hi - i : SUM_BLOCK;
			K->sumsq2(w + i, NULL, n, s);
			s[1] += K->af_vmoments(c, g + i, st + i, n);
		}
	} else {
		size_t b, rows, cols;
		af_dims(tn, &b, &rows, &cols);
		float *R = st, *C = st + b * rows;
		/* fixed offsets: a worker that runs ahead into the next tensor's first
		 * pass writes its rsq while others still read this tensor's rs */
		float *cp = o->work, *rsq = cp + (size_t)o->T * o->colpart, *rs = rsq + o->rowmax;
		float *mycp = cp + (size_t)tid * o->colpart;
		slice(b * rows, tid, o->T, &lo, &hi);
		memset(mycp, 0, b * cols * sizeof(float));
		memset(rsq + lo, 0, (hi - lo) * sizeof(float));
		for (size_t r = lo; r < hi;) { /* row blocks within one batch slice */
			size_t bi = r / rows, end = (bi + 1) * rows < hi ? (bi + 1) * rows : hi;
			K->af_rowcol(g + r * cols, end - r, cols, rsq + r, mycp + bi * cols);
			for (size_t i = r * cols; i < end * cols; i += SUM_BLOCK)
				K->sumsq2(w + i, NULL, end * cols - i < SUM_BLOCK ? end * cols - i : SUM_BLOCK, s);
			r = end;
		}
		o->part[p][tid][0] = s[0];
		sync(barrier, arg);
		if (tid == 0) { /* the factors: O(T*cols + rows) per batch slice */
			for (size_t j = 0; j < b * cols; j++) {
				double q = 0;
				for (int u = 0; u < o->T; u++)
					q += cp[(size_t)u * o->colpart + j];
				C[j] = (float)(C[j] + om * (q / (double)rows - C[j])); /* torch's lerp */
			}
			for (size_t bi = 0; bi < b; bi++) {
				double mean = 0;
				for (size_t r = bi * rows; r < (bi + 1) * rows; r++) {
					R[r] = (float)(R[r] + om * (rsq[r] / (double)cols - R[r]));
					mean += R[r];
				}
				mean = fmax(mean / (double)rows, eps1);
				for (size_t r = bi * rows; r < (bi + 1) * rows; r++)
					rs[r] = (float)(R[r] / mean);
			}
		}
		sync(barrier, arg);
		for (size_t r = lo; r < hi;) {
			size_t bi = r / rows, end = (bi + 1) * rows < hi ? (bi + 1) * rows : hi;
			s[1] += K->af_sumsq(c, g + r * cols, rs + r, C + bi * cols, end - r, cols);
			r = end;
		}
		o->part[p][tid][1] = s[1];
		sync(barrier, arg);
		double wrms = sqrt(total(o, p, 0) / (double)tn->numel), urms = sqrt(total(o, p, 1) / (double)tn->numel);
		c[1] = (float)(fmax(hp->eps2, wrms) * rho / fmax(1.0, urms / hp->d));
		for (size_t r = lo; r < hi;) {
			size_t bi = r / rows, end = (bi + 1) * rows < hi ? (bi + 1) * rows : hi;
			K->af_apply(c, w + r * cols, g + r * cols, rs + r, C + bi * cols, end - r, cols);
			r = end;
		}
		return;
	}
	o->part[p][tid][0] = s[0];
	o->part[p][tid][1] = s[1];
	sync(barrier, arg);
	double wrms = sqrt(total(o, p, 0) / (double)tn->numel), urms = sqrt(total(o, p, 1) / (double)tn->numel);
	c[1] = (float)(fmax(hp->eps2, wrms) * rho / fmax(1.0, urms / hp->d));
	K->af_vapply(c, w + lo, g + lo, st + lo, hi - lo);
}

static void step_sfadamw(gd_topt *o, size_t k, int tid, float *w, const float *g)
{
	const gd_hparams *hp = &o->hp;
	const gd_tensor *tn = &o->ps->t[k];
	float *z = o->state + o->soff[k], *v = z + tn->numel;
	double cy = o->lr * (hp->beta1 * (1.0 - o->ckp1) - 1.0);
	float c[7] = { (float)hp->beta2, (float)(1 - hp->beta2), (float)hp->eps, (float)hp->weight_decay,
		       (float)o->ckp1, (float)cy, (float)o->lr };
	size_t lo, hi;
	slice(tn->numel, tid, o->T, &lo, &hi);
	o->e->k->sf_step(c, w + lo, g + lo, z + lo, v + lo, hi - lo);
}

static void step_muon(gd_topt *o, size_t k, int tid, float *w, const float *g, void (*barrier)(void *), void *arg)
{
	const gd_hparams *hp = &o->hp;
	const gd_tensor *tn = &o->ps->t[k];
	float *st = o->state + o->soff[k];
	size_t lo, hi;
	slice(tn->numel, tid, o->T, &lo, &hi);
	if (tn->ndim != 2) { /* AdamW, as Muon's reference does */
		void *sp[GD_MAX_STATE] = { st + lo, st + tn->numel + lo, NULL };
		o->e->adamw(&o->hp, &o->adamw_st, w + lo, g + lo, sp, hi - lo, tn->off + lo);
		return;
	}
	float c[2] = { (float)hp->momentum, (float)(1 - hp->momentum) };
	float *u = o->work;
	o->e->k->muon_momentum(c, g + lo, st + lo, u + lo, hi - lo);
	sync(barrier, arg);
	if (tid == 0) {
		gd_ns_opts ns;
		gd_ns_opts_default(&ns);
		ns.steps = (int)hp->ns_steps;
		ns.eps = hp->eps;
		ns.cap = o->e->isa;
		int rc = gd_ns_orthogonalize(u, tn->shape[0], tn->shape[1], &ns, u + tn->numel, NULL);
		if (rc && !o->rc)
			o->rc = rc;
	}
	sync(barrier, arg);
	/* torch's adjust_lr "original": lr * sqrt(max(1, rows/cols)) */
	double ratio = sqrt(fmax(1.0, (double)tn->shape[0] / (double)tn->shape[1]));
	float a[2] = { (float)(1.0 - o->lr * hp->weight_decay), (float)(o->lr * ratio) };
	o->e->k->scale_sub(a, w + lo, u + lo, hi - lo);
	sync(barrier, arg); /* u is the next 2-D tensor's too */
}

void gd_topt_job(gd_topt *o, int tid, float *w, const float *g, void (*barrier)(void *), void *arg)
{
	for (size_t k = 0; k < o->ps->ntensors; k++) {
		size_t off = o->ps->t[k].off;
		switch (o->rule) {
		case GD_TRULE_LAMB: step_lamb(o, k, tid, w + off, g + off, barrier, arg); break;
		case GD_TRULE_LARS: step_lars(o, k, tid, w + off, g + off, barrier, arg); break;
		case GD_TRULE_ADAFACTOR: step_adafactor(o, k, tid, w + off, g + off, barrier, arg); break;
		case GD_TRULE_SFADAMW: step_sfadamw(o, k, tid, w + off, g + off); break;
		case GD_TRULE_MUON: step_muon(o, k, tid, w + off, g + off, barrier, arg); break;
		default: break;
		}
	}
}

int gd_topt_step(gd_topt *o, float *w, const float *g, double lr)
{
	if (o->T != 1)
		return GD_EINVAL;
	gd_topt_begin(o, lr);
	gd_topt_job(o, 0, w, g, NULL, NULL);
	return o->rc;
}

void gd_topt_eval_point(const gd_topt *o, const float *w, float *x)
{
	const gd_param_set *ps = o->ps;
	if (o->rule != GD_TRULE_SFADAMW) {
		if (x != w)
			memcpy(x, w, ps->total * sizeof(float));
		return;
	}
	double b1 = o->hp.beta1;
	for (size_t k = 0; k < ps->ntensors; k++) {
		const float *z = o->state + o->soff[k];
		size_t off = ps->t[k].off;
		for (size_t i = 0; i < ps->t[k].numel; i++)
			x[off + i] = (float)(((double)w[off + i] - (1.0 - b1) * z[i]) / b1);
	}
}
