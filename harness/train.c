/*
 * gd_train: validation of a run's configuration, allocation of its state,
 * dispatch to the drivers; gd_mode_name, gd_init_params, gd_run_out_free.
 *
 * The drivers: the synchronous data-parallel loop (train_sync.c), Hogwild
 * (train_hogwild.c), L-BFGS and Newton (train_newton.c); evaluations, trace
 * rows and stop decisions (train_trace.c); noise (train_noise.c).
 *
 * How the drivers run. One pool job runs a whole run: the workers meet at spin
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
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

/* First touch of each worker's own buffers by that worker, outside any
 * timed region: on a NUMA machine the pages land on the worker's node. */
static void touch_job(int tid, int T, void *arg)
{
	(void)T;
	run *r = arg;
	memset(r->ws[tid].partial, 0, r->vbytes);
	memset(r->ws[tid].scratch, 0, r->sc * sizeof(float));
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
	if (cfg->kind == GD_OPT_TENSOR && (!cfg->tupd || cfg->dt != GD_DT_F32 || train->rowptr || cfg->comm ||
	                                   cfg->clip_norm > 0 || !(cfg->mode == GD_MODE_FULL || cfg->mode == GD_MODE_MINIBATCH)))
		return GD_ENOTSUP; /* per-tensor rules: f32, dense, one process, full or minibatch, no clipping */
	if (cfg->kind != GD_OPT_FIRST_ORDER && cfg->kind != GD_OPT_TENSOR && cfg->mode != GD_MODE_FULL)
		return GD_EINVAL; /* L-BFGS and Newton run in full mode only */
	if (cfg->kind == GD_OPT_NEWTON && (m->kind != GD_MODEL_LSQ || m->l1 != 0 || gd_model_nparams(m) > 4096))
		return GD_EINVAL; /* a constant Hessian small enough to form */
	if (!(cfg->max_epochs > 0 || cfg->time_budget > 0))
		return GD_EINVAL;
	if ((unsigned)cfg->dt >= GD_NDT)
		return GD_EINVAL;
	if (cfg->dt != GD_DT_F32 && (cfg->kind != GD_OPT_FIRST_ORDER || cfg->mode == GD_MODE_HOGWILD || train->rowptr ||
	                             cfg->comm))
		return GD_ENOTSUP; /* storage dtypes: the synchronous first-order loop on dense data, one process */
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
	double foreign0 = train_foreign_cpu_now();

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
	gd_store sw = gd_dtype_param(cfg->dt), sg = gd_dtype_grad(cfg->dt), ss = gd_dtype_state(cfg->dt);
	for (int k = 0; k < ns; k++)
		if (!(r.state[k] = aligned_alloc(64, (r.np * gd_store_size(ss) + 63) / 64 * 64)))
			goto out;
	if (cfg->dt != GD_DT_F32 && (!(r.wst = aligned_alloc(64, (r.np * gd_store_size(sw) + 63) / 64 * 64)) ||
	                             !(r.gst = aligned_alloc(64, (r.np * gd_store_size(sg) + 63) / 64 * 64))))
		goto out;
	/* the parameters as tensors, and each worker's update units over its slice */
	rc = m->kind == GD_MODEL_MLP ? gd_params_mlp(m->d, m->h, m->c, &r.ps) : gd_params_flat("w", r.np, &r.ps);
	if (rc)
		goto out;
	rc = GD_ENOMEM;
	for (int k = 0; k < T; k++) {
		size_t lo, hi;
		gd__slice(r.np, k, T, &lo, &hi);
		r.ws[k].nunits = gd_params_pieces(&r.ps, lo, hi, GD_PARAMS_CHUNK, NULL, 0);
		if (!(r.ws[k].units = malloc((r.ws[k].nunits + 1) * sizeof(gd_piece))))
			goto out;
		gd_params_pieces(&r.ps, lo, hi, GD_PARAMS_CHUNK, r.ws[k].units, r.ws[k].nunits);
	}
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
		rc = train_run_lbfgs(&r);
	else if (cfg->kind == GD_OPT_NEWTON)
		rc = train_run_newton(&r);
	else if (cfg->kind == GD_OPT_TENSOR) {
		const char *what = NULL;
		rc = gd_topt_init(&r.topt, cfg->tupd->rule, &cfg->hp, &r.ps, cfg->tupd, T, r.w, &what);
		if (!rc && cfg->tupd->rule == GD_TRULE_SFADAMW && !(r.xeval = aligned_alloc(64, vbytes)))
			rc = GD_ENOMEM;
		if (!rc)
			gd_pool_run(pool, train_sync_job, &r);
	} else {
		gd_state_init_as(cfg->upd->rule, &cfg->hp, r.state, r.np, ss);
		if (cfg->dt != GD_DT_F32) { /* start from parameters the storage holds exactly */
			gd_store_from_f32(sw, r.wst, r.w, r.np);
			gd_store_to_f32(sw, r.w, r.wst, r.np);
		}
		atomic_init(&r.hog_stop, 0);
		gd_pool_run(pool, cfg->mode == GD_MODE_HOGWILD ? hogwild_job : train_sync_job, &r);
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
	out->foreign_cpu_s = train_foreign_cpu_now() - foreign0;
	if (!out->stop_reason)
		out->stop_reason = "epochs";
	free(r.w);
	free(r.perm);
	free(r.lidx);
	for (int k = 0; k < GD_MAX_STATE; k++)
		free(r.state[k]);
	free(r.wst);
	free(r.gst);
	gd_params_free(&r.ps);
	gd_topt_free(&r.topt);
	free(r.xeval);
	if (r.ws)
		for (int k = 0; k < T; k++) {
			free(r.ws[k].partial);
			free(r.ws[k].scratch);
			free(r.ws[k].stamp);
			free(r.ws[k].feat);
			free(r.ws[k].coords);
			free(r.ws[k].tmp);
			free(r.ws[k].units);
		}
	free(r.lastl);
	if (r.csr)
		pthread_mutex_destroy(&r.hog_mu);
	free(r.ws);
	return rc;
}

void gd_run_out_free(gd_run_out *out)
{
	free(out->rows);
	free(out->params);
	memset(out, 0, sizeof(*out));
}
