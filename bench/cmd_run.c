/*
 * `gdbench run`: convergence runs, the cross product of optimizers x modes x
 * thread counts x repetitions, on one problem. The result file is rewritten
 * atomically after every run, so an interrupted suite keeps what it measured.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "cli.h"
#include "clock.h"
#include "dataset.h"
#include "gd_error.h"
#include "jsonfile.h"
#include "optspec.h"
#include "registry.h"
#include "results.h"
#include "roofline.h"
#include "run_mpi.h"
#include "suite.h"
#include "train.h"

void openblas_set_num_threads(int n);

static const char help[] =
	"Usage: gdbench run [OPTIONS]\n"
	"Train a model with each optimizer x mode x thread count and record the training loss\n"
	"against training wall-clock time (evaluations excluded) in a JSON result file.\n"
	"\n"
	"Problem\n"
	"  --model NAME      lsq, logistic, softmax, svm, mlp (alias --problem; default: softmax,\n"
	"                    or lsq for regression data)\n"
	"  --data SPEC       fashion-mnist (default; test split t10k), libsvm:PATH[:features=D],\n"
	"                    synth-regression[:n=N:d=D:kappa=K:noise=S], synth-blobs[:n=N:d=D:c=C:spread=S]\n"
	"  --test-data SPEC  a test split for libsvm data (libsvm:PATH); --no-test drops any\n"
	"  --data-dir DIR    where the Fashion-MNIST files are (default " GD_FASHION_MNIST_DIR ")\n"
	"  --storage S       libsvm rows: auto (CSR when under 25% nonzero or over 1 GiB dense),\n"
	"                    dense, csr; CSR runs lsq, logistic and softmax with L2 only\n"
	"  --sparse-update U CSR data: lazy (default: only the batch's coordinates; exact for sgd,\n"
	"                    and adagrad without decay) or dense (every parameter every step)\n"
	"  --hidden H        MLP hidden width (default 128)\n"
	"  --l1 X --l2 X     penalty on the weights, part of the loss (default 0)\n"
	"Optimizers and modes\n"
	"  --opt LIST        name[:key=value...] separated by commas, may repeat; torch.optim names:\n"
	"                    --opt sgd:lr=0.1,sgd:lr=0.05:momentum=0.9,adam:lr=1e-3:betas=0.9/0.999\n"
	"                    plus lbfgs[:m=10] and newton (full mode only). Default: sgd:lr=0.1\n"
	"                    Sweeps: a value may be a list lr=0.01|0.03|0.1 or a grid\n"
	"                    lr=1e-4..1e-1:log8 (or :linN); several give their cross product\n"
	"  --mode LIST       full, minibatch:B, sample, hogwild:B (default minibatch:128); hogwild:\n"
	"                    T workers each run minibatch SGD on the shared parameters, lock-free\n"
	"                    (hogwild-locked:B: the updates under one mutex, for comparison);\n"
	"                    mpi:full, mpi:minibatch:B under mpirun: each rank holds a contiguous\n"
	"                    shard of the rows, gradients are summed with MPI_Allreduce\n"
	"  --bucket-mb X     mpi: sum the gradient in pieces of X MiB (default: one fused buffer)\n"
	"  --schedule SPEC   const, step[:step_size=N:gamma=G], exp[:k=K], invt[:k=K], quad, plateau\n"
	"                    [:factor=F:patience=P], any with :warmup=W (steps; default const)\n"
	"  --clip X          clip the gradient to global norm X\n"
	"  --noise ETA[:G]   gradient noise with variance ETA/(1+t)^G (G default 0.55)\n"
	;
/* in two parts: C99 promises string literals of 4095 characters only */
static const char help2[] =
	"Threads and kernels\n"
	"  --threads LIST    e.g. 1,2 (default 1); data-parallel inside a step\n"
	"  --placement P     compact, scatter, none, or a PU list like 0,1 (default compact)\n"
	"  --oversubscribe   allow more threads than allowed PUs\n"
	"  --strict-pin      a failed bind is an error, not a warning\n"
	"  --isa LEVEL       " GD_ISA_CHOICES " (default best, capped by GDBENCH_ISA)\n"
	"  --impl LIST       gradient kernel: best, simd, blas, scalar (default best)\n"
	"Budget and trace\n"
	"  --time T          training-time budget per run: 5s, 500ms, 2m\n"
	"  --epochs N        epoch budget per run (default 5 when no --time)\n"
	"  --target LIST     training losses to time, e.g. 0.45,0.40; a run stops when all are met\n"
	"  --eval-every E    evaluate the full training loss every epoch (default), every N steps\n"
	"                    ('100steps') or every S seconds of training time ('0.5s')\n"
	"  --seed S          one seed per run: data order, initialization, noise (default 1)\n"
	"  --repeat R        repeat every configuration R times (default 1)\n"
	"Output\n"
	"  -o, --out PATH    result JSON (results/schema.json); rewritten atomically after each run\n"
	"  --force           overwrite PATH if it exists\n"
	"  --append          add the runs to PATH, an existing result file (suites use this)\n"
	"  --suite FILE      run the groups of a suite file (bench/suites/*.json); other flags apply\n"
	"                    to every group unless the group sets them\n"
	"  --quiet           no progress line\n"
	"  --no-roofline     do not measure bandwidth and FMA peak for the context (saves ~2 s)\n"
	"  --keep-params     store each run's final parameters in the file (\"final_params\")\n"
	"  -h, --help        this text\n"
	"\n"
	"Ctrl-C (SIGINT) or SIGTERM ends the current run at its next step; the file keeps every\n"
	"finished run plus the interrupted one (status \"interrupted\"); exit status 130 / 143.\n";

static volatile sig_atomic_t stop_signal;
static const char *me = "run";

void cmd_run_as(const char *name)
{
	me = name;
}

int cmd_run(int argc, char **argv);
static int run_suite(const char *file, int argc, char **argv, const char *out, int force);

static void on_signal(int sig)
{
	stop_signal = sig;
}

typedef struct mode_spec {
	gd_mode mode;
	size_t batch;
	int mpi; /* mpi:full, mpi:minibatch:B */
	int lock; /* hogwild-locked:B */
	char label[32];
} mode_spec;

static int parse_modes(const char *list, mode_spec *out, int max, int *n, char *err, size_t errlen)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	*n = 0;
	for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		if (*n >= max)
			return snprintf(err, errlen, "too many modes"), -1;
		mode_spec *m = &out[(*n)++];
		*m = (mode_spec){ .mode = GD_MODE_FULL, .batch = 0 }; /* full has no batch: 0, never garbage */
		snprintf(m->label, sizeof(m->label), "%s", w);
		if (!strncmp(w, "mpi:", 4)) {
			m->mpi = 1;
			w += 4;
			if (strncmp(w, "full", 4) && strncmp(w, "minibatch", 9))
				return snprintf(err, errlen, "mode '%s': expected mpi:full or mpi:minibatch:B", m->label), -1;
		}
		char *colon = strchr(w, ':');
		if (colon)
			*colon = 0;
		if (!strcmp(w, "full") && !colon) {
			m->mode = GD_MODE_FULL;
		} else if (!strcmp(w, "sample") && !colon) {
			m->mode = GD_MODE_SAMPLE;
			m->batch = 1;
		} else if (!strcmp(w, "minibatch") || !strcmp(w, "hogwild") || !strcmp(w, "hogwild-locked")) {
			char *end;
			unsigned long b = colon ? strtoul(colon + 1, &end, 10) : 0;
			if (!colon || end == colon + 1 || *end || b < 1 || colon[1] == '-')
				return snprintf(err, errlen, "mode '%s': expected %s:B with a batch size B >= 1", m->label, w), -1;
			m->mode = !strncmp(w, "hogwild", 7) ? GD_MODE_HOGWILD : GD_MODE_MINIBATCH;
			m->lock = !strcmp(w, "hogwild-locked");
			m->batch = b;
		} else {
			return snprintf(err, errlen, "unknown mode '%s' (expected full, minibatch:B, sample, hogwild:B, "
			                "hogwild-locked:B, mpi:full, mpi:minibatch:B)", m->label), -1;
		}
	}
	return *n ? 0 : (snprintf(err, errlen, "empty --mode list"), -1);
}

/* key=value options of a synthetic dataset spec */
static int synth_opt(const char *opts, const char *key, double *v)
{
	char pat[32];
	snprintf(pat, sizeof(pat), ":%s=", key);
	const char *p = strstr(opts, pat);
	if (!p)
		return 0;
	char *end;
	*v = strtod(p + strlen(pat), &end);
	return (*end && *end != ':') || !isfinite(*v) ? -1 : 0;
}

/* Load spec; part/nparts: keep only that contiguous shard of the rows (MPI ranks). */
static int load_data(const char *spec, const char *dir, int regression, int part, int nparts, gd_storage storage,
                     size_t features, gd_dataset *ds, char *what, size_t wl, char *err, size_t errlen)
{
	gd_dataerr e = { .line = -1, .column = -1, .offset = -1 };
	int rc;
	snprintf(what, wl, "%s", spec);
	if (!strcmp(spec, "fashion-mnist") || !strcmp(spec, "fashion-mnist:t10k")) {
		/* converts only its shard's rows; the other sources are cut after loading */
		rc = gd_fashion_mnist_load_shard(dir, strchr(spec, ':') ? "t10k" : "train", part, nparts, ds, &e);
		snprintf(what, wl, "fashion-mnist/%s", strchr(spec, ':') ? "t10k" : "train");
	} else if (!strncmp(spec, "libsvm:", 7)) {
		char path[4096];
		snprintf(path, sizeof(path), "%s", spec + 7);
		char *fe = strstr(path, ":features=");
		if (fe) {
			char *end;
			unsigned long long v = strtoull(fe + 10, &end, 10);
			if (*end || v < 1 || v > (1ull << 28))
				return snprintf(err, errlen, "--data '%s': features must be 1..2^28", spec), GD_EXIT_USAGE;
			features = (size_t)v;
			*fe = 0;
		}
		rc = gd_libsvm_load_as(path, regression, features, storage, ds, &e);
	} else if (!strncmp(spec, "synth-regression", 16) && (!spec[16] || spec[16] == ':')) {
		double n = 10000, d = 50, kappa = 100, noise = 0.1;
		if (synth_opt(spec, "n", &n) || synth_opt(spec, "d", &d) || synth_opt(spec, "kappa", &kappa) ||
		    synth_opt(spec, "noise", &noise))
			return snprintf(err, errlen, "--data '%s': bad number in the options", spec), GD_EXIT_USAGE;
		rc = gd_synth_regression((size_t)n, (size_t)d, kappa, noise, 1, ds, NULL);
		if (rc == GD_EINVAL)
			return snprintf(err, errlen, "--data '%s': need n, d >= 1, kappa >= 1, noise >= 0", spec), GD_EXIT_USAGE;
	} else if (!strncmp(spec, "synth-blobs", 11) && (!spec[11] || spec[11] == ':')) {
		double n = 10000, d = 20, c = 4, spread = 2;
		if (synth_opt(spec, "n", &n) || synth_opt(spec, "d", &d) || synth_opt(spec, "c", &c) ||
		    synth_opt(spec, "spread", &spread))
			return snprintf(err, errlen, "--data '%s': bad number in the options", spec), GD_EXIT_USAGE;
		rc = gd_synth_blobs((size_t)n, (size_t)d, (size_t)c, spread, 1, ds);
		if (rc == GD_EINVAL)
			return snprintf(err, errlen, "--data '%s': need n, d >= 1, c >= 2, spread >= 0", spec), GD_EXIT_USAGE;
	} else {
		return snprintf(err, errlen,
		                "--data '%s': expected fashion-mnist, libsvm:PATH, synth-regression[:...] or synth-blobs[:...]",
		                spec), GD_EXIT_USAGE;
	}
	if (rc) {
		if (e.line > 0)
			snprintf(err, errlen, "%s:%ld:%ld: %s", e.file, e.line, e.column, e.msg);
		else if (e.offset >= 0)
			snprintf(err, errlen, "%s: byte %ld: %s", e.file, e.offset, e.msg);
		else
			snprintf(err, errlen, "%s: %s", e.file[0] ? e.file : spec, e.msg[0] ? e.msg : gd_strerror(rc));
		return GD_EXIT_FAIL;
	}
	if (nparts > 1 && ds->n_all == ds->n && gd_dataset_shard(ds, part, nparts)) {
		snprintf(err, errlen, "--data '%s': %zu rows cannot be split into %d non-empty shards", spec, ds->n, nparts);
		gd_dataset_free(ds);
		return GD_EXIT_USAGE;
	}
	return 0;
}

typedef struct progress {
	int quiet, index, total;
	const char *opt, *mode;
	int threads;
	const gd_run_cfg *cfg;
	double t_start;
} progress;

static void show_progress(void *user, const gd_trace_row *row)
{
	progress *p = user;
	if (p->quiet)
		return;
	double eta = NAN;
	if (p->cfg->time_budget > 0)
		eta = p->cfg->time_budget - row->train_s;
	else if (p->cfg->max_epochs > 0 && row->epoch > 0)
		eta = (gd_now() - p->t_start) * ((double)p->cfg->max_epochs / row->epoch - 1);
	fprintf(stderr, "\r\033[K[%d/%d] %s %s T=%d  epoch %.2f  loss %.5g  train %.2fs  ETA %s", p->index, p->total,
	        p->opt, p->mode, p->threads, row->epoch, row->loss, row->train_s, isfinite(eta) ? "" : "?");
	if (isfinite(eta))
		fprintf(stderr, "%.0fs", eta > 0 ? eta : 0);
	fflush(stderr);
}

static char *join_args(int argc, char **argv)
{
	size_t len = 16;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "gdbench");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* Suites (suite.h): every group runs as one `run` with --append to the same
 * file, after the whole suite has been checked. */
static int run_suite(const char *file, int argc, char **argv, const char *out, int force)
{
	json_error_t e;
	json_t *s = json_load_file(file, 0, &e);
	if (!s && e.line < 0)
		return cli_usage(me, "--suite: %s", e.text);
	if (!s)
		return cli_usage(me, "--suite %s:%d:%d: %s", file, e.line, e.column, e.text);
	if (!out) {
		json_decref(s);
		return cli_usage(me, "--suite needs --out PATH");
	}
	if (!force && access(out, F_OK) == 0) {
		json_decref(s);
		return cli_usage(me, "'%s' exists; use --force to overwrite it", out);
	}
	/* our own flags, less --suite/--out/--force, go in front of every group's */
	char *base[SUITE_MAX_ARGS];
	int nb = 0;
	for (int i = 1; i < argc && nb < SUITE_MAX_ARGS; i++) {
		if (!strcmp(argv[i], "--suite") || !strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--suite=", 8) || !strncmp(argv[i], "--out=", 6) || !strcmp(argv[i], "--force"))
			continue;
		base[nb++] = argv[i];
	}
	suite_plan *plan = malloc(sizeof(*plan));
	char err[512];
	int rc = !plan ? cli_fail(me, "out of memory") : 0;
	if (!rc && suite_expand(s, base, nb, plan, err, sizeof(err)))
		rc = cli_usage(me, "--suite %s: %s", file, err);
	json_decref(s);
	if (!rc && force)
		unlink(out);
	for (int gi = 0; !rc && gi < plan->ngroups; gi++) {
		char **av = plan->argv[gi];
		int ac = plan->argc[gi];
		av[ac++] = "--out"; /* suite_expand leaves room for these */
		av[ac++] = (char *)out;
		av[ac++] = "--append";
		av[ac] = NULL;
		fprintf(stderr, "gdbench run: suite %s: group %d of %d\n", file, gi + 1, plan->ngroups);
		rc = cmd_run(ac, av);
	}
	free(plan);
	return rc;
}

#define MAX_OPTS 256 /* settings after sweep expansion */
#define MAX_MODES 8
#define MAX_THREADS 16

/* MPI stays open for the whole command once a mode asks for it (MPI_Init once per process). */
static gd_comm comm;
static int comm_open;

static int run_main(int argc, char **argv);

int cmd_run(int argc, char **argv)
{
	int rc = run_main(argc, argv);
	if (comm_open && !strcmp(me, "run")) { /* tune and suites call run again: close at the very end */
		gd_comm_mpi_close(&comm, 0);
		comm_open = 0;
	}
	return rc;
}

static int run_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },     { "problem", required_argument, NULL, 'm' },
		{ "data", required_argument, NULL, 'D' },      { "test-data", required_argument, NULL, 'E' },
		{ "no-test", no_argument, NULL, 'N' },         { "data-dir", required_argument, NULL, 'R' },
		{ "hidden", required_argument, NULL, 'H' },    { "l1", required_argument, NULL, '1' },
		{ "l2", required_argument, NULL, '2' },        { "opt", required_argument, NULL, 'O' },
		{ "mode", required_argument, NULL, 'M' },      { "schedule", required_argument, NULL, 'S' },
		{ "clip", required_argument, NULL, 'C' },      { "noise", required_argument, NULL, 'Z' },
		{ "threads", required_argument, NULL, 't' },   { "placement", required_argument, NULL, 'P' },
		{ "oversubscribe", no_argument, NULL, 'V' },   { "strict-pin", no_argument, NULL, 'X' },
		{ "isa", required_argument, NULL, 'i' },       { "impl", required_argument, NULL, 'I' },
		{ "time", required_argument, NULL, 'T' },      { "epochs", required_argument, NULL, 'e' },
		{ "target", required_argument, NULL, 'g' },    { "eval-every", required_argument, NULL, 'v' },
		{ "seed", required_argument, NULL, 's' },      { "repeat", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },       { "force", no_argument, NULL, 'F' },
		{ "quiet", no_argument, NULL, 'q' },           { "help", no_argument, NULL, 'h' },
		{ "append", no_argument, NULL, 'A' },          { "suite", required_argument, NULL, 'U' },
		{ "no-roofline", no_argument, NULL, 'L' },     { "bucket-mb", required_argument, NULL, 'K' },
		{ "keep-params", no_argument, NULL, 'W' },      { "storage", required_argument, NULL, 'G' },
		{ "sparse-update", required_argument, NULL, 'Y' },
		{ 0, 0, 0, 0 },
	};
	const char *model_arg = NULL, *data_arg = "fashion-mnist", *test_arg = NULL, *dir = NULL, *sched_arg = "const";
	const char *mode_arg = "minibatch:128", *thr_arg = "1", *place_arg = "compact", *isa_arg = NULL, *impl_arg = "best";
	const char *target_arg = NULL, *eval_arg = "epoch", *out_path = NULL;
	char optlist[8192] = "";
	int no_test = 0, over = 0, strict = 0, force = 0, append = 0, quiet = !isatty(2), roofline = 1, c, li = -1;
	int keep_params = 0, sparse_dense = 0;
	gd_storage storage = GD_STORE_AUTO;
	const char *suite = NULL;
	long hidden = 128, epochs = 0, repeat = 1;
	double l1 = 0, l2 = 0, time_budget = 0, clip = 0, noise_eta = 0, noise_gamma = 0.55, bucket_mb = 0;
	unsigned long long seed = 1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", opts, &li)) != -1) {
		char *end = NULL;
		int bad = 0;
		errno = 0;
		switch (c) {
		case 'm': model_arg = optarg; break;
		case 'D': data_arg = optarg; break;
		case 'E': test_arg = optarg; break;
		case 'N': no_test = 1; break;
		case 'R': dir = optarg; break;
		case 'H': hidden = strtol(optarg, &end, 10); bad = *end || hidden < 1 || hidden > 65536; break;
		case '1': l1 = strtod(optarg, &end); bad = *end || !(l1 >= 0) || !isfinite(l1); break;
		case '2': l2 = strtod(optarg, &end); bad = *end || !(l2 >= 0) || !isfinite(l2); break;
		case 'O':
			if (strlen(optlist) + strlen(optarg) + 2 >= sizeof(optlist))
				return cli_usage(me, "--opt: too many optimizers");
			if (*optlist)
				strcat(optlist, ",");
			strcat(optlist, optarg);
			break;
		case 'M': mode_arg = optarg; break;
		case 'S': sched_arg = optarg; break;
		case 'C': clip = strtod(optarg, &end); bad = *end || !(clip > 0) || !isfinite(clip); break;
		case 'Z':
			noise_eta = strtod(optarg, &end);
			if (*end == ':')
				noise_gamma = strtod(end + 1, &end);
			bad = *end || !(noise_eta > 0) || !(noise_gamma >= 0) || !isfinite(noise_eta + noise_gamma);
			break;
		case 't': thr_arg = optarg; break;
		case 'P': place_arg = optarg; break;
		case 'V': over = 1; break;
		case 'X': strict = 1; break;
		case 'i': isa_arg = optarg; break;
		case 'I': impl_arg = optarg; break;
		case 'T': bad = cli_duration(optarg, &time_budget); break;
		case 'e': epochs = strtol(optarg, &end, 10); bad = *end || epochs < 1 || epochs > 1000000; break;
		case 'g': target_arg = optarg; break;
		case 'v': eval_arg = optarg; break;
		case 's': seed = strtoull(optarg, &end, 10); bad = *end || errno || optarg[0] == '-'; break;
		case 'r': repeat = strtol(optarg, &end, 10); bad = *end || repeat < 1 || repeat > 1000; break;
		case 'o': out_path = optarg; break;
		case 'F': force = 1; break;
		case 'q': quiet = 1; break;
		case 'A': append = 1; break;
		case 'L': roofline = 0; break;
		case 'W': keep_params = 1; break;
		case 'G':
			bad = strcmp(optarg, "auto") && strcmp(optarg, "dense") && strcmp(optarg, "csr");
			storage = !strcmp(optarg, "csr") ? GD_STORE_CSR : !strcmp(optarg, "dense") ? GD_STORE_DENSE : GD_STORE_AUTO;
			break;
		case 'Y':
			bad = strcmp(optarg, "lazy") && strcmp(optarg, "dense");
			sparse_dense = !strcmp(optarg, "dense");
			break;
		case 'K': bad = !((bucket_mb = strtod(optarg, &end)) > 0 && bucket_mb <= 4096) || *end; break;
		case 'U': suite = optarg; break;
		case 'h': fputs(help, stdout); fputs(help2, stdout); return 0;
		case ':': return cli_usage(me, "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage(me, "unknown option '%s'", argv[optind - 1]);
		}
		if (bad)
			return cli_usage(me, "--%s '%s': out of range or not a number (see --help)",
			                 li >= 0 ? opts[li].name : "?", optarg);
	}
	if (optind < argc)
		return cli_usage(me, "unexpected argument '%s'", argv[optind]);
	if (suite)
		return run_suite(suite, argc, argv, out_path, force);

	/* --- everything that can be checked before loading data --- */
	char err[1024];
	gd_optspec specs[MAX_OPTS];
	int nspec;
	if (gd_optspec_parse_list(*optlist ? optlist : "sgd:lr=0.1", specs, MAX_OPTS, &nspec, err, sizeof(err)))
		return cli_usage(me, "--opt: %s", err);
	mode_spec modes[MAX_MODES];
	int nmode;
	if (parse_modes(mode_arg, modes, MAX_MODES, &nmode, err, sizeof(err)))
		return cli_usage(me, "--mode: %s", err);
	int nmpi = 0;
	for (int m = 0; m < nmode; m++)
		nmpi += modes[m].mpi;
	if (nmpi && nmpi < nmode)
		return cli_usage(me, "--mode %s: mpi modes run under mpirun on every rank; do not mix them with "
		                 "single-process modes", mode_arg);
	if (bucket_mb > 0 && !nmpi)
		return cli_usage(me, "--bucket-mb applies to mpi modes only");
	if (nmpi && !comm_open) {
		int crc = gd_comm_mpi_open(NULL, NULL, &comm);
		if (crc == GD_ENOTSUP)
			return cli_usage(me, "--mode %s: MPI support is not built in (install libopenmpi-dev and rebuild: "
			                 "meson setup --reconfigure build -Dmpi=enabled)", mode_arg);
		if (crc)
			return cli_fail(me, "--mode %s: MPI_Init failed", mode_arg);
		comm_open = 1;
	}
	gd_comm *cm = nmpi ? &comm : NULL;
	if (cm) {
		cm->bucket_floats = (size_t)(bucket_mb * 1048576.0 / sizeof(float));
		if (cm->rank != 0)
			quiet = 1; /* rank 0 prints and writes */
	}
	gd_schedule sched;
	const char *bad;
	if (gd_schedule_parse(&sched, sched_arg, &bad))
		return cli_usage(me, "--schedule '%s': problem at '%s' (see --help)", sched_arg, bad);
	gd_isa cap;
	if (cli_isa(me, isa_arg, &cap))
		return GD_EXIT_USAGE;
	unsigned impls;
	char bad_impl[32];
	if (gd_impl_parse(impl_arg, &impls, bad_impl, sizeof(bad_impl)) || (impls & (1u << GD_IMPL_AUTO)))
		return cli_usage(me, "--impl: '%s' is not a gradient implementation; expected best, simd, blas, scalar",
		                 impl_arg);
	double targets[GD_MAX_TARGETS];
	int ntarget = 0;
	if (target_arg) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", target_arg);
		for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
			char *end;
			double t = strtod(w, &end);
			if (*end || !(t >= 0 && t < INFINITY) || ntarget >= GD_MAX_TARGETS)
				return cli_usage(me, "--target '%s': expected up to %d losses >= 0 separated by commas", target_arg,
				                 GD_MAX_TARGETS);
			targets[ntarget++] = t;
		}
	}
	long eval_steps = 0;
	double eval_secs = 0;
	if (strcmp(eval_arg, "epoch")) {
		char *end;
		double v = strtod(eval_arg, &end);
		if (!strcmp(end, "steps") && v >= 1 && v == floor(v))
			eval_steps = (long)v;
		else if (cli_duration(eval_arg, &eval_secs))
			return cli_usage(me, "--eval-every '%s': expected epoch, N steps ('100steps') or seconds ('0.5s')",
			                 eval_arg);
	}
	if (!epochs && !(time_budget > 0))
		epochs = 5;
	if (out_path && !force && !append && access(out_path, F_OK) == 0)
		return cli_usage(me, "'%s' exists; use --force to overwrite it (or --append to add to it)", out_path);
	if (append && !out_path)
		return cli_usage(me, "--append needs --out PATH");

	gd_topo *topo = NULL;
	int rc = gd_topo_open(&topo);
	if (rc)
		return cli_fail(me, "could not load the hardware topology: %s", gd_strerror(rc));
	int npu = gd_topo_npu(topo), threads[MAX_THREADS], nthr;
	if (cli_int_list(thr_arg, 1, over ? 1024 : npu, threads, MAX_THREADS, &nthr)) {
		gd_topo_close(topo);
		return cli_usage(me, "--threads '%s': expected counts from 1 to %d (the PUs this process may use; "
		                 "--oversubscribe allows more)", thr_arg, npu);
	}
	for (int m = 0; m < nmode; m++) {
		for (int t = 0; t < nthr; t++)
			if (modes[m].mode == GD_MODE_SAMPLE && threads[t] > 1) {
				gd_topo_close(topo);
				return cli_usage(me, "mode sample runs on one thread (asked for %d); for concurrent per-sample "
				                 "SGD use hogwild:1", threads[t]);
			}
		for (int s = 0; s < nspec; s++)
			if (specs[s].kind != GD_OPT_FIRST_ORDER && modes[m].mode != GD_MODE_FULL) {
				gd_topo_close(topo);
				return cli_usage(me, "%s runs in full mode only (got --mode %s)", specs[s].label, modes[m].label);
			}
	}
	int custom_pus[MAX_THREADS], ncustom = 0;
	gd_place place = GD_PLACE_COMPACT;
	if (!strcmp(place_arg, "scatter"))
		place = GD_PLACE_SCATTER;
	else if (!strcmp(place_arg, "none"))
		place = GD_PLACE_NONE;
	else if (strcmp(place_arg, "compact") && cli_int_list(place_arg, 0, 1 << 20, custom_pus, MAX_THREADS, &ncustom)) {
		gd_topo_close(topo);
		return cli_usage(me, "--placement '%s': expected compact, scatter, none or a PU list like 0,1", place_arg);
	}
	for (int i = 0; i < ncustom; i++)
		if (!gd_topo_has_pu(topo, custom_pus[i])) {
			gd_topo_close(topo);
			return cli_usage(me, "--placement: PU %d is not one this process may use (%d allowed; see 'gdbench info')",
			                 custom_pus[i], npu);
		}

	/* from here on a signal ends the work at the next step, or before the first
	 * run (a background job from a script starts with SIGINT ignored) */
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* --- data --- */
	gd_dataset train = { 0 }, test = { 0 };
	char train_name[128], test_name[128];
	int regression = model_arg && !strcmp(model_arg, "lsq");
	if (!model_arg && !strncmp(data_arg, "synth-regression", 16))
		regression = 1;
	rc = load_data(data_arg, dir, regression, cm ? cm->rank : 0, cm ? cm->size : 1, storage, 0, &train, train_name,
	               sizeof(train_name), err, sizeof(err));
	int have_test = 0, test_rc = 0;
	if (!rc && !no_test && (test_arg || !strcmp(data_arg, "fashion-mnist")) && (!cm || cm->rank == 0)) {
		char terr[sizeof(err)];
		/* the test split is rank 0's alone: only it evaluates test metrics */
		/* the training set's storage and width: a test file may not use the last features */
		test_rc = load_data(test_arg ? test_arg : "fashion-mnist:t10k", dir, regression, 0, 1,
		                    train.rowptr ? GD_STORE_CSR : GD_STORE_DENSE, train.d, &test, test_name,
		                    sizeof(test_name), terr, sizeof(terr));
		have_test = !test_rc;
		if (test_rc)
			snprintf(err, sizeof(err), "--test-data: %.1000s", terr);
		else if (test.d != train.d) {
			test_rc = GD_EXIT_FAIL;
			snprintf(err, sizeof(err), "test data has %zu features, training data %zu", test.d, train.d);
		}
		rc = test_rc;
	}
	if (cm) { /* one rank's bad path or memory stops every rank, each saying which and why */
		char why_rank[512];
		if (run_mpi_agree(cm, rc, err, why_rank, sizeof(why_rank)) >= 0) {
			rc = cli_fail(me, "[rank %d] stopping: %s", cm->rank, why_rank);
			goto done_data;
		}
	}
	if (rc) {
		rc = rc == GD_EXIT_USAGE ? cli_usage(me, "%s", err) : cli_fail(me, "%s", err);
		goto done_data;
	}
	int mk = model_arg ? gd_model_from_name(model_arg) : (train.y ? GD_MODEL_LSQ : GD_MODEL_SOFTMAX);
	const char *why = NULL;
	gd_model model = { .kind = (gd_model_kind)(mk < 0 ? 0 : mk), .d = train.d, .l1 = l1, .l2 = l2 };
	if (mk >= 0) {
		model.c = mk == GD_MODEL_LSQ || mk == GD_MODEL_LOGISTIC ? 1 : train.c;
		model.h = mk == GD_MODEL_MLP ? (size_t)hidden : 0;
	}
	if (mk < 0 || (mk == GD_MODEL_LSQ) != (train.y != NULL) || (mk == GD_MODEL_LOGISTIC && train.c != 2) ||
	    gd_model_check(&model, &why)) {
		rc = cli_usage(me, "--model '%s' does not fit the data (%s, %zu classes)%s%s",
		               model_arg ? model_arg : "?", train.y ? "regression targets" : "class labels", train.c,
		               why ? ": " : "", why ? why : "");
		goto done_data;
	}
	if (train.rowptr) { /* what the CSR path runs (gd_train refuses the rest) */
		const char *no = !gd_model_has_csr(model.kind) ? "the model (CSR kernels: lsq, logistic, softmax)"
		                 : l1 > 0 ? "--l1 (lazy steps need a penalty that vanishes with the gradient: use --l2)"
		                 : noise_eta > 0 ? "--noise" : clip > 0 ? "--clip" : cm ? "mpi modes" : NULL;
		for (int s = 0; s < nspec && !no; s++)
			if (specs[s].kind != GD_OPT_FIRST_ORDER)
				no = "lbfgs and newton";
		if (no) {
			rc = cli_usage(me, "%s: sparse (CSR) data does not support %s; --storage dense densifies it",
			               train_name, no);
			goto done_data;
		}
	}
	for (int m = 0; m < nmode; m++)
		if (modes[m].batch > train.n_all) {
			rc = cli_usage(me, "mode %s: batch %zu is larger than the %zu training rows", modes[m].label,
			               modes[m].batch, train.n_all);
			goto done_data;
		}

	/* --- output and context --- */
	openblas_set_num_threads(1); /* kernels run inside our workers: never oversubscribe (recorded below) */
	gd_build_info binfo = cli_build_info();
	json_t *ctx = gd_context_new(topo, cap, &binfo);
	if (ctx)
		json_object_set_new(ctx, "openblas_threads_used", json_integer(1));
	/* the roofline of this machine now, on 1 and on the most threads asked for */
	if (ctx && cm) {
		json_object_set_new(ctx, "mpi_ranks", json_integer(cm->size));
		json_object_set_new(ctx, "mpi_library", json_string(cm->library));
	}
	if (cm && cm->rank != 0)
		roofline = 0; /* measured on rank 0 only: the file is rank 0's */
	for (int k = 0, tmax = 1; roofline && ctx && k < 2; k++) {
		for (int t = 0; t < nthr; t++)
			tmax = threads[t] > tmax ? threads[t] : tmax;
		int T = k == 0 ? 1 : tmax, pus[1024];
		if (k == 1 && tmax == 1)
			break;
		gd_roofline rl;
		if (gd_topo_plan(topo, GD_PLACE_COMPACT, T, over, pus) == 0 &&
		    gd_roofline_measure(topo, pus, T, GD_ISA_TOP, (size_t)256 << 20, &rl) == 0) {
			char key[32];
			snprintf(key, sizeof(key), "roofline_%dt", T);
			gd_context_add_roofline(ctx, key, &rl);
		}
	}
	char *cmdline = join_args(argc, argv);
	json_t *doc = NULL;
	if (append && access(out_path, F_OK) == 0) {
		json_error_t jerr;
		doc = json_load_file(out_path, 0, &jerr);
		if (!doc || !json_is_array(json_object_get(doc, "runs"))) {
			json_decref(doc);
			json_decref(ctx);
			free(cmdline);
			rc = cli_fail(me, "--append: '%s' is not a gdbench result file (%s)", out_path, doc ? "no runs" : jerr.text);
			goto done_data;
		}
	} else {
		doc = gd_results_new(ctx, cmdline);
	}
	json_decref(ctx);
	free(cmdline);
	json_t *runs = json_object_get(doc, "runs");
	if (cm && cm->rank != 0)
		out_path = NULL;
	if (out_path) { /* fail now, not after minutes of training; leave no file behind */
		int e = gd_can_write(out_path);
		if (e) {
			rc = cli_fail(me, "cannot write '%s': %s", out_path, gd_strerror(e));
			json_decref(doc);
			goto done_data;
		}
	}

	int total = nspec * nmode * nthr * (int)repeat, index = 0, failures = 0;
	typedef struct { char opt[96], mode[32]; int threads; gd_run_out o; } done_run;
	done_run *done = calloc((size_t)total, sizeof(*done));
	if (!done) {
		rc = cli_fail(me, "out of memory (summaries of %d runs)", total);
		json_decref(doc);
		goto done_data;
	}
	for (int ti = 0; ti < nthr && !stop_signal; ti++) {
		int T = threads[ti], pus[1024];
		if (ncustom) {
			for (int i = 0; i < T; i++)
				pus[i] = custom_pus[i % ncustom];
		} else if (gd_topo_plan(topo, place, T, over, pus)) {
			rc = cli_fail(me, "cannot place %d threads on %d PUs", T, npu);
			break;
		}
		gd_pool *pool;
		int badw = -1;
		/* spin at barriers only when every worker has a PU of its own */
		rc = gd_pool_create(topo, pus, T, T <= npu, strict, &pool, &badw);
		if (cm) {
			char msg[256], why_rank[512];
			snprintf(msg, sizeof(msg), "worker %d of %d: %s", badw, T, rc ? gd_strerror(rc) : "");
			if (run_mpi_agree(cm, rc, msg, why_rank, sizeof(why_rank)) >= 0) {
				if (!rc)
					gd_pool_destroy(pool);
				rc = cli_fail(me, "[rank %d] stopping: %s", cm->rank, why_rank);
				break;
			}
		}
		if (rc) {
			rc = rc == GD_EBIND ? cli_fail(me, "worker %d: cannot bind to PU %d: %s (--strict-pin)", badw,
			                               pus[badw], strerror(errno))
			                    : rc == GD_ETHREAD ? cli_fail(me, "worker %d of %d: cannot create its thread: %s "
			                                                  "(pthread_create)", badw, T, strerror(errno))
			                                       : cli_fail(me, "worker pool of %d: %s", T, gd_strerror(rc));
			break;
		}
		const gd_pin *pins = gd_pool_pins(pool);
		for (int i = 0; i < T; i++)
			if (pins[i].bind_err)
				fprintf(stderr, "gdbench run: warning: worker %d not bound to PU %d (HWLOC_CPUBIND_THREAD): %s\n", i,
				        pins[i].asked, strerror(pins[i].bind_err));
		for (int s = 0; s < nspec && !stop_signal; s++)
			for (int m = 0; m < nmode && !stop_signal; m++)
				for (int rep = 0; rep < repeat && !stop_signal; rep++) {
					gd_run_cfg cfg = { 0 };
					cfg.kind = specs[s].kind;
					cfg.lbfgs_m = specs[s].lbfgs_m;
					cfg.model = model;
					size_t bs = modes[m].mode == GD_MODE_FULL ? train.n : modes[m].batch;
					if (modes[m].mpi) { /* the rows this rank handles per step */
						cfg.comm = cm;
						bs = modes[m].mode == GD_MODE_FULL ? train.n : (bs + (size_t)cm->size - 1) / (size_t)cm->size;
					}
					const gd_grad_entry *gt = train.rowptr ? gd_csr_table : gd_grad_table;
					size_t gn = train.rowptr ? gd_csr_count : gd_grad_count;
					cfg.grad = !(impls & GD_IMPL_BEST_BIT) ? NULL
					           : train.rowptr ? gd_csr_best(model.kind, cap)
					                          : gd_grad_best(model.kind, cap, (bs + T - 1) / T);
					for (size_t g = 0; !cfg.grad && g < gn; g++)
						if (gt[g].model == model.kind && gt[g].isa <= cap && (impls & (1u << gt[g].impl)))
							cfg.grad = &gt[g];
					cfg.sparse_dense = sparse_dense;
					cfg.hog_lock = modes[m].lock;
					cfg.upd = gd_update_best(specs[s].rule, cap);
					cfg.hp = specs[s].hp;
					cfg.sched = sched;
					cfg.mode = modes[m].mode;
					cfg.batch = modes[m].batch;
					cfg.seed = seed + (uint64_t)rep;
					cfg.time_budget = time_budget;
					cfg.max_epochs = epochs;
					memcpy(cfg.targets, targets, sizeof(targets));
					cfg.ntargets = ntarget;
					cfg.eval_every_steps = eval_steps;
					cfg.eval_every_seconds = eval_secs;
					cfg.clip_norm = clip;
					cfg.noise_eta = noise_eta;
					cfg.noise_gamma = noise_gamma;
					progress pr = { quiet, index + 1, total, specs[s].label, modes[m].label, T, &cfg, gd_now() };
					cfg.progress = show_progress;
					cfg.progress_user = &pr;
					done_run *dr = &done[index++];
					snprintf(dr->opt, sizeof(dr->opt), "%.95s", specs[s].label);
					snprintf(dr->mode, sizeof(dr->mode), "%.31s", modes[m].label);
					dr->threads = T;
					if (!cfg.grad) {
						rc = cli_usage(me, "--impl %s: no such gradient kernel for %s at ISA %s", impl_arg,
						               gd_model_name(model.kind), gd_isa_name(cap));
						goto stop_all;
					}
					int trc = gd_train(&cfg, &train, have_test ? &test : NULL, pool, &stop_signal, &dr->o);
					if (!quiet)
						fputs("\r\033[K", stderr);
					if (trc) {
						fprintf(stderr, "gdbench run: %s %s T=%d: %s\n", dr->opt, dr->mode, T, gd_strerror(trc));
						failures++;
						continue;
					}
					json_t *mj = cm ? run_mpi_json(cm, &dr->o, pins, T, cm->bucket_floats) : NULL;
					if (cm && cm->rank != 0)
						continue;
					gd_run_desc d = { .optimizer = specs[s].label, .dataset = train_name,
						          .test_set = have_test ? test_name : NULL, .rows = train.n_all, .npu = npu,
						          .threads = T, .pins = pins, .placement = place_arg, .repeat_index = rep };
					json_t *rj = gd_run_json(&d, &cfg, &dr->o);
					if (rj && mj)
						json_object_set_new(rj, "mpi", mj);
					else
						json_decref(mj);
					if (rj && train.rowptr)
						json_object_set_new(rj, "sparse", json_pack("{s:s, s:I, s:s, s:b, s:f}", "storage", "csr",
						                                            "nnz", (json_int_t)train.nnz, "update",
						                                            sparse_dense ? "dense" : "lazy", "exact",
						                                            gd_lazy_exact(&cfg), "coords_per_step",
						                                            dr->o.coords_per_step));
					if (rj && modes[m].lock)
						json_object_set_new(rj, "hogwild_lock", json_true());
					if (rj && keep_params && dr->o.params) {
						json_t *pa = json_array();
						for (size_t j = 0; j < gd_model_nparams(&model); j++)
							json_array_append_new(pa, json_real(dr->o.params[j]));
						json_object_set_new(rj, "final_params", pa);
					}
					json_array_append_new(runs, rj);
					if (stop_signal)
						json_object_set_new(doc, "interrupted", json_true());
					int we = out_path ? gd_results_write(out_path, doc) : 0;
					if (we) {
						rc = cli_fail(me, "cannot write '%s': %s (the previous file is intact)", out_path,
						              gd_strerror(we));
						goto stop_all;
					}
				}
	stop_all:
		gd_pool_destroy(pool);
		if (rc)
			break;
	}
	/* summary table: one line per configuration; with --repeat, the median
	 * and [min, max] over its repetitions (which run back to back) */
	if (!rc && index > 0 && (!cm || cm->rank == 0)) {
		printf("%-34s %-14s %3s %2s %10s %10s", "optimizer", "mode", "T", "R", "final", "best");
		for (int k = 0; k < ntarget; k++)
			printf("   %-20s", "t(loss <= target)");
		printf(" %12s %7s  %s\n", "samples/s", "epochs", "stop");
		for (int i = 0; i < index;) {
			int j = i;
			while (j < index && !strcmp(done[j].opt, done[i].opt) && !strcmp(done[j].mode, done[i].mode) &&
			       done[j].threads == done[i].threads && done[j].o.stop_reason)
				j++;
			int nr = j - i;
			if (nr == 0) {
				i++;
				continue;
			}
			double v[1000];
			/* median of a field over the group; min/max alongside */
#define STAT(expr, med, lo, hi)                                                                   \
	do {                                                                                      \
		int cnt_ = 0;                                                                     \
		for (int q = i; q < j; q++) {                                                     \
			const gd_run_out *o = &done[q].o;                                         \
			double x_ = (expr);                                                       \
			int p_ = cnt_++;                                                          \
			while (p_ > 0 && v[p_ - 1] > x_) { /* insertion sort */                  \
				v[p_] = v[p_ - 1];                                                \
				p_--;                                                             \
			}                                                                         \
			v[p_] = x_;                                                               \
		}                                                                                 \
		med = cnt_ % 2 ? v[cnt_ / 2] : 0.5 * (v[cnt_ / 2 - 1] + v[cnt_ / 2]);            \
		lo = v[0];                                                                        \
		hi = v[cnt_ - 1];                                                                 \
	} while (0)
			double fm, fl, fh, bm, bl, bh, sm, sl, sh;
			STAT(o->final_loss, fm, fl, fh);
			STAT(o->best_loss, bm, bl, bh);
			STAT(o->t_train > 0 ? (double)o->samples / o->t_train : 0, sm, sl, sh);
			(void)fl, (void)fh, (void)bl, (void)bh, (void)sl, (void)sh;
			printf("%-34s %-14s %3d %2d %10.5g %10.5g", done[i].opt, done[i].mode, done[i].threads, nr, fm, bm);
			for (int k = 0; k < ntarget; k++) {
				int reached = 0;
				for (int q = i; q < j; q++)
					reached += done[q].o.time_to_target[k] >= 0;
				double tm, tl, th;
				/* not reached counts as +inf, so a median can say "not reached" */
				STAT(o->time_to_target[k] >= 0 ? o->time_to_target[k] : INFINITY, tm, tl, th);
				char cell[64];
				if (!isfinite(tm))
					snprintf(cell, sizeof(cell), "not reached%s", reached ? " (some)" : "");
				else if (nr == 1)
					snprintf(cell, sizeof(cell), "%.3fs", tm);
				else if (isfinite(th))
					snprintf(cell, sizeof(cell), "%.3fs [%.3f,%.3f]", tm, tl, th);
				else
					snprintf(cell, sizeof(cell), "%.3fs [%.3f,-]", tm, tl);
				printf("   %-20s", cell);
			}
			printf(" %12.4g %7.2f  %s\n", sm, done[j - 1].o.epochs, done[j - 1].o.stop_reason);
#undef STAT
			i = j;
		}
		if (out_path)
			printf("wrote %s (%d run%s)\n", out_path, (int)json_array_size(runs), json_array_size(runs) == 1 ? "" : "s");
	}
	for (int i = 0; i < total; i++)
		gd_run_out_free(&done[i].o);
	free(done);
	json_decref(doc);
	if (!rc && failures)
		rc = GD_EXIT_FAIL;
	if (stop_signal)
		rc = 128 + stop_signal;
done_data:
	gd_dataset_free(&train);
	gd_dataset_free(&test);
	gd_topo_close(topo);
	return rc;
}
