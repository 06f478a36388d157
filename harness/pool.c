/*
 * The worker pool: threads start once, pin themselves through hwloc, and then
 * wait for work. A job is published by bumping a generation counter; the
 * barrier is sense-reversing (one atomic counter and a flag), spinning or
 * blocking on a condition variable as chosen at creation.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "gd_error.h"
#include "pool.h"

/* The spin-wait hint: PAUSE on x86, YIELD on ARM (frees the core's shared
 * resources for a sibling thread while we wait). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

typedef struct {
	_Alignas(64) atomic_long ivcsw; /* own cache line: written by its worker only */
} worker_slot;

struct gd_pool {
	const gd_topo *topo;
	int n, spin;
	pthread_t *th;
	gd_pin *pins;
	worker_slot *slots;

	/* job publication */
	pthread_mutex_t mu;
	pthread_cond_t cv_job, cv_done;
	long gen;         /* job generation, under mu */
	int done, quit;   /* under mu */
	gd_pool_fn fn;
	void *arg;

	/* barrier */
	_Alignas(64) atomic_int count;
	_Alignas(64) atomic_int sense;
	pthread_mutex_t bmu;
	pthread_cond_t bcv;
};

typedef struct {
	gd_pool *p;
	int tid;
} start_arg;

static void record_switches(gd_pool *p, int tid)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) == 0)
		atomic_store_explicit(&p->slots[tid].ivcsw, ru.ru_nivcsw, memory_order_relaxed);
}

void gd_pool_barrier(gd_pool *p)
{
	if (p->n == 1)
		return;
	int my = !atomic_load_explicit(&p->sense, memory_order_relaxed);
	if (atomic_fetch_add_explicit(&p->count, 1, memory_order_acq_rel) == p->n - 1) {
		atomic_store_explicit(&p->count, 0, memory_order_relaxed);
		if (p->spin) {
			atomic_store_explicit(&p->sense, my, memory_order_release);
		} else {
			pthread_mutex_lock(&p->bmu);
			atomic_store_explicit(&p->sense, my, memory_order_release);
			pthread_cond_broadcast(&p->bcv);
			pthread_mutex_unlock(&p->bmu);
		}
		return;
	}
	if (p->spin) {
		while (atomic_load_explicit(&p->sense, memory_order_acquire) != my)
			cpu_relax();
	} else {
		pthread_mutex_lock(&p->bmu);
		while (atomic_load_explicit(&p->sense, memory_order_acquire) != my)
			pthread_cond_wait(&p->bcv, &p->bmu);
		pthread_mutex_unlock(&p->bmu);
	}
}

static void *worker_main(void *v)
{
	start_arg *sa = v;
	gd_pool *p = sa->p;
	int tid = sa->tid;
	free(sa);
	long seen = 0;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->cv_job, &p->mu);
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		seen = p->gen;
		gd_pool_fn fn = p->fn;
		void *arg = p->arg;
		pthread_mutex_unlock(&p->mu);
		fn(tid, p->n, arg);
		record_switches(p, tid);
		pthread_mutex_lock(&p->mu);
		if (++p->done == p->n - 1)
			pthread_cond_signal(&p->cv_done);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Pin worker tid (run by the worker itself). */
static void pin_self(gd_pool *p, int tid)
{
	gd_pin *pin = &p->pins[tid];
	errno = 0;
	if (gd_topo_bind_self(p->topo, pin->asked, &pin->observed))
		pin->bind_err = errno ? errno : EINVAL;
}

static void pin_job(int tid, int n, void *arg)
{
	(void)n;
	pin_self(arg, tid);
}

int gd_pool_create(const gd_topo *t, const int *pus, int n, int spin, int strict, gd_pool **out, int *bad)
{
	if (n < 1)
		return GD_EINVAL;
	gd_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return GD_ENOMEM;
	p->topo = t;
	p->n = n;
	p->spin = spin;
	p->th = calloc((size_t)n, sizeof(pthread_t));
	p->pins = calloc((size_t)n, sizeof(gd_pin));
	p->slots = aligned_alloc(64, (size_t)n * sizeof(worker_slot));
	if (!p->th || !p->pins || !p->slots) {
		free(p->th), free(p->pins), free(p->slots), free(p);
		return GD_ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		p->pins[i] = (gd_pin){ .asked = pus ? pus[i] : -1, .observed = -1 };
		atomic_init(&p->slots[i].ivcsw, 0);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv_job, NULL);
	pthread_cond_init(&p->cv_done, NULL);
	pthread_mutex_init(&p->bmu, NULL);
	pthread_cond_init(&p->bcv, NULL);
	atomic_init(&p->count, 0);
	atomic_init(&p->sense, 0);
	int started = 1;
	for (int i = 1; i < n; i++, started++) {
		start_arg *sa = malloc(sizeof(*sa));
		int perr = sa ? pthread_create(&p->th[i], NULL, worker_main, (*sa = (start_arg){ p, i }, sa)) : ENOMEM;
		if (perr) {
			free(sa);
			if (bad)
				*bad = i;
			p->n = started; /* shut down only what started */
			gd_pool_destroy(p);
			errno = perr;
			return GD_ETHREAD;
		}
	}
	gd_pool_run(p, pin_job, p); /* every worker pins itself, the caller included */
	for (int i = 0; strict && i < n; i++) {
		if (p->pins[i].bind_err) {
			if (bad)
				*bad = i;
			errno = p->pins[i].bind_err;
			gd_pool_destroy(p);
			return GD_EBIND;
		}
	}
	*out = p;
	return 0;
}

void gd_pool_run(gd_pool *p, gd_pool_fn fn, void *arg)
{
	if (p->n > 1) {
		pthread_mutex_lock(&p->mu);
		p->fn = fn;
		p->arg = arg;
		p->done = 0;
		p->gen++;
		pthread_cond_broadcast(&p->cv_job);
		pthread_mutex_unlock(&p->mu);
	}
	fn(0, p->n, arg);
	record_switches(p, 0);
	if (p->n > 1) {
		pthread_mutex_lock(&p->mu);
		while (p->done < p->n - 1)
			pthread_cond_wait(&p->cv_done, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
}

void gd_pool_destroy(gd_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->quit = 1;
	pthread_cond_broadcast(&p->cv_job);
	pthread_mutex_unlock(&p->mu);
	for (int i = 1; i < p->n; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv_job);
	pthread_cond_destroy(&p->cv_done);
	pthread_mutex_destroy(&p->bmu);
	pthread_cond_destroy(&p->bcv);
	free(p->th);
	free(p->pins);
	free(p->slots);
	free(p);
}

int gd_pool_size(const gd_pool *p)
{
	return p->n;
}

const gd_pin *gd_pool_pins(const gd_pool *p)
{
	return p->pins;
}

long gd_pool_involuntary_switches(const gd_pool *p)
{
	long s = 0;
	for (int i = 0; i < p->n; i++)
		s += atomic_load_explicit(&p->slots[i].ivcsw, memory_order_relaxed);
	return s;
}
