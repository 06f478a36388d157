/* Hogwild: lock-free asynchronous minibatch descent on the shared parameters. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>

#include "clip.h"
#include "clock.h"
#include "train_run.h"

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
void hogwild_job(int tid, int T, void *arg)
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
		train_eval_phase(r, tid);
		if (tid == 0) {
			r->quit = train_record(r, e0);
			if (!r->quit)
				train_shuffle(r, r->epoch++);
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
			/* this worker's next batch, for the kernel to prefetch */
			size_t nx = pos + b.n;
			b.next_idx = nx < hi ? r->perm + nx : NULL;
			b.next_n = nx < hi ? (hi - nx < c->batch ? hi - nx : c->batch) : 0;
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
				void *vs[GD_MAX_STATE] = { r->state[0], r->state[1], r->state[2] };
				c->upd->fn[GD_DT_F32](&c->hp, &st, r->w, me->partial, vs, r->np, 0);
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
