/* Evaluations of the traced loss, trace rows with test metrics, and the stop decisions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "train_run.h"

/* Evaluation: full training loss (mean + penalty) and gradient norm at w,
 * computed by all workers like a full-batch gradient; test loss/accuracy. */
void train_eval_phase(run *r, int tid)
{
	gd_comm *comm = r->cfg->comm;
	if (r->decay_lazy) { /* every weight up to date before it is read */
		size_t lo, hi;
		gd__slice(r->np, tid, r->T, &lo, &hi);
		gd_sparse_catch_up_range(r, lo, hi);
		gd_pool_barrier(r->pool);
	}
	gd_batch all = r->batch;
	all.idx = NULL;
	all.next_idx = NULL; /* untimed: it must not prefetch the next step's rows */
	all.i0 = 0;
	all.n = r->train->n;
	gd_batch mine = gd__share(&all, tid, r->T);
	r->ws[tid].loss = r->cfg->grad->fn(&r->cfg->model, r->w, &mine, r->ws[tid].partial, r->ws[tid].scratch);
	gd_pool_barrier(r->pool);
	double ls = 0;
	if (comm) {
		if (tid == 0) { /* the loss in double, with the stop requests */
			double v[3] = { 0, r->want_stop[0], r->want_stop[1] };
			for (int k = 0; k < r->T; k++)
				v[0] += r->ws[k].loss;
			if (comm->sum_f64(comm, v, 3))
				r->out->stop_reason = "comm-error";
			ls = v[0];
			r->coll_stop[0] = v[1] > 0;
			r->coll_stop[1] = v[2] > 0;
		}
		train_rank_sum(r, tid, 0);
	}
	train_reduce_slice(r, tid, r->N, 0, 0, 1, comm != NULL);
	gd_pool_barrier(r->pool);
	if (r->csr) /* leave the gradients clean for the CSR kernels */
		memset(r->ws[tid].partial, 0, r->np * sizeof(float));
	if (tid == 0) {
		if (!comm)
			for (int k = 0; k < r->T; k++)
				ls += r->ws[k].loss;
		r->eval_loss = ls / (double)r->N + gd_penalty(&r->cfg->model, r->w);
		r->eval_gnorm = sqrt(train_total_sumsq(r));
	}
}

/* a . b in 8 partial sums: independent chains the compiler can keep in vector registers
 * (one chain is a dependent add per element, and float sums are not reordered unasked) */
static float dot8(const float *a, const float *b, size_t n)
{
	float p[8] = { 0 };
	size_t k = 0;
	for (; k + 8 <= n; k += 8)
		for (int j = 0; j < 8; j++)
			p[j] += a[k + j] * b[k + j];
	float s = 0;
	for (; k < n; k++)
		s += a[k] * b[k];
	return s + ((p[0] + p[4]) + (p[1] + p[5])) + ((p[2] + p[6]) + (p[3] + p[7]));
}

/* Test split: mean loss (no penalty) and accuracy, on worker 0 alone. */
static void test_metrics(run *r, double *loss, double *acc)
{
	*loss = NAN;
	*acc = NAN;
	const gd_dataset *te = r->test;
	if (!te)
		return;
	const gd_model *m = &r->cfg->model;
	/* the loss through the gradient kernel, in chunks (scratch sized for them) */
	double ls = 0;
	long correct = 0;
	const size_t chunk = 256;
	float *z = malloc((m->kind == GD_MODEL_MLP ? m->h + m->c : m->c) * sizeof(float));
	for (size_t i0 = 0; i0 < te->n; i0 += chunk) {
		gd_batch b = { .x = te->x, .ld = te->d, .rowptr = te->rowptr, .col = te->col, .val = te->val,
			       .y = te->y, .label = te->label, .i0 = i0, .n = te->n - i0 < chunk ? te->n - i0 : chunk };
		ls += r->cfg->grad->fn(m, r->w, &b, r->ws[0].partial, r->ws[0].scratch);
	}
	if (r->csr)
		memset(r->ws[0].partial, 0, r->np * sizeof(float));
	/* accuracy: argmax of the model's outputs (classification only) */
	for (size_t i = 0; z && te->label && te->rowptr && i < te->n; i++) { /* CSR rows, linear models */
		int best = 0;
		float bv = -INFINITY;
		for (size_t o = 0; o < m->c; o++) {
			float s = r->w[m->c * m->d + o];
			for (int64_t k = te->rowptr[i]; k < te->rowptr[i + 1]; k++)
				s += te->val[k] * r->w[gd_csr_weight(m, o, (size_t)te->col[k])];
			if (s > bv) {
				bv = s;
				best = (int)o;
			}
		}
		correct += (m->c == 1 ? (bv > 0) : best) == te->label[i];
	}
	for (size_t i = 0; z && te->label && !te->rowptr && i < te->n; i++) {
		const float *x = te->x + i * te->d;
		const float *W = r->w, *bias;
		const float *in = x;
		size_t nin = m->d;
		float *out = z;
		if (m->kind == GD_MODEL_MLP) {
			size_t lay[4];
			gd_mlp_offsets(m, lay);
			const float *W1 = r->w, *b1 = r->w + lay[1];
			for (size_t o = 0; o < m->h; o++) {
				float s = b1[o] + dot8(W1 + o * m->d, x, m->d);
				z[o] = s > 0 ? s : 0.0f;
			}
			W = r->w + lay[2];
			in = z;
			nin = m->h;
			out = z + m->h;
		}
		bias = W + m->c * nin;
		size_t best = 0;
		float bv = -INFINITY;
		for (size_t o = 0; o < m->c; o++) {
			float s = bias[o] + dot8(W + o * nin, in, nin); /* float is plenty for an argmax */
			out[o] = s;
			if (s > bv) {
				bv = s;
				best = o;
			}
		}
		int pred = m->c == 1 ? (bv > 0) : (int)best;
		correct += pred == te->label[i];
	}
	free(z);
	*loss = ls / (double)te->n;
	if (te->label)
		*acc = (double)correct / (double)te->n;
}

static void add_row(run *r, double eval_s)
{
	gd_run_out *o = r->out;
	const gd_run_cfg *c = r->cfg;
	if (o->nrows == o->caprows) {
		size_t cap = o->caprows ? 2 * o->caprows : 64;
		gd_trace_row *nr = realloc(o->rows, cap * sizeof(*nr));
		if (!nr)
			return; /* the trace is thinner; the summary stays exact */
		o->rows = nr;
		o->caprows = cap;
	}
	gd_trace_row *row = &o->rows[o->nrows++];
	row->train_s = r->t_train;
	row->eval_s = eval_s;
	row->step = r->step;
	row->samples = o->samples;
	row->epoch = (double)o->samples / (double)r->N;
	row->loss = r->eval_loss;
	row->gnorm = r->eval_gnorm;
	test_metrics(r, &row->test_loss, &row->test_acc);
	if (r->eval_loss < o->best_loss || o->nrows == 1)
		o->best_loss = r->eval_loss;
	o->final_loss = r->eval_loss;
	for (int k = 0; k < c->ntargets; k++)
		if (!r->hit[k] && r->eval_loss <= c->targets[k]) {
			r->hit[k] = 1;
			o->time_to_target[k] = r->t_train;
		}
	if (c->progress)
		c->progress(c->progress_user, row);
}

/* Worker 0 after an evaluation: record it and decide whether to go on. */
static int should_stop(run *r)
{
	const gd_run_cfg *c = r->cfg;
	gd_run_out *o = r->out;
	if (o->diverged || !isfinite(r->eval_loss)) {
		if (!o->diverged)
			o->diverged_step = r->step;
		o->diverged = 1;
		o->stop_reason = "diverged";
		return 1;
	}
	if (o->stop_reason && !strcmp(o->stop_reason, "comm-error"))
		return 1;
	if (c->comm ? r->coll_stop[1] : r->stop && *r->stop) {
		o->stop_reason = "interrupted";
		return 1;
	}
	int all_hit = c->ntargets > 0;
	for (int k = 0; k < c->ntargets; k++)
		all_hit &= r->hit[k];
	if (all_hit) {
		o->stop_reason = "target";
		return 1;
	}
	if (c->comm ? r->coll_stop[0] : c->time_budget > 0 && r->t_train >= c->time_budget) {
		o->stop_reason = "time";
		return 1;
	}
	if (c->max_epochs > 0 && (double)o->samples >= (double)c->max_epochs * (double)r->N) {
		o->stop_reason = "epochs";
		return 1;
	}
	return 0;
}

/* Worker 0, after an evaluation that started at e0 (loss and gradient norm
 * set): the trace row and its test metrics; everything since e0 is
 * evaluation time. Returns should_stop(). */
int train_record(run *r, double e0)
{
	add_row(r, 0);
	if (r->cfg->comm) /* rank 0's test metrics: the others wait here, not in training time */
		r->cfg->comm->barrier(r->cfg->comm);
	r->out->t_eval += gd_now() - e0;
	r->out->rows[r->out->nrows - 1].eval_s = r->out->t_eval;
	return should_stop(r);
}

/* Does worker 0 evaluate before this step? */
int train_eval_due(run *r)
{
	const gd_run_cfg *c = r->cfg;
	if (r->step == 0 || r->force_eval)
		return 1;
	if (c->eval_every_steps > 0)
		return r->step % c->eval_every_steps == 0;
	if (c->eval_every_seconds > 0 || (c->eval_auto_fraction > 0 && !c->comm))
		return r->t_train >= r->next_eval_s ||
		       (r->next_eval_samples > 0 && r->out->samples >= r->next_eval_samples);
	/* default: at every epoch boundary */
	return r->pos == 0;
}

/* Worker 0 after an evaluation: when the next one is due (next_eval_s, in training seconds).
 * auto: the mean evaluation so far over the fraction, so that evaluations take about that
 * share of the training time; at least 0.1 ms, and under a time budget at least 1/500 of
 * it, so that a cheap evaluation does not fill the trace with tens of thousands of rows.
 * And at most 1/GD_EVAL_MIN_ROWS of the budget (the time budget, or next_eval_samples
 * under an epoch budget): where one evaluation of the whole training set costs more than
 * a fifth of the run's training (Adam at minibatch:128 on Fashion-MNIST trains an epoch
 * in about the time of two evaluations), the fraction alone left a trace of two rows,
 * the first and the last, and a time to target that was the run's end. */
#define GD_EVAL_MIN_ROWS 20
void train_next_eval(run *r)
{
	const gd_run_cfg *c = r->cfg;
	double period = c->eval_every_seconds;
	if (!(period > 0) && c->eval_auto_fraction > 0 && r->out->nrows > 0) {
		period = r->out->t_eval / (double)r->out->nrows / c->eval_auto_fraction;
		double floor = c->time_budget > 0 ? c->time_budget / 500 : 0;
		double cap = c->time_budget > 0 ? c->time_budget / GD_EVAL_MIN_ROWS : INFINITY;
		period = period > floor ? period : floor;
		period = period < cap ? period : cap;
		period = period > 1e-4 ? period : 1e-4;
		r->out->eval_period_s = period;
		if (c->max_epochs > 0)
			r->next_eval_samples = r->out->samples +
			                       (long)((double)c->max_epochs * (double)r->N / GD_EVAL_MIN_ROWS) + 1;
	}
	r->next_eval_s = r->t_train + period;
}
