/*
 * The descent loop. One pool job runs a whole run: the workers meet at spin
 * barriers between the phases of a step (a fork-join per step would cost
 * tens of microseconds here), and worker 0 keeps the books between them.
 *
 * A data-parallel step (full, minibatch; sample is the same on one thread):
 *   A  worker 0 picks the rows, prepares the step scalars   | barrier
 *   B  each worker: gradient sum over its share of the rows  | barrier
 *   C  each worker, for its slice of the parameters: sum the partial
 *      gradients, finish mean + penalty, (clip: slice norms  | barrier)
 *      noise, then the update rule on that slice             | barrier
 * No atomics in the inner loops; partial gradients are per worker and
 * 64-byte aligned. Hogwild: every worker runs its own minibatch loop on the
 * shared parameters with plain (racy) loads and stores, which is Hogwild's
 * documented design; workers meet only at epoch ends, for the evaluation.
 *
 * Clocks (DESIGN.md): training time runs from the start of a step to the end
 * of its update; evaluations of the traced loss are timed apart.
 *
 * Several processes (cfg->comm, MPI): each rank holds a contiguous shard of
 * the rows. Every rank draws the same permutation of all N rows; a step's
 * batch is the same B global rows as in one process, each rank computing
 * the gradient sum of the rows it holds. In C, worker 0 sums the partials
 * over ranks (one allreduce of the gradient plus three floats: the loss sum
 * and the stop requests) and every rank applies the same update, so the
 * parameters stay identical. Stop decisions use only reduced values, so all
 * ranks stop at the same step.
 *
 * CSR data: minibatch, sample and Hogwild steps touch only the batch's
 * coordinates (train_sparse.c; the run's state is in train_run.h).
 */
#include <lbfgs.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clip.h"
#include "clock.h"
#include "gd_error.h"
#include "rng.h"
#include "train_run.h"

static const char *const mode_names[GD_NMODES] = { "full", "minibatch", "sample", "hogwild" };

const char *gd_mode_name(gd_mode m)
{
	return (unsigned)m < GD_NMODES ? mode_names[m] : "?";
}

void gd_init_params(const gd_model *m, uint64_t seed, float *p)
{
	size_t np = gd_model_nparams(m);
	memset(p, 0, np * sizeof(float));
	if (m->kind != GD_MODEL_MLP)
		return;
	/* He-uniform: U(-sqrt(6/fan_in), sqrt(6/fan_in)) on each layer's weights */
	double a1 = sqrt(6.0 / (double)m->d), a2 = sqrt(6.0 / (double)m->h);
	size_t n1 = m->h * m->d, o2 = n1 + m->h, n2 = m->c * m->h;
	for (size_t j = 0; j < n1; j++)
		p[j] = (float)(a1 * (2 * gd_rng_uniform(seed, 100, j) - 1));
	for (size_t j = 0; j < n2; j++)
		p[o2 + j] = (float)(a2 * (2 * gd_rng_uniform(seed, 101, j) - 1));
}

static void shuffle(run *r, long epoch)
{
	for (size_t i = 0; i < r->N; i++)
		r->perm[i] = (uint32_t)i;
	for (size_t i = r->N - 1; i > 0; i--) {
		/* multiply-shift instead of a 64-bit modulo (Lemire): ~10x cheaper, bias < 2^-32 */
		size_t j = (size_t)(((gd_rng_u64(r->cfg->seed, 1000 + (uint64_t)epoch, i) >> 32) * (uint64_t)(i + 1)) >> 32);
		uint32_t t = r->perm[i];
		r->perm[i] = r->perm[j];
		r->perm[j] = t;
	}
}

/* Sum the partials over [lo, hi) into g, finish mean + penalty, add the
 * gradient noise of step t (sigma 0: none), and, when norm is set, keep the
 * slice's squared norm (clipping, evaluation). The noise is a function of
 * (seed, step, index) only, so it does not depend on the thread count. The
 * norm is a serial chain of double adds (~9 us for 7850 parameters): only
 * computed when asked for. */
static void sum_slice(run *r, int tid)
{
	size_t lo, hi;
	gd__slice(r->np, tid, r->T, &lo, &hi);
	/* into worker 0's partial, slice by slice (disjoint: no races): it is
	 * then the step's gradient, with no copy at all on one thread */
	float *g = r->ws[0].partial;
	for (int k = 1; k < r->T; k++) {
		const float *pk = r->ws[k].partial;
		for (size_t j = lo; j < hi; j++)
			g[j] += pk[j];
	}
}

static void reduce_slice(run *r, int tid, size_t n_rows, float sigma, long t, int norm, int summed)
{
	size_t lo, hi;
	gd__slice(r->np, tid, r->T, &lo, &hi);
	float *g = r->ws[0].partial;
	if (!summed)
		sum_slice(r, tid);
	gd_finish_grad_range(&r->cfg->model, r->w, n_rows, g, lo, hi);
	if (sigma > 0)
		for (size_t j = lo; j < hi; j++)
			g[j] += sigma * (float)gd_rng_normal(r->cfg->seed, 2000, (uint64_t)t * r->np + j);
	if (!norm)
		return;
	double s = 0;
	for (size_t j = lo; j < hi; j++)
		s += (double)g[j] * g[j];
	r->ws[tid].sumsq = s;
}

static double total_sumsq(run *r)
{
	double s = 0;
	for (int k = 0; k < r->T; k++)
		s += r->ws[k].sumsq;
	return s;
}

/*
 * comm: sum the workers' partials (each its slice), then worker 0 sums the
 * gradient over ranks together with `extra` floats after it (loss sum, stop
 * requests). Returns the wall seconds of the allreduce (worker 0; 0 elsewhere).
 */
static double rank_sum(run *r, int tid, int extra)
{
	sum_slice(r, tid);
	gd_pool_barrier(r->pool);
	double dt = 0;
	if (tid == 0) {
		double t0 = gd_now();
		if (r->cfg->comm->sum_f32(r->cfg->comm, r->ws[0].partial, r->np + (size_t)extra))
			r->out->stop_reason = "comm-error";
		dt = gd_now() - t0;
	}
	gd_pool_barrier(r->pool);
	return dt;
}

/* comm: this rank's stop requests into f[0..2) (as floats), and the sums back. */
static void put_requests(run *r, float *f)
{
	f[0] = (float)r->want_stop[0];
	f[1] = (float)r->want_stop[1];
}

static void get_requests(run *r, const float *f)
{
	r->coll_stop[0] = f[0] > 0;
	r->coll_stop[1] = f[1] > 0;
}

/* Evaluation: full training loss (mean + penalty) and gradient norm at w,
 * computed by all workers like a full-batch gradient; test loss/accuracy. */
static void eval_phase(run *r, int tid)
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
		rank_sum(r, tid, 0);
	}
	reduce_slice(r, tid, r->N, 0, 0, 1, comm != NULL);
	gd_pool_barrier(r->pool);
	if (r->csr) /* leave the gradients clean for the CSR kernels */
		memset(r->ws[tid].partial, 0, r->np * sizeof(float));
	if (tid == 0) {
		if (!comm)
			for (int k = 0; k < r->T; k++)
				ls += r->ws[k].loss;
		r->eval_loss = ls / (double)r->N + gd_penalty(&r->cfg->model, r->w);
		r->eval_gnorm = sqrt(total_sumsq(r));
	}
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
				float s = b1[o];
				for (size_t k = 0; k < m->d; k++)
					s += W1[o * m->d + k] * x[k];
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
			float s = bias[o]; /* float is plenty for an argmax */
			for (size_t k = 0; k < nin; k++)
				s += W[o * nin + k] * in[k];
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
static int record(run *r, double e0)
{
	add_row(r, 0);
	if (r->cfg->comm) /* rank 0's test metrics: the others wait here, not in training time */
		r->cfg->comm->barrier(r->cfg->comm);
	r->out->t_eval += gd_now() - e0;
	r->out->rows[r->out->nrows - 1].eval_s = r->out->t_eval;
	return should_stop(r);
}

/* Does worker 0 evaluate before this step? */
static int eval_due(run *r)
{
	const gd_run_cfg *c = r->cfg;
	if (r->step == 0 || r->force_eval)
		return 1;
	if (c->eval_every_steps > 0)
		return r->step % c->eval_every_steps == 0;
	if (c->eval_every_seconds > 0)
		return r->t_train >= r->next_eval_s;
	/* default: at every epoch boundary */
	return r->pos == 0;
}

/* Noise sigma_t for step t (0 when off). */
static float noise_sigma(const gd_run_cfg *c, long t)
{
	if (!(c->noise_eta > 0))
		return 0;
	return (float)sqrt(c->noise_eta / pow(1.0 + (double)t, c->noise_gamma));
}

/* The data-parallel loop (full, minibatch, sample). Every exit goes through
 * an evaluation: a stop condition met after a step forces one, and
 * should_stop() then ends the run with the trace's last row at that point. */
static void sync_job(int tid, int T, void *arg)
{
	run *r = arg;
	const gd_run_cfg *c = r->cfg;
	gd_run_out *o = r->out;
	size_t B = c->mode == GD_MODE_FULL ? r->N : c->mode == GD_MODE_SAMPLE ? 1 : c->batch;
	size_t lo, hi;
	gd__slice(r->np, tid, T, &lo, &hi);
	int sparse = r->csr && c->mode != GD_MODE_FULL; /* full batches touch nearly everything */
	float *sl[GD_MAX_STATE];
	for (int k = 0; k < GD_MAX_STATE; k++)
		sl[k] = r->state[k] ? r->state[k] + lo : NULL;
	double t_a = 0, t_a2 = 0, t_b = 0, t_c = 0;
	for (;;) {
		if (tid == 0)
			r->evaluate = eval_due(r);
		gd_pool_barrier(r->pool);
		if (r->evaluate) {
			double e0 = gd_now();
			eval_phase(r, tid);
			if (tid == 0) {
				r->quit = record(r, e0);
				r->next_eval_s = r->t_train + c->eval_every_seconds;
				r->force_eval = 0;
			}
			gd_pool_barrier(r->pool);
			if (r->quit)
				break;
		}
		/* A: worker 0 picks the rows and prepares the step's scalars */
		if (tid == 0) {
			t_a = gd_now();
			if (c->mode == GD_MODE_FULL) {
				r->batch.idx = NULL;
				r->batch.i0 = 0;
				r->batch.n = r->train->n;
				r->batch_all = r->N;
			} else {
				if (r->pos == 0)
					shuffle(r, r->epoch);
				/* the epoch's last batch may be short: every epoch is exactly N samples */
				size_t take = r->N - r->pos < B ? r->N - r->pos : B;
				r->batch.idx = r->perm + r->pos;
				r->batch.n = take;
				if (c->comm) { /* the rows of the global batch this rank holds */
					size_t k = 0, r0 = r->train->row0, r1 = r0 + r->train->n;
					for (size_t i = 0; i < take; i++) {
						size_t g = r->perm[r->pos + i];
						if (g >= r0 && g < r1)
							r->lidx[k++] = (uint32_t)(g - r0);
					}
					r->batch.idx = r->lidx;
					r->batch.n = k;
				}
				r->batch_all = take;
				r->pos += take;
			}
			if (r->pos == r->N || c->mode == GD_MODE_FULL) {
				r->pos = 0;
				r->epoch++;
			}
			r->step++;
			double lr = gd_schedule_lr(&c->sched, c->hp.lr, r->step - 1);
			gd_step_prepare(c->upd->rule, &c->hp, r->step, lr, 1.0, &r->carry, &r->st);
			if (sparse) { /* the batch's coordinates; the folded mean and L2 */
				gd_sparse_touched(r, &r->ws[0], &r->batch);
				r->st.gscale = 1.0f / (float)r->batch_all;
				r->st.l2 += (float)c->model.l2;
				if (r->decay_lazy) {
					gd_sparse_catch_up(r, r->ws[0].coords, r->ws[0].ncoords);
					r->lnext = r->lcum + log(gd_sparse_zero_grad_factor(c, &r->st));
				}
				r->coords_sum += (double)r->ws[0].ncoords;
			}
			t_a2 = gd_now();
		}
		gd_pool_barrier(r->pool);
		/* B: gradient sums over this worker's share of the rows */
		gd_batch mine = gd__share(&r->batch, tid, T);
		if (mine.n) {
			r->ws[tid].loss = c->grad->fn(&c->model, r->w, &mine, r->ws[tid].partial, r->ws[tid].scratch);
		} else { /* comm or a tiny batch: no rows for this worker (a CSR gradient is kept clean anyway) */
			r->ws[tid].loss = 0;
			if (!r->csr)
				memset(r->ws[tid].partial, 0, r->np * sizeof(float));
		}
		gd_pool_barrier(r->pool);
		if (tid == 0)
			t_b = gd_now();
		double t_ar = 0;
		if (c->comm) { /* the gradient, loss and stop requests summed over ranks */
			if (tid == 0) {
				float *tail = r->ws[0].partial + r->np;
				double ls = 0;
				for (int k = 0; k < T; k++)
					ls += r->ws[k].loss;
				tail[0] = (float)ls;
				put_requests(r, tail + 1);
			}
			t_ar = rank_sum(r, tid, 3);
			if (tid == 0)
				get_requests(r, r->ws[0].partial + r->np + 1);
		}
		/* C: reduce this worker's slice (+ noise), clip, update the slice */
		gd_step st = r->st;
		float sigma = noise_sigma(c, r->step);
		if (sparse) {
			/* sum the partials at this worker's share of the coordinates into
			 * worker 0's (cleaning the others), then update them: lazily, or
			 * every parameter (--sparse-update dense) */
			const uint32_t *cs = r->ws[0].coords;
			size_t clo, chi;
			gd__slice(r->ws[0].ncoords, tid, T, &clo, &chi);
			float *g = r->ws[0].partial;
			for (int k = 1; k < T; k++) {
				float *pk = r->ws[k].partial;
				for (size_t q = clo; q < chi; q++) {
					g[cs[q]] += pk[cs[q]];
					pk[cs[q]] = 0;
				}
			}
			if (tid == 0)
				t_c = gd_now();
			if (c->sparse_dense) {
				gd_pool_barrier(r->pool);
				c->upd->fn(&c->hp, &st, r->w + lo, g + lo, sl, hi - lo);
				gd_pool_barrier(r->pool);
				for (size_t q = clo; q < chi; q++)
					g[cs[q]] = 0;
			} else {
				gd_sparse_update(r, &r->ws[tid], &st, cs + clo, chi - clo, g);
				if (r->decay_lazy)
					for (size_t q = clo; q < chi; q++)
						r->lastl[cs[q]] = r->lnext;
			}
		} else if (c->model.l1 == 0 && sigma == 0 && !(c->clip_norm > 0)) {
			/* fold the mean and the model's L2 into the update kernel's own
			 * gradient multiplier and L2 term: the same step, one pass fewer */
			if (T > 1 && !c->comm)
				sum_slice(r, tid);
			st.gscale = 1.0f / (float)r->batch_all;
			st.l2 += (float)c->model.l2;
		} else {
			reduce_slice(r, tid, r->batch_all, sigma, r->step, c->clip_norm > 0, c->comm != NULL);
			if (c->clip_norm > 0) {
				gd_pool_barrier(r->pool);
				st.gscale = (float)gd_clip_scale(sqrt(total_sumsq(r)), c->clip_norm);
			}
		}
		if (!sparse) {
			if (tid == 0)
				t_c = gd_now();
			c->upd->fn(&c->hp, &st, r->w + lo, r->ws[0].partial + lo, sl, hi - lo);
			gd_pool_barrier(r->pool);
			if (r->csr) /* full batch on CSR rows: clean every gradient for the next */
				memset(r->ws[tid].partial, 0, r->np * sizeof(float));
		} else {
			gd_pool_barrier(r->pool);
		}
		if (tid == 0) {
			double t_d = gd_now();
			if (r->decay_lazy && sparse)
				r->lcum = r->lnext;
			o->t_sample += t_a2 - t_a;
			o->t_grad += t_b - t_a2;
			o->t_reduce += t_c - t_b;
			o->t_update += t_d - t_c;
			r->t_train += t_d - t_a;
			o->steps = r->step;
			o->samples += (long)r->batch_all;
			double ls = 0;
			for (int k = 0; k < T; k++)
				ls += r->ws[k].loss;
			if (c->comm) {
				o->t_allreduce += t_ar;
				o->n_allreduce++;
				ls = r->ws[0].partial[r->np]; /* the global loss sum: every rank sees the same */
			}
			if (!isfinite(ls) && !o->diverged) { /* NaN/Inf marks the run diverged at this step */
				o->diverged = 1;
				o->diverged_step = r->step;
			}
			int timeout = c->time_budget > 0 && r->t_train >= c->time_budget, signalled = r->stop && *r->stop;
			if (c->comm) { /* local conditions go to the next sum; decisions use reduced ones only */
				r->want_stop[0] = timeout;
				r->want_stop[1] = signalled;
				timeout = r->coll_stop[0];
				signalled = r->coll_stop[1];
			}
			if (o->diverged || signalled || timeout || (o->stop_reason && !strcmp(o->stop_reason, "comm-error")) ||
			    (c->max_epochs > 0 && (double)o->samples >= (double)c->max_epochs * (double)r->N))
				r->force_eval = 1;
		}
	}
}

/*
 * Hogwild (Niu et al.): each worker runs minibatch SGD with any update rule on
 * its share of every epoch's permutation, reading and writing the shared
 * parameters and optimizer state with plain, unsynchronized loads and stores.
 * The races are the algorithm: a worker may read a partly updated w or
 * overwrite another's update; for sparse problems they rarely collide, for
 * dense ones they do (and memory traffic dominates). Each worker keeps its
 * own step count (bias corrections, schedules). Workers meet only at epoch
 * ends, where all of them evaluate; worker 0 alone checks the time budget
 * mid-epoch and raises hog_stop. The per-phase times are worker 0's own.
 */
static void hogwild_job(int tid, int T, void *arg)
{
	run *r = arg;
	const gd_run_cfg *c = r->cfg;
	gd_run_out *o = r->out;
	wslot *me = &r->ws[tid];
	gd_step_carry carry = gd_step_carry_init();
	long my_steps = 0;
	gd_batch b = r->batch;
	for (;;) {
		if (tid == 0)
			r->evaluate = 1;
		gd_pool_barrier(r->pool);
		double e0 = gd_now();
		eval_phase(r, tid);
		if (tid == 0) {
			r->quit = record(r, e0);
			if (!r->quit)
				shuffle(r, r->epoch++);
			atomic_store_explicit(&r->hog_stop, 0, memory_order_relaxed);
		}
		gd_pool_barrier(r->pool);
		if (r->quit)
			break;
		double t0 = gd_now();
		size_t lo = r->N * (size_t)tid / (size_t)T, hi = r->N * (size_t)(tid + 1) / (size_t)T, done = 0;
		for (size_t pos = lo; pos < hi; pos += c->batch) {
			if (atomic_load_explicit(&r->hog_stop, memory_order_relaxed))
				break;
			b.idx = r->perm + pos;
			b.n = hi - pos < c->batch ? hi - pos : c->batch;
			double ta = tid == 0 ? gd_now() : 0;
			if (r->csr)
				gd_sparse_touched(r, me, &b);
			me->loss = c->grad->fn(&c->model, r->w, &b, me->partial, me->scratch);
			if (!r->csr)
				gd_finish_grad_range(&c->model, r->w, b.n, me->partial, 0, r->np);
			my_steps++;
			double lr = gd_schedule_lr(&c->sched, c->hp.lr, my_steps - 1);
			gd_step st;
			gd_step_prepare(c->upd->rule, &c->hp, my_steps, lr, 1.0, &carry, &st);
			if (c->clip_norm > 0)
				st.gscale = (float)gd_clip_scale(gd_grad_norm(me->partial, r->np), c->clip_norm);
			double tb = tid == 0 ? gd_now() : 0;
			if (r->csr) { /* the touched coordinates only, lock-free (or under the one lock) */
				st.gscale = 1.0f / (float)b.n;
				st.l2 += (float)c->model.l2;
				if (c->hog_lock)
					pthread_mutex_lock(&r->hog_mu);
				gd_sparse_update(r, me, &st, me->coords, me->ncoords, me->partial);
				if (c->hog_lock)
					pthread_mutex_unlock(&r->hog_mu);
				if (tid == 0)
					r->coords_sum += (double)me->ncoords;
			} else {
				c->upd->fn(&c->hp, &st, r->w, me->partial, r->state, r->np);
			}
			done += b.n;
			if (tid == 0) {
				double tc = gd_now();
				o->t_grad += tb - ta;
				o->t_update += tc - tb;
				if (c->time_budget > 0 && r->t_train + (tc - t0) >= c->time_budget)
					atomic_store_explicit(&r->hog_stop, 1, memory_order_relaxed);
				if ((r->stop && *r->stop) || !isfinite(me->loss))
					atomic_store_explicit(&r->hog_stop, 1, memory_order_relaxed);
			}
		}
		me->sumsq = (double)done; /* reuse the slot: samples this worker processed */
		me->steps = my_steps;
		gd_pool_barrier(r->pool);
		if (tid == 0) {
			r->t_train += gd_now() - t0;
			long steps = 0;
			for (int k = 0; k < T; k++) {
				o->samples += (long)r->ws[k].sumsq;
				steps += r->ws[k].steps;
			}
			o->steps = r->step = steps;
		}
	}
}

/* First touch of each worker's own buffers by that worker, outside any
 * timed region: on a NUMA machine the pages land on the worker's node. */
static void touch_job(int tid, int T, void *arg)
{
	(void)T;
	run *r = arg;
	memset(r->ws[tid].partial, 0, r->vbytes);
	memset(r->ws[tid].scratch, 0, r->sc * sizeof(float));
}

/* ---- second-order baselines (full batch) ---- */

static void eval_job(int tid, int T, void *arg)
{
	(void)T;
	eval_phase(arg, tid);
}

/* One full-batch loss and gradient at r->w on all workers: training work for
 * a second-order method (its evaluations are its steps). */
static double full_eval(run *r)
{
	double t0 = gd_now();
	gd_pool_run(r->pool, eval_job, r);
	r->t_train += gd_now() - t0;
	r->out->t_grad += gd_now() - t0;
	r->out->samples += (long)r->N;
	return r->eval_loss;
}


static lbfgsfloatval_t lb_evaluate(void *inst, const lbfgsfloatval_t *x, lbfgsfloatval_t *g, const int n,
                                   const lbfgsfloatval_t step)
{
	(void)step;
	run *r = inst;
	for (int j = 0; j < n; j++)
		r->w[j] = (float)x[j];
	double loss = full_eval(r);
	for (int j = 0; j < n; j++)
		g[j] = r->ws[0].partial[j];
	return loss;
}

static int lb_progress(void *inst, const lbfgsfloatval_t *x, const lbfgsfloatval_t *g, const lbfgsfloatval_t fx,
                       const lbfgsfloatval_t xnorm, const lbfgsfloatval_t gnorm, const lbfgsfloatval_t step, int n,
                       int k, int ls)
{
	(void)g, (void)xnorm, (void)step, (void)ls;
	run *r = inst;
	for (int j = 0; j < n; j++) /* the accepted point, for the test metrics and the result */
		r->w[j] = (float)x[j];
	r->step = k;
	r->out->steps = k;
	r->eval_loss = fx;
	r->eval_gnorm = gnorm;
	int stop = record(r, gd_now()); /* the loss is the evaluation's: only the test metrics are eval time */
	if (!stop && r->cfg->max_epochs > 0 && (double)r->out->samples >= (double)r->cfg->max_epochs * (double)r->N) {
		r->out->stop_reason = "epochs";
		stop = 1;
	}
	return stop;
}

static int run_lbfgs(run *r)
{
	lbfgs_parameter_t param;
	lbfgs_parameter_init(&param);
	param.m = r->cfg->lbfgs_m > 0 ? r->cfg->lbfgs_m : 10;
	param.epsilon = 1e-7; /* ||g|| / max(1, ||x||): far below any target a run sets */
	lbfgsfloatval_t *x = lbfgs_malloc((int)r->np), fx = 0;
	if (!x)
		return GD_ENOMEM;
	for (size_t j = 0; j < r->np; j++)
		x[j] = r->w[j];
	double e0 = gd_now();
	gd_pool_run(r->pool, eval_job, r); /* the starting point, as evaluation time */
	if (!record(r, e0)) {
		int ret = lbfgs((int)r->np, x, &fx, lb_evaluate, lb_progress, r, &param);
		/* a stop by lb_progress returns its value and has set the reason */
		if (ret == LBFGS_SUCCESS || ret == LBFGS_ALREADY_MINIMIZED)
			r->out->stop_reason = "converged";
		else if (!r->out->stop_reason)
			r->out->stop_reason = "stalled"; /* the line search could not improve further */
		for (size_t j = 0; j < r->np; j++)
			r->w[j] = (float)x[j];
	}
	lbfgs_free(x);
	return 0;
}

void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
            int *info);

/* Newton on least squares: the Hessian (1/n) sum (x,1)(x,1)^T + l2 on the
 * weights is constant, so one step from anywhere reaches the minimum (up to
 * the L1 term's kink, which Newton does not handle: l1 must be 0). Solved by
 * LAPACK's Cholesky (dposv) from OpenBLAS. */
static int run_newton(run *r)
{
	const gd_model *m = &r->cfg->model;
	const gd_dataset *ds = r->train;
	int dim = (int)r->np, info = 0, one = 1;
	double *H = malloc((size_t)dim * (size_t)dim * sizeof(double)), *rhs = malloc((size_t)dim * sizeof(double));
	if (!H || !rhs) {
		free(H);
		free(rhs);
		return GD_ENOMEM;
	}
	double e0 = gd_now();
	gd_pool_run(r->pool, eval_job, r);
	const double g0 = r->eval_gnorm;
	for (int stop = record(r, e0); !stop;) {
		double t0 = gd_now();
		memset(H, 0, (size_t)dim * (size_t)dim * sizeof(double));
		for (size_t i = 0; i < ds->n; i++) {
			const float *x = ds->x + i * ds->d;
			for (int a = 0; a < dim; a++) {
				double xa = a < (int)m->d ? x[a] : 1.0;
				for (int b = 0; b <= a; b++)
					H[(size_t)a * dim + b] += xa * (b < (int)m->d ? x[b] : 1.0);
			}
		}
		for (int a = 0; a < dim; a++) {
			for (int b = 0; b <= a; b++)
				H[(size_t)a * dim + b] /= (double)ds->n;
			if (a < (int)m->d)
				H[(size_t)a * dim + a] += m->l2;
			rhs[a] = r->ws[0].partial[a];
		}
		/* row-major lower = column-major upper */
		dposv_("U", &dim, &one, H, &dim, rhs, &dim, &info);
		if (info != 0) {
			r->out->stop_reason = "stalled"; /* singular Hessian */
			break;
		}
		for (int a = 0; a < dim; a++)
			r->w[a] -= (float)rhs[a];
		r->t_train += gd_now() - t0;
		r->out->t_update += gd_now() - t0;
		r->step++;
		r->out->steps = r->step;
		full_eval(r);
		stop = record(r, gd_now());
		/* float32 gradients: "zero" is relative to where we started */
		if (!stop && r->eval_gnorm <= 1e-4 * g0) {
			r->out->stop_reason = "converged";
			stop = 1;
		}
		if (!stop && ((r->stop && *r->stop) || (r->cfg->max_epochs > 0 &&
		                                        (double)r->out->samples >= (double)r->cfg->max_epochs * (double)r->N))) {
			r->out->stop_reason = r->stop && *r->stop ? "interrupted" : "epochs";
			stop = 1;
		}
	}
	free(H);
	free(rhs);
	return 0;
}

/* Busy CPU seconds of the whole machine (/proc/stat) minus this process's
 * own (getrusage): the foreign load. NAN where /proc/stat cannot be read. */
static double foreign_cpu_now(void)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return NAN;
	unsigned long long v[8] = { 0 };
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
	               &v[6], &v[7]);
	fclose(f);
	if (n < 8)
		return NAN;
	/* user nice system [idle iowait] irq softirq steal */
	double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (double)sysconf(_SC_CLK_TCK);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double self = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_sec +
	              1e-6 * (double)ru.ru_stime.tv_usec;
	return busy - self;
}

int gd_train(const gd_run_cfg *cfg, const gd_dataset *train, const gd_dataset *test, gd_pool *pool,
             volatile sig_atomic_t *stop, gd_run_out *out)
{
	memset(out, 0, sizeof(*out));
	int T = gd_pool_size(pool);
	const gd_model *m = &cfg->model;
	if (cfg->mode == GD_MODE_SAMPLE && T != 1)
		return GD_EINVAL;
	if ((cfg->mode == GD_MODE_MINIBATCH || cfg->mode == GD_MODE_HOGWILD) &&
	    (cfg->batch < 1 || cfg->batch > (cfg->comm ? train->n_all : train->n)))
		return GD_ERANGE;
	if (cfg->kind != GD_OPT_FIRST_ORDER && cfg->mode != GD_MODE_FULL)
		return GD_EINVAL; /* L-BFGS and Newton run in full mode only */
	if (cfg->kind == GD_OPT_NEWTON && (m->kind != GD_MODEL_LSQ || m->l1 != 0 || gd_model_nparams(m) > 4096))
		return GD_EINVAL; /* a constant Hessian small enough to form */
	if (!(cfg->max_epochs > 0 || cfg->time_budget > 0))
		return GD_EINVAL;
	if (train->rowptr && (cfg->kind != GD_OPT_FIRST_ORDER || cfg->comm || !gd_model_has_csr(m->kind) ||
	                      m->l1 != 0 || cfg->noise_eta > 0 || cfg->clip_norm > 0 ||
	                      (test && !test->rowptr && test->n)))
		return GD_EINVAL; /* CSR: first-order rules, linear models, L2 only, one process */
	if (cfg->comm && (cfg->kind != GD_OPT_FIRST_ORDER || !(cfg->mode == GD_MODE_FULL || cfg->mode == GD_MODE_MINIBATCH) ||
	                  train->n_all < train->row0 + train->n || train->n == 0))
		return GD_EINVAL;
	double t0 = gd_now();
	size_t N = cfg->comm ? train->n_all : train->n;
	run r = { .cfg = cfg, .train = train, .test = test, .pool = pool, .stop = stop, .out = out, .T = T,
		  .np = gd_model_nparams(m), .N = N };
	r.batch = (gd_batch){ .x = train->x, .ld = train->d, .rowptr = train->rowptr, .col = train->col,
		              .val = train->val, .y = train->y, .label = train->label };
	r.csr = train->rowptr != NULL;
	r.carry = gd_step_carry_init();
	for (int k = 0; k < GD_MAX_TARGETS; k++)
		out->time_to_target[k] = -1;
	out->best_loss = INFINITY;
	double la[1];
	out->load_before = getloadavg(la, 1) == 1 ? la[0] : NAN;
	long ivcsw0 = gd_pool_involuntary_switches(pool);
	double foreign0 = foreign_cpu_now();

	size_t B = cfg->mode == GD_MODE_FULL ? train->n : cfg->mode == GD_MODE_SAMPLE ? 1 : cfg->batch;
	if (B > train->n) /* comm: at most the rows held here */
		B = train->n;
	/* rows one worker handles in one call: a share of the batch, or a whole hogwild batch */
	size_t share_rows = cfg->mode == GD_MODE_HOGWILD ? B : (B + (size_t)T - 1) / (size_t)T;
	size_t need_eval = (train->n + (size_t)T - 1) / (size_t)T;
	/* only the blas variants gather rows into scratch; the others need a few blocks */
	size_t sc = gd_grad_scratch_floats_rows(m);
	if (cfg->grad->impl == GD_IMPL_BLAS) {
		size_t a = gd_grad_scratch_floats(m, share_rows > need_eval ? share_rows : need_eval);
		size_t b = gd_grad_scratch_floats(m, 256);
		sc = a > b ? a : b;
	}
	int rc = GD_ENOMEM;
	size_t vbytes = (r.np * sizeof(float) + 63) / 64 * 64;
	size_t pbytes = ((r.np + 3) * sizeof(float) + 63) / 64 * 64; /* comm: + loss and stop requests */
	r.w = aligned_alloc(64, vbytes);
	r.perm = malloc(N * sizeof(uint32_t));
	r.lidx = malloc((cfg->comm ? B : 1) * sizeof(uint32_t));
	r.ws = aligned_alloc(64, (size_t)T * sizeof(wslot));
	if (!r.w || !r.perm || !r.lidx || !r.ws)
		goto out;
	memset(r.ws, 0, (size_t)T * sizeof(wslot));
	int ns = cfg->kind == GD_OPT_FIRST_ORDER ? gd_rule_nstate(cfg->upd->rule, &cfg->hp) : 0;
	for (int k = 0; k < ns; k++)
		if (!(r.state[k] = aligned_alloc(64, vbytes)))
			goto out;
	if (r.csr) {
		int decay = m->l2 > 0 || cfg->hp.weight_decay > 0;
		r.decay_lazy = !cfg->sparse_dense && cfg->mode != GD_MODE_HOGWILD && cfg->mode != GD_MODE_FULL &&
		               cfg->upd->rule == GD_RULE_SGD && decay;
		if (r.decay_lazy && !(r.lastl = calloc(r.np, sizeof(double))))
			goto out;
		pthread_mutex_init(&r.hog_mu, NULL);
	}
	for (int k = 0; k < T; k++) {
		if (r.csr) {
			r.ws[k].stamp = calloc(m->d, sizeof(uint32_t));
			r.ws[k].feat = malloc(m->d * sizeof(uint32_t));
			r.ws[k].coords = malloc((r.np + m->c) * sizeof(uint32_t));
			r.ws[k].tmp = aligned_alloc(64, (size_t)GD_LAZY_CHUNK * (2 + GD_MAX_STATE) * sizeof(float));
			if (!r.ws[k].stamp || !r.ws[k].feat || !r.ws[k].coords || !r.ws[k].tmp)
				goto out;
		}
		r.ws[k].partial = aligned_alloc(64, pbytes);
		r.ws[k].scratch = aligned_alloc(64, (sc * sizeof(float) + 63) / 64 * 64);
		if (!r.ws[k].partial || !r.ws[k].scratch)
			goto out;
	}
	r.sc = sc;
	r.vbytes = vbytes;
	gd_pool_run(pool, touch_job, &r); /* each worker first-touches its own buffers */
	gd_init_params(m, cfg->seed, r.w);
	rc = 0;
	if (cfg->kind == GD_OPT_LBFGS)
		rc = run_lbfgs(&r);
	else if (cfg->kind == GD_OPT_NEWTON)
		rc = run_newton(&r);
	else {
		gd_state_init(cfg->upd->rule, &cfg->hp, r.state, r.np);
		atomic_init(&r.hog_stop, 0);
		gd_pool_run(pool, cfg->mode == GD_MODE_HOGWILD ? hogwild_job : sync_job, &r);
	}
	if (rc)
		goto out;
	out->epochs = (double)out->samples / (double)N;
	if (r.csr && cfg->mode != GD_MODE_FULL && out->steps > 0)
		out->coords_per_step = r.coords_sum / (double)out->steps;
	out->allreduce_bytes = (double)(r.np + 3) * sizeof(float);
	out->t_train = r.t_train;
	out->params = r.w;
	r.w = NULL;
	rc = 0;
out:
	out->t_total = gd_now() - t0;
	out->load_after = getloadavg(la, 1) == 1 ? la[0] : NAN;
	out->ivcsw = gd_pool_involuntary_switches(pool) - ivcsw0;
	out->foreign_cpu_s = foreign_cpu_now() - foreign0;
	if (!out->stop_reason)
		out->stop_reason = "epochs";
	free(r.w);
	free(r.perm);
	free(r.lidx);
	for (int k = 0; k < GD_MAX_STATE; k++)
		free(r.state[k]);
	if (r.ws)
		for (int k = 0; k < T; k++) {
			free(r.ws[k].partial);
			free(r.ws[k].scratch);
			free(r.ws[k].stamp);
			free(r.ws[k].feat);
			free(r.ws[k].coords);
			free(r.ws[k].tmp);
		}
	free(r.lastl);
	if (r.csr)
		pthread_mutex_destroy(&r.hog_mu);
	free(r.ws);
	return rc;
}

int gd_run_noisy(const gd_run_out *o, int threads, int npu)
{
	/* not the load average: it is smoothed over a minute and counts this
	 * process's own earlier runs, so a suite would flag itself */
	(void)npu;
	/* switches are counted over the whole run (training and evaluation) */
	/* a few preemptions by kernel housekeeping are normal with every PU
	 * busy; a short run turns them into a high rate, hence the floor */
	int preempted = o->ivcsw >= 10 && o->t_total > 0 && (double)o->ivcsw / o->t_total / threads > 50.0;
	/* /proc/stat ticks are 10 ms: only a run of a second or more can say */
	int foreign = o->t_total >= 1.0 && o->foreign_cpu_s > 0.1 * o->t_total;
	return preempted || foreign;
}

void gd_run_out_free(gd_run_out *out)
{
	free(out->rows);
	free(out->params);
	memset(out, 0, sizeof(*out));
}
