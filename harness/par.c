/* gd_par_run: short-lived pinned threads for probes; the training pool of issue 4 is persistent. */
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "gd_error.h"
#include "par.h"

/* Workers wait at a gate that opens once all are created, or aborts when
 * one cannot be created, so a failure never leaves a thread waiting. */
typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open, abort;
} gate;

typedef struct {
	const gd_topo *topo;
	int pu, tid, nthreads, bind_rc;
	gd_par_fn fn;
	void *arg;
	gate *g;
	double t0, t1;
} worker;

static void *run_worker(void *p)
{
	worker *w = p;
	w->bind_rc = gd_topo_bind_self(w->topo, w->pu, NULL);
	pthread_mutex_lock(&w->g->mu);
	while (!w->g->open && !w->g->abort)
		pthread_cond_wait(&w->g->cv, &w->g->mu);
	int go = !w->g->abort;
	pthread_mutex_unlock(&w->g->mu);
	if (!go)
		return NULL;
	w->t0 = gd_now();
	w->fn(w->tid, w->nthreads, w->arg);
	w->t1 = gd_now();
	return NULL;
}

int gd_par_run(const gd_topo *t, const int *pus, int nthreads, int strict, gd_par_fn fn, void *arg,
               double *seconds, int *bad_tid)
{
	worker *ws = calloc((size_t)nthreads, sizeof(*ws));
	pthread_t *th = calloc((size_t)nthreads, sizeof(*th));
	gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	int rc = 0, started = 1;
	if (!ws || !th) {
		rc = GD_ENOMEM;
		goto out;
	}
	for (int i = 0; i < nthreads; i++)
		ws[i] = (worker){ .topo = t, .pu = pus ? pus[i] : -1, .tid = i, .nthreads = nthreads,
		                  .fn = fn, .arg = arg, .g = &g };
	/* worker 0 is the calling thread, so one thread creates none */
	for (int i = 1; i < nthreads; i++, started++) {
		if (pthread_create(&th[i], NULL, run_worker, &ws[i]) != 0) {
			rc = GD_ETHREAD;
			if (bad_tid)
				*bad_tid = i;
			break;
		}
	}
	pthread_mutex_lock(&g.mu);
	if (rc)
		g.abort = 1;
	else
		g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	if (!rc)
		run_worker(&ws[0]);
	for (int i = 1; i < started; i++)
		pthread_join(th[i], NULL);
	if (rc)
		goto out;
	double t0 = ws[0].t0, t1 = ws[0].t1;
	for (int i = 0; i < nthreads; i++) {
		t0 = ws[i].t0 < t0 ? ws[i].t0 : t0;
		t1 = ws[i].t1 > t1 ? ws[i].t1 : t1;
		if (strict && ws[i].bind_rc && rc == 0) {
			rc = GD_EBIND;
			if (bad_tid)
				*bad_tid = i;
		}
	}
	*seconds = t1 - t0;
out:
	free(ws);
	free(th);
	return rc;
}
