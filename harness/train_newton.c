/* Second-order baselines (full batch): L-BFGS through liblbfgs and Newton on least squares. */
#include <lbfgs.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "gd_error.h"
#include "train_run.h"

static void eval_job(int tid, int T, void *arg)
{
	(void)T;
	train_eval_phase(arg, tid);
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
	int stop = train_record(r, gd_now()); /* the loss is the evaluation's: only the test metrics are eval time */
	if (!stop && r->cfg->max_epochs > 0 && (double)r->out->samples >= (double)r->cfg->max_epochs * (double)r->N) {
		r->out->stop_reason = "epochs";
		stop = 1;
	}
	return stop;
}

int train_run_lbfgs(run *r)
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
	if (!train_record(r, e0)) {
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
int train_run_newton(run *r)
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
	for (int stop = train_record(r, e0); !stop;) {
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
		stop = train_record(r, gd_now());
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
