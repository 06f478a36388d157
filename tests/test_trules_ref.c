/*
 * The per-tensor rules against tests/ref_rules.py, an independent numpy
 * implementation from the papers' algorithm boxes: the same seeded random
 * parameter set (a 5x7 matrix, a 7-vector starting at 0, a 2x3x4 tensor, a
 * 9x4 matrix) and gradient stream, 25 steps, every registered variant this
 * CPU runs, on 1 and 2 workers (2: the per-worker partial sums).
 *
 * Tolerance: |c - ref| <= 1e-5 * (1 + |ref|) at every step and for every
 * element (Schedule-Free: w = y and the evaluation point x). The C code
 * keeps w and the state in float32 (rounding ~6e-8 relative per operation)
 * and sums in float lanes; over 25 steps the largest deviation on Zen 3 was
 * 4.1e-7 (LARS simd) and 7.3e-7 (Muon simd, through 5 Newton-Schulz
 * iterations), so the bound has a margin of >10x. An error in an equation
 * moves a value by about the step size (>= 1e-3 here) within one step.
 *
 * Usage: test_trules_ref PYTHON SCRIPT; PYTHON "none" (meson found no
 * python3 with numpy) exits 77.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optspec.h"
#include "params.h"
#include "pool.h"
#include "tstep.h"
#include "testutil.h"

#define MAXN 256
#define MAXSTEPS 25
#define TOL 1e-5

typedef struct rcase {
	char spec[512];
	double w0[MAXN], g[MAXSTEPS][MAXN], w[MAXSTEPS][MAXN], x[MAXSTEPS][MAXN];
	int has_x;
} rcase;

static gd_param_set set;
static rcase cases[8];
static int ncases, nsteps;

static void read_nums(FILE *f, double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fscanf(f, "%lf", &v[i]) != 1)
			fail_msg("short line in ref_rules.py output");
}

static int load(const char *py, const char *script)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "'%s' '%s' %d", py, script, MAXSTEPS);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char word[32];
	size_t nt;
	if (fscanf(f, "%31s %zu", word, &nt) != 2 || strcmp(word, "set") || nt > 8)
		return -1;
	set.name = strdup("ref");
	set.source = strdup("tests/ref_rules.py");
	set.ntensors = nt;
	set.t = calloc(nt, sizeof(gd_tensor));
	for (size_t k = 0; k < nt; k++) {
		gd_tensor *t = &set.t[k];
		if (fscanf(f, "%d", &t->ndim) != 1)
			return -1;
		t->numel = 1;
		for (int d = 0; d < t->ndim; d++) {
			if (fscanf(f, "%zu", &t->shape[d]) != 1)
				return -1;
			t->numel *= t->shape[d];
		}
		t->name = strdup("t");
		t->off = set.total;
		set.total += t->numel;
	}
	if (set.total > MAXN)
		return -1;
	while (fscanf(f, "%31s", word) == 1 && !strcmp(word, "case") && ncases < 8) {
		rcase *c = &cases[ncases++];
		char name[32], line[480];
		if (fscanf(f, "%31s %479[^\n]", name, line) != 2)
			return -1;
		/* "k=v k=v" as an --opt specification "name:k=v:k=v" */
		snprintf(c->spec, sizeof(c->spec), "%s:%s", name, line);
		for (char *p = c->spec; *p; p++)
			if (*p == ' ')
				*p = ':';
		int ng = 0, nw = 0;
		while (fscanf(f, "%31s", word) == 1 && strcmp(word, "end")) {
			if (!strcmp(word, "w0"))
				read_nums(f, c->w0, set.total);
			else if (!strcmp(word, "g") && ng < MAXSTEPS)
				read_nums(f, c->g[ng++], set.total);
			else if (!strcmp(word, "w") && nw < MAXSTEPS)
				read_nums(f, c->w[nw++], set.total);
			else if (!strcmp(word, "x") && nw > 0) {
				read_nums(f, c->x[nw - 1], set.total);
				c->has_x = 1;
			} else
				return -1;
		}
		if (ng != MAXSTEPS || nw != MAXSTEPS)
			return -1;
		nsteps = MAXSTEPS;
	}
	return pclose(f) == 0 && ncases > 0 ? 0 : -1;
}

typedef struct job {
	gd_topt *o;
	float *w;
	const float *g;
} job;

static gd_pool *pool2;

static void barrier(void *arg)
{
	gd_pool_barrier(arg);
}

static void run_job(int tid, int T, void *arg)
{
	(void)T;
	job *j = arg;
	gd_topt_job(j->o, tid, j->w, j->g, barrier, pool2);
}

/* Steps case c with row e on T workers; returns the largest |c - ref| / (1 + |ref|). */
static double trajectory(const rcase *c, const gd_optspec *os, const gd_trule_entry *e, int T)
{
	float w[MAXN], g[MAXN], x[MAXN];
	for (size_t i = 0; i < set.total; i++)
		w[i] = (float)c->w0[i];
	gd_topt o;
	const char *what = NULL;
	int rc = gd_topt_init(&o, os->trule, &os->hp, &set, e, T, w, &what);
	if (rc)
		fail_msg("%s: gd_topt_init: %s (%s)", e->name, gd_strerror(rc), what ? what : "");
	double worst = 0;
	for (int t = 0; t < nsteps; t++) {
		for (size_t i = 0; i < set.total; i++)
			g[i] = (float)c->g[t][i];
		if (T == 1) {
			assert_int_equal(gd_topt_step(&o, w, g, os->hp.lr), 0);
		} else {
			job j = { &o, w, g };
			gd_topt_begin(&o, os->hp.lr);
			gd_pool_run(pool2, run_job, &j);
			assert_int_equal(o.rc, 0);
		}
		gd_topt_eval_point(&o, w, x);
		for (size_t i = 0; i < set.total; i++) {
			double d = fabs(w[i] - c->w[t][i]) / (1 + fabs(c->w[t][i]));
			double dx = c->has_x ? fabs(x[i] - c->x[t][i]) / (1 + fabs(c->x[t][i])) : 0;
			d = d > dx ? d : dx;
			if (!(d <= TOL))
				fail_msg("%s T=%d step %d element %zu: got w %.9g x %.9g, reference w %.9g x %.9g", e->name, T,
				         t + 1, i, w[i], x[i], c->w[t][i], c->has_x ? c->x[t][i] : w[i]);
			worst = d > worst ? d : worst;
		}
	}
	gd_topt_free(&o);
	return worst;
}

static void test_against_reference(void **unused)
{
	(void)unused;
	gd_isa cap = tu_cap();
	int rules_seen[GD_NTRULES] = { 0 };
	for (int k = 0; k < ncases; k++) {
		gd_optspec os;
		char err[256];
		if (gd_optspec_parse(cases[k].spec, &os, err, sizeof(err)))
			fail_msg("%s: %s", cases[k].spec, err);
		assert_int_equal(os.kind, GD_OPT_TENSOR);
		rules_seen[os.trule] = 1;
		for (size_t i = 0; i < gd_trule_count; i++) {
			const gd_trule_entry *e = &gd_trule_table[i];
			if (e->rule != os.trule || e->isa > cap)
				continue;
			double w1 = trajectory(&cases[k], &os, e, 1), w2 = trajectory(&cases[k], &os, e, 2);
			printf("  %-22s worst |c - ref|/(1 + |ref|): 1 worker %.2e, 2 workers %.2e\n", e->name, w1, w2);
		}
	}
	for (int r = 0; r < GD_NTRULES; r++)
		if (!rules_seen[r])
			fail_msg("ref_rules.py has no case for %s", gd_trule_name((gd_trule)r));
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: test_trules_ref PYTHON SCRIPT\n");
		return 2;
	}
	if (!strcmp(argv[1], "none")) {
		printf("SKIP: no python3 with numpy (Debian: python3-numpy)\n");
		return 77;
	}
	if (load(argv[1], argv[2])) {
		printf("could not read the output of %s %s\n", argv[1], argv[2]);
		return 1;
	}
	int bad = 0;
	if (gd_pool_create(NULL, NULL, 2, 0, 0, &pool2, &bad)) {
		printf("could not start 2 workers\n");
		return 1;
	}
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_against_reference) };
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	gd_pool_destroy(pool2);
	gd_params_free(&set);
	return rc;
}
