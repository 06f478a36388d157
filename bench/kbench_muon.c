/*
 * `gdbench kernels --what ns`: Muon's Newton-Schulz orthogonalization
 * (harness/newton_schulz.c) on every distinct 2-D shape of parameter sets,
 * each backend timed on one pinned thread against one core's FMA peak
 * measured now. Only 2-D tensors: the ones the muon rule orthogonalizes
 * (torch.optim.Muon; conv weights and 1-D tensors get AdamW, kernels/trules.h).
 * GFLOP/s uses gd_ns_flops (the GEMMs, symmetric products as a triangle).
 * Its own options and table, outside Google Benchmark: one call takes from
 * microseconds to seconds, and the table is what matters.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "gd_error.h"
#include "kbench.h"
#include "newton_schulz.h"
#include "par.h"
#include "rng.h"

void openblas_set_num_threads(int n);

static const char help[] =
	"Usage: gdbench kernels --what ns [OPTIONS]\n"
	"Time Muon's Newton-Schulz orthogonalization (5 steps of X X^T, b A + c A A, (B + a I) X\n"
	"in fp32) on each distinct 2-D shape of the parameter sets (the tensors the muon rule\n"
	"orthogonalizes, as torch.optim.Muon: conv weights and 1-D tensors get AdamW), on one thread pinned to the\n"
	"first allowed PU. Prints per shape and backend: ms per call (median), GFLOP/s of its\n"
	"GEMMs (symmetric products counted as one triangle, as ssyrk does them), the fraction of\n"
	"one core's FMA peak measured at start-up, the interquartile range of the call times\n"
	"(IQR, a percentage of the median), and the backend\n"
	"GD_NS_AUTO picked (it times one step of each backend, once per shape). OpenBLAS runs at\n"
	"1 thread.\n"
	"\n"
	"  --params LIST     parameter sets (built-in names, see 'gdbench list --kind params', or\n"
	"                    JSON files) (default: gpt2-small,bert-base,resnet50)\n"
	"  --ns-backend B    blas, own (our GEMM), auto (times what AUTO picks), or all\n"
	"                    (blas and own; default)\n"
	"  --isa LEVEL       highest ISA our GEMM and the peak probe may use: " GD_ISA_CHOICES "\n"
	"                    (default: best or GDBENCH_ISA); OpenBLAS picks its own kernels\n"
	"  --max-gflop X     skip shapes whose one call exceeds X GFLOP (default 40: about 0.5 s\n"
	"                    a call here; this skips the token embeddings, e.g. gpt2-small's\n"
	"                    50257x768 at 447 GFLOP, and llama-1b's 2048x8192 MLP at 560);\n"
	"                    0: run every shape (llama-1b then takes minutes)\n"
	"  --min-time S      seconds of repetitions per shape and backend, at least 3 (default 0.2)\n"
	"  -h, --help        this text\n";

typedef struct ns_shape {
	size_t rows, cols;
	int tensors;          /* how many tensors of the sets have it */
	const char *example;  /* one of them, "set:name" */
	char ex[160];
} ns_shape;

typedef struct ns_job {
	ns_shape *sh;
	int nsh;
	gd_ns_backend run[2];
	int nrun;
	gd_isa cap;
	double min_time, peak;
	int rc;
} ns_job;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Time backend be on shape s: calls on fresh copies of x0 until min_time
 * (at least 3); median and quartiles of the call times. */
static int time_backend(const ns_job *j, const ns_shape *s, const float *x0, float *x, float *work,
                        gd_ns_backend be, double *med, double *lo, double *hi, gd_ns_backend *used)
{
	gd_ns_opts o;
	gd_ns_opts_default(&o);
	o.backend = be;
	o.cap = j->cap;
	size_t n = s->rows * s->cols;
	double t[4096];
	int nt = 0;
	double start = gd_now();
	while (nt < 3 || (nt < 4096 && gd_now() - start < j->min_time)) {
		memcpy(x, x0, n * sizeof(float));
		double t0 = gd_now();
		int rc = gd_ns_orthogonalize(x, s->rows, s->cols, &o, work, used);
		t[nt++] = gd_now() - t0;
		if (rc)
			return rc;
	}
	qsort(t, (size_t)nt, sizeof(double), cmp_double);
	*med = t[nt / 2];
	*lo = t[nt / 4]; /* the quartiles: one preempted call does not make the spread */
	*hi = t[(3 * nt) / 4];
	return 0;
}

static void ns_worker(int tid, int nt, void *arg)
{
	(void)tid;
	(void)nt;
	ns_job *j = arg;
	for (int k = 0; k < j->nsh && !j->rc; k++) {
		const ns_shape *s = &j->sh[k];
		size_t n = s->rows * s->cols;
		float *x0 = malloc(n * sizeof(float)), *x = malloc(n * sizeof(float));
		float *work = malloc(gd_ns_work_floats(s->rows, s->cols) * sizeof(float));
		if (!x0 || !x || !work) {
			j->rc = GD_ENOMEM;
		} else {
			for (size_t i = 0; i < n; i++)
				x0[i] = (float)gd_rng_normal(42, (uint64_t)k, i);
			/* AUTO's pick first: its one-off measurement is not part of any timing */
			gd_ns_backend pick = GD_NS_AUTO;
			double med, lo, hi;
			gd_ns_opts o;
			gd_ns_opts_default(&o);
			o.cap = j->cap;
			memcpy(x, x0, n * sizeof(float));
			j->rc = gd_ns_orthogonalize(x, s->rows, s->cols, &o, work, &pick);
			double gf = gd_ns_flops(s->rows, s->cols, 5) * 1e-9;
			for (int b = 0; b < j->nrun && !j->rc; b++) {
				gd_ns_backend used;
				j->rc = time_backend(j, s, x0, x, work, j->run[b], &med, &lo, &hi, &used);
				if (j->rc)
					break;
				char shape[48], be[16];
				snprintf(shape, sizeof(shape), "%zux%zu", s->rows, s->cols);
				snprintf(be, sizeof(be), "%s%s", gd_ns_backend_name(j->run[b]),
				         j->run[b] == GD_NS_AUTO ? (used == GD_NS_OWN ? ":own" : ":blas") : "");
				printf("%-12s %7d %-9s %9.3f %8.2f %7.3f %6.1f%%  %-5s %s\n", shape, s->tensors, be, med * 1e3,
				       gf / med, gf / med / j->peak, 100 * (hi - lo) / med, gd_ns_backend_name(pick), s->example);
				fflush(stdout);
			}
		}
		free(x0), free(x), free(work);
	}
}

/* The sets' distinct 2-D shapes (the muon rule's tensors) with at most
 * max_gflop per call (0: all), in order of appearance; *skipped counts the rest. */
static int collect_shapes(const gd_param_set *sets, int nsets, double max_gflop, ns_shape **out, int *nout,
                          int *skipped, double *skipped_max)
{
	ns_shape *sh = NULL;
	int n = 0, cap = 0;
	*skipped = 0;
	*skipped_max = 0;
	for (int si = 0; si < nsets; si++)
		for (size_t t = 0; t < sets[si].ntensors; t++) {
			const gd_tensor *tn = &sets[si].t[t];
			if (tn->ndim != 2)
				continue;
			size_t rows = tn->shape[0], cols = tn->numel / rows;
			int k = 0;
			while (k < n && !(sh[k].rows == rows && sh[k].cols == cols))
				k++;
			if (k < n) {
				sh[k].tensors++;
				continue;
			}
			double gf = gd_ns_flops(rows, cols, 5) * 1e-9;
			if (max_gflop > 0 && gf > max_gflop) {
				++*skipped;
				*skipped_max = gf > *skipped_max ? gf : *skipped_max;
			} /* kept until the end, so later tensors of the shape are not counted again */
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				ns_shape *g = realloc(sh, (size_t)cap * sizeof(*sh));
				if (!g) {
					free(sh);
					return GD_ENOMEM;
				}
				sh = g;
			}
			sh[n] = (ns_shape){ rows, cols, 1, NULL, "" };
			snprintf(sh[n].ex, sizeof(sh[n].ex), "%s:%s%s", sets[si].name, tn->name,
			         max_gflop > 0 && gf > max_gflop ? " (skipped)" : "");
			n++;
		}
	/* drop the skipped ones, keeping the order */
	int m = 0;
	for (int k = 0; k < n; k++)
		if (!(max_gflop > 0 && gd_ns_flops(sh[k].rows, sh[k].cols, 5) * 1e-9 > max_gflop))
			sh[m++] = sh[k];
	for (int k = 0; k < m; k++)
		sh[k].example = sh[k].ex;
	*out = sh;
	*nout = m;
	return 0;
}

/* Whether argv asks for --what ns (then kmuon_cmd runs instead of the rest of kernels). */
int kmuon_wanted(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if ((!strcmp(argv[i], "--what") && i + 1 < argc && !strcmp(argv[i + 1], "ns")) ||
		    !strcmp(argv[i], "--what=ns"))
			return 1;
	return 0;
}

int kmuon_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "what", required_argument, NULL, 'w' },      { "params", required_argument, NULL, 'P' },
		{ "ns-backend", required_argument, NULL, 'b' }, { "isa", required_argument, NULL, 'i' },
		{ "max-gflop", required_argument, NULL, 'G' },  { "min-time", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },            { 0, 0, 0, 0 },
	};
	const char *params_arg = "gpt2-small,bert-base,resnet50", *be_arg = "all", *isa_arg = NULL;
	double max_gflop = 40, min_time = 0.2;
	int c, rc = GD_EXIT_USAGE, nsets = 0;
	gd_param_set sets[8];
	memset(sets, 0, sizeof(sets));
	gd_topo *topo = NULL;
	ns_shape *sh = NULL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'w':
			if (strcmp(optarg, "ns")) {
				rc = cli_usage("kernels", "--what: ns runs alone (--what ns); time update, grad and sparse in another call");
				goto done;
			}
			break;
		case 'P': params_arg = optarg; break;
		case 'b': be_arg = optarg; break;
		case 'i': isa_arg = optarg; break;
		case 'G':
		case 'T': {
			errno = 0;
			double v = strtod(optarg, &end);
			int ok = !*end && !errno && end != optarg && (c == 'G' ? v >= 0 && v <= 1e6 : v > 0 && v <= 3600);
			if (!ok) {
				rc = cli_usage("kernels", c == 'G' ? "--max-gflop '%s': expected GFLOP, >= 0 (0: no cap)"
				                                   : "--min-time '%s': expected seconds, > 0 and <= 3600", optarg);
				goto done;
			}
			*(c == 'G' ? &max_gflop : &min_time) = v;
			break;
		}
		case 'h': fputs(help, stdout); rc = 0; goto done;
		case ':': rc = cli_usage("kernels", "option '%s' needs a value", argv[optind - 1]); goto done;
		default:
			rc = cli_usage("kernels", "unknown option '%s' for --what ns (see --what ns --help)", argv[optind - 1]);
			goto done;
		}
	}
	if (optind < argc) {
		rc = cli_usage("kernels", "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	ns_job j = { .min_time = min_time };
	if (!strcmp(be_arg, "all")) {
		j.run[j.nrun++] = GD_NS_BLAS;
		j.run[j.nrun++] = GD_NS_OWN;
	} else if (gd_ns_backend_from_name(be_arg, &j.run[0]) == 0) {
		j.nrun = 1;
	} else {
		rc = cli_usage("kernels", "--ns-backend '%s': expected auto, blas, own or all", be_arg);
		goto done;
	}
	if (cli_isa("kernels", isa_arg, &j.cap))
		goto done;
	if ((rc = cli_params("kernels", params_arg, sets, (int)(sizeof(sets) / sizeof(sets[0])), &nsets)))
		goto done;
	rc = GD_EXIT_USAGE; /* what the checks below return */
	int skipped;
	double skipped_max;
	if (collect_shapes(sets, nsets, max_gflop, &sh, &j.nsh, &skipped, &skipped_max)) {
		rc = cli_fail("kernels", "out of memory");
		goto done;
	}
	j.sh = sh;
	if (!j.nsh) {
		if (skipped)
			rc = cli_usage("kernels", "--what ns: every 2-D shape of --params is over --max-gflop %g", max_gflop);
		else
			rc = cli_usage("kernels", "--what ns: --params has no tensor of 2 or more dimensions");
		goto done;
	}
	int trc = gd_topo_open(&topo);
	int pus[1];
	if (trc || gd_topo_plan(topo, GD_PLACE_COMPACT, 1, 0, pus)) {
		rc = cli_fail("kernels", "could not load the hardware topology or place a thread: %s",
		              gd_strerror(trc ? trc : GD_ETOPO));
		goto done;
	}
	openblas_set_num_threads(1);
	if (gd_fma_peak(topo, pus, 1, j.cap, &j.peak) || !(j.peak > 0)) {
		rc = cli_fail("kernels", "could not measure the FMA peak");
		goto done;
	}
	printf("Newton-Schulz, 5 steps, fp32, 1 thread on PU %d; FMA peak of one core at %s: %.1f GFLOP/s\n", pus[0],
	       gd_isa_name(j.cap < gd_cpu_get()->max ? j.cap : gd_cpu_get()->max), j.peak);
	if (skipped)
		printf("skipped %d shape%s over --max-gflop %g (up to %.0f GFLOP a call; --max-gflop 0 runs them)\n", skipped,
		       skipped == 1 ? "" : "s", max_gflop, skipped_max);
	printf("%-12s %7s %-9s %9s %8s %7s %7s  %-5s %s\n", "shape", "tensors", "backend", "ms/call", "GFLOP/s", "peak",
	       "IQR", "auto", "example");
	double secs;
	int prc = gd_par_run(topo, pus, 1, 0, ns_worker, &j, &secs, NULL);
	if (prc || j.rc) {
		rc = cli_fail("kernels", "--what ns: %s", gd_strerror(prc ? prc : j.rc));
		goto done;
	}
	rc = 0;
done:
	for (int i = 0; i < nsets; i++)
		gd_params_free(&sets[i]);
	free(sh);
	if (topo)
		gd_topo_close(topo);
	return rc;
}
