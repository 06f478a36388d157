/*
 * The CSR steps of the descent driver (see train.h on lazy updates): which
 * coordinates a batch touches, the rule applied to those only, and the
 * factors an untouched weight owes under sgd with L2 or weight decay.
 */
#include <math.h>
#include <string.h>

#include "train_run.h"

/* The coordinates batch b touches into me->coords: the c weights of every
 * feature in its rows, then the biases (each once: stamps, no clearing). */
void gd_sparse_touched(run *r, wslot *me, const gd_batch *b)
{
	const gd_model *m = &r->cfg->model;
	const size_t d = m->d, c = m->c;
	if (++me->stampv == 0) { /* wrapped: start over */
		memset(me->stamp, 0, d * sizeof(uint32_t));
		me->stampv = 1;
	}
	uint32_t s = me->stampv;
	size_t nf = 0, nc = 0;
	for (size_t k = 0; k < b->n; k++) {
		size_t i = gd_batch_row(b, k);
		for (int64_t j = b->rowptr[i]; j < b->rowptr[i + 1]; j++) {
			uint32_t f = (uint32_t)b->col[j];
			if (me->stamp[f] != s) {
				me->stamp[f] = s;
				me->feat[nf++] = f;
			}
		}
	}
	for (size_t q = 0; q < nf; q++) /* feature-major W (grad.h): a feature's classes side by side */
		for (size_t o = 0; o < c; o++)
			me->coords[nc++] = (uint32_t)gd_csr_weight(m, o, me->feat[q]);
	for (size_t o = 0; o < c; o++)
		me->coords[nc++] = (uint32_t)(c * d + o);
	me->ncoords = nc;
}

/* The rule on coordinates cs[0..n) only: gather w, g and the state into
 * contiguous chunks, run the rule's kernel (any variant), scatter back; g is
 * left zero there (the CSR kernels add into a clean gradient). */
void gd_sparse_update(run *r, wslot *me, const gd_step *st, const uint32_t *cs, size_t n, float *g)
{
	const gd_run_cfg *c = r->cfg;
	float *tw = me->tmp, *tg = tw + GD_LAZY_CHUNK, *ts[GD_MAX_STATE];
	void *vts[GD_MAX_STATE];
	for (int k = 0; k < GD_MAX_STATE; k++)
		vts[k] = ts[k] = r->state[k] ? tg + GD_LAZY_CHUNK * (size_t)(k + 1) : NULL;
	for (size_t a = 0; a < n; a += GD_LAZY_CHUNK) {
		size_t len = n - a < GD_LAZY_CHUNK ? n - a : GD_LAZY_CHUNK;
		const uint32_t *ix = cs + a;
		for (size_t q = 0; q < len; q++) {
			tw[q] = r->w[ix[q]];
			tg[q] = g[ix[q]];
		}
		for (int k = 0; k < GD_MAX_STATE && ts[k]; k++)
			for (size_t q = 0; q < len; q++)
				ts[k][q] = ((const float *)r->state[k])[ix[q]]; /* CSR runs store f32 */
		/* gathered coordinates: no contiguous offset (off only feeds SR, f32 has none) */
		c->upd->fn[GD_DT_F32](&c->hp, st, tw, tg, vts, len, 0);
		for (size_t q = 0; q < len; q++) {
			r->w[ix[q]] = tw[q];
			g[ix[q]] = 0;
		}
		for (int k = 0; k < GD_MAX_STATE && ts[k]; k++)
			for (size_t q = 0; q < len; q++)
				((float *)r->state[k])[ix[q]] = ts[k][q];
	}
}

/* sgd with L2 / weight decay, lazy: weight j owes the factors of the steps
 * since it was last touched: exp(lcum - lastl[j]). */
void gd_sparse_catch_up(run *r, const uint32_t *cs, size_t n)
{
	size_t nw = r->cfg->model.c * r->cfg->model.d; /* weights; biases are touched every step */
	for (size_t q = 0; q < n; q++) {
		uint32_t j = cs[q];
		if (j < nw && r->lastl[j] != r->lcum) {
			r->w[j] *= (float)exp(r->lcum - r->lastl[j]);
			r->lastl[j] = r->lcum;
		}
	}
}

void gd_sparse_catch_up_range(run *r, size_t lo, size_t hi)
{
	size_t nw = r->cfg->model.c * r->cfg->model.d;
	for (size_t j = lo; j < hi && j < nw; j++)
		if (r->lastl[j] != r->lcum) {
			r->w[j] *= (float)exp(r->lcum - r->lastl[j]);
			r->lastl[j] = r->lcum;
		}
}

/* What the step does to a weight with a zero gradient (sgd: w' = f w). */
double gd_sparse_zero_grad_factor(const gd_run_cfg *c, const gd_step *st)
{
	float w = 1, g = 0;
	void *none[GD_MAX_STATE] = { 0 };
	c->upd->fn[GD_DT_F32](&c->hp, st, &w, &g, none, 1, 0);
	return w;
}

int gd_lazy_exact(const gd_run_cfg *cfg)
{
	if (cfg->sparse_dense)
		return 1;
	int decay = cfg->model.l2 > 0 || cfg->hp.weight_decay > 0;
	if (cfg->upd->rule == GD_RULE_SGD)
		return cfg->mode != GD_MODE_HOGWILD || !decay; /* hogwild shares no catch-up books */
	return cfg->upd->rule == GD_RULE_ADAGRAD && !decay; /* lr_decay scales a zero step: still zero */
}
