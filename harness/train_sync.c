/* The synchronous data-parallel loop (full, minibatch, sample): the step's
 * phases A/B/C (train.c's header), the per-epoch shuffle, and the reduction
 * of the workers' partial gradients, alone or summed over ranks. */
#include <math.h>
#include <string.h>

#include "clip.h"
#include "clock.h"
#include "rng.h"
#include "train_run.h"

void train_shuffle(run *r, long epoch)
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

void train_reduce_slice(run *r, int tid, size_t n_rows, float sigma, long t, int norm, int summed)
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

double train_total_sumsq(run *r)
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
double train_rank_sum(run *r, int tid, int extra)
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

static void train_barrier(void *pool)
{
	gd_pool_barrier(pool);
}

void train_update_slice(run *r, int tid, const gd_step *st, const float *g)
{
	const gd_run_cfg *c = r->cfg;
	const wslot *me = &r->ws[tid];
	gd_dtype dt = c->dt;
	gd_store sw = gd_dtype_param(dt), sg = gd_dtype_grad(dt), ss = gd_dtype_state(dt);
	size_t lo, hi;
	gd__slice(r->np, tid, r->T, &lo, &hi);
	void *w = r->w, *gs = (void *)g; /* read only: the kernel's g is const */
	if (dt != GD_DT_F32) { /* the gradient as the training stores it, rounded to nearest */
		gd_store_from_f32(sg, gd_store_at(sg, r->gst, lo), g + lo, hi - lo);
		w = r->wst;
		gs = r->gst;
	}
	for (size_t u = 0; u < me->nunits; u++) {
		const gd_piece *p = &me->units[u];
		void *sp[GD_MAX_STATE];
		for (int k = 0; k < GD_MAX_STATE; k++)
			sp[k] = r->state[k] ? gd_store_at(ss, r->state[k], p->lo) : NULL;
		c->upd->fn[dt](&c->hp, st, gd_store_at(sw, w, p->lo), gd_store_at(sg, gs, p->lo), sp, p->n, p->lo);
	}
	if (dt != GD_DT_F32) /* the fp32 copy the next gradient reads */
		gd_store_to_f32(sw, r->w + lo, gd_store_at(sw, r->wst, lo), hi - lo);
}

/* The data-parallel loop (full, minibatch, sample). Every exit goes through
 * an evaluation: a stop condition met after a step forces one, and
 * should_stop() (train_trace.c) then ends the run with the trace's last row at that point. */
void train_sync_job(int tid, int T, void *arg)
{
	run *r = arg;
	const gd_run_cfg *c = r->cfg;
	gd_run_out *o = r->out;
	size_t B = c->mode == GD_MODE_FULL ? r->N : c->mode == GD_MODE_SAMPLE ? 1 : c->batch;
	size_t lo, hi;
	gd__slice(r->np, tid, T, &lo, &hi);
	int sparse = r->csr && c->mode != GD_MODE_FULL; /* full batches touch nearly everything */
	double t_a = 0, t_a2 = 0, t_b = 0, t_c = 0;
	for (;;) {
		if (tid == 0)
			r->evaluate = train_eval_due(r);
		gd_pool_barrier(r->pool);
		if (r->evaluate) {
			double e0 = gd_now();
			if (r->xeval) { /* Schedule-Free: evaluations read x, the average (Defazio et al. 2024) */
				if (tid == 0) {
					gd_topt_eval_point(&r->topt, r->w, r->xeval);
					float *y = r->w;
					r->w = r->xeval;
					r->xeval = y;
				}
				gd_pool_barrier(r->pool);
			}
			train_eval_phase(r, tid);
			if (tid == 0) {
				r->quit = train_record(r, e0);
				train_next_eval(r);
				r->force_eval = 0;
			}
			gd_pool_barrier(r->pool);
			if (r->xeval && tid == 0) { /* y back: the next gradient is taken at y (the others wait at A's barrier) */
				float *x = r->w;
				r->w = r->xeval;
				r->xeval = x;
			}
			if (r->quit)
				break;
		}
		/* A: worker 0 picks the rows and prepares the step's scalars */
		if (tid == 0) {
			t_a = gd_now();
			r->batch.next_idx = NULL;
			r->batch.next_n = 0;
			if (c->mode == GD_MODE_FULL) {
				r->batch.idx = NULL;
				r->batch.i0 = 0;
				r->batch.n = r->train->n;
				r->batch_all = r->N;
			} else {
				if (r->pos == 0)
					train_shuffle(r, r->epoch);
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
				/* the next step's rows, for the kernel to prefetch (not across the
				 * epoch's reshuffle, nor where each rank picks its own rows) */
				if (!c->comm && r->pos < r->N) {
					r->batch.next_idx = r->perm + r->pos;
					r->batch.next_n = r->N - r->pos < B ? r->N - r->pos : B;
				}
			}
			if (r->pos == r->N || c->mode == GD_MODE_FULL) {
				r->pos = 0;
				r->epoch++;
			}
			r->step++;
			double lr = gd_schedule_lr(&c->sched, c->hp.lr, r->step - 1);
			if (c->kind == GD_OPT_TENSOR)
				gd_topt_begin(&r->topt, lr);
			else
				gd_step_prepare(c->upd->rule, &c->hp, r->step, lr, 1.0, &r->carry, &r->st);
			if (gd_dtype_sr(c->dt)) /* the stochastic-rounding stream of this step */
				r->st.sr_key = gd_sr_key(c->seed, (long)r->step);
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
			t_ar = train_rank_sum(r, tid, 3);
			if (tid == 0)
				get_requests(r, r->ws[0].partial + r->np + 1);
		}
		/* C: reduce this worker's slice (+ noise), clip, update the slice */
		gd_step st = r->st;
		float sigma = train_noise_sigma(c, r->step);
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
				train_update_slice(r, tid, &st, g);
				gd_pool_barrier(r->pool);
				for (size_t q = clo; q < chi; q++)
					g[cs[q]] = 0;
			} else {
				gd_sparse_update(r, &r->ws[tid], &st, cs + clo, chi - clo, g);
				if (r->decay_lazy)
					for (size_t q = clo; q < chi; q++)
						r->lastl[cs[q]] = r->lnext;
			}
		} else if (c->kind == GD_OPT_TENSOR) {
			/* the mean gradient in full (each worker its slice), then the rule
			 * tensor by tensor: its tensor slices are not the workers' slices */
			train_reduce_slice(r, tid, r->batch_all, sigma, r->step, 0, 0);
			gd_pool_barrier(r->pool);
			if (tid == 0)
				t_c = gd_now();
			gd_topt_job(&r->topt, tid, r->w, r->ws[0].partial, train_barrier, r->pool);
			gd_pool_barrier(r->pool);
		} else if (c->model.l1 == 0 && sigma == 0 && !(c->clip_norm > 0)) {
			/* fold the mean and the model's L2 into the update kernel's own
			 * gradient multiplier and L2 term: the same step, one pass fewer */
			if (T > 1 && !c->comm)
				sum_slice(r, tid);
			st.gscale = 1.0f / (float)r->batch_all;
			st.l2 += (float)c->model.l2;
		} else {
			train_reduce_slice(r, tid, r->batch_all, sigma, r->step, c->clip_norm > 0, c->comm != NULL);
			if (c->clip_norm > 0) {
				gd_pool_barrier(r->pool);
				st.gscale = (float)gd_clip_scale(sqrt(train_total_sumsq(r)), c->clip_norm);
			}
		}
		if (c->kind == GD_OPT_TENSOR) {
			if (tid == 0 && r->topt.rc && !o->stop_reason)
				o->stop_reason = "update-error";
		} else if (!sparse) {
			if (tid == 0)
				t_c = gd_now();
			train_update_slice(r, tid, &st, r->ws[0].partial);
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
