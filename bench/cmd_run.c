/*
 * `gdbench run`: convergence runs, the cross product of optimizers x modes x
 * thread counts x repetitions, on one problem. The result file is rewritten
 * atomically after every run, so an interrupted suite keeps what it measured.
 * This file is the command: its options, their checks and the run loop. Mode
 * and data specifications are parsed by harness/runspec.c; the data and the
 * model come from run_data.c, the worker pools from run_pool.c, each run's
 * kernels from run_kernels.c, the --help text from help.c, the result
 * file from run_record.c, the progress line and the summary table from
 * run_summary.c, and --suite runs through run_suite.c.
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
#include "help.h"
#include "jsonfile.h"
#include "optspec.h"
#include "registry.h"
#include "results.h"
#include "run_data.h"
#include "run_kernels.h"
#include "run_mpi.h"
#include "run_pool.h"
#include "run_record.h"
#include "run_suite.h"
#include "run_summary.h"
#include "runspec.h"
#include "train.h"
#include "tstep.h"

void openblas_set_num_threads(int n);

static volatile sig_atomic_t stop_signal;
static const char *me = "run";

void cmd_run_as(const char *name)
{
	me = name;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

#define MAX_OPTS 256 /* settings after sweep expansion */
#define MAX_MODES 8
#define MAX_THREADS 16

/* MPI stays open for the whole command once a mode asks for it (MPI_Init once per process). */
static gd_comm comm;
static int comm_open;

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
		{ "sparse-update", required_argument, NULL, 'Y' }, { "dtype", required_argument, NULL, 'y' },
		{ "progress", optional_argument, NULL, 'p' },
		{ 0, 0, 0, 0 },
	};
	const char *model_arg = NULL, *data_arg = "fashion-mnist", *test_arg = NULL, *dir = NULL, *sched_arg = "const";
	const char *mode_arg = "minibatch:128", *thr_arg = "1", *place_arg = "compact", *isa_arg = NULL, *impl_arg = "best";
	const char *target_arg = NULL, *eval_arg = "auto", *out_path = NULL, *dtype_arg = "f32/f32/f32";
	char optlist[8192] = "";
	int no_test = 0, over = 0, strict = 0, force = 0, append = 0, quiet = 0, roofline = 1, c, li = -1;
	int keep_params = 0, sparse_dense = 0;
	double progress_period = 10; /* seconds between progress lines when stderr is not a terminal */
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
		case 'p':
			quiet = 0;
			bad = optarg && cli_duration(optarg, &progress_period);
			break;
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
		case 'y': dtype_arg = optarg; break;
		case 'h': help_run(stdout); return 0;
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
		return run_suite(me, suite, argc, argv, out_path, force);

	/* --- everything that can be checked before loading data --- */
	char err[1024];
	gd_dtype dts[GD_NDT];
	int ndt;
	if (cli_dtypes(me, dtype_arg, dts, &ndt))
		return GD_EXIT_USAGE;
	gd_optspec specs[MAX_OPTS];
	int nspec;
	if (gd_optspec_parse_list(*optlist ? optlist : "sgd:lr=0.1", specs, MAX_OPTS, &nspec, err, sizeof(err)))
		return cli_usage(me, "--opt: %s", err);
	gd_modespec modes[MAX_MODES];
	int nmode;
	if (gd_modespec_parse_list(mode_arg, modes, MAX_MODES, &nmode, err, sizeof(err)))
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
		return cli_usage(me, "--impl: '%s' is not a gradient implementation (expected one of: %s)", impl_arg,
		                 cli_impl_names(1));
	/* a plugin's impl names the update and gradient kernels it has (gd_update_pick, pgrad below) */
	unsigned upd_impls = impls & GD_IMPL_PLUGIN_BITS;
	impls = impls & ~GD_IMPL_PLUGIN_BITS ? impls & ~GD_IMPL_PLUGIN_BITS : GD_IMPL_BEST_BIT;
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
	double eval_secs = 0, eval_auto = !strcmp(eval_arg, "auto") ? 0.2 : 0; /* AlgoPerf: ~10-20% */
	if (strcmp(eval_arg, "epoch") && !eval_auto) {
		char *end;
		double v = strtod(eval_arg, &end);
		if (!strcmp(end, "steps") && v >= 1 && v == floor(v))
			eval_steps = (long)v;
		else if (cli_duration(eval_arg, &eval_secs))
			return cli_usage(me, "--eval-every '%s': expected auto, epoch, N steps ('100steps') or seconds ('0.5s')",
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
		for (int d = 0; d < ndt; d++)
			if (dts[d] != GD_DT_F32 && (modes[m].mode == GD_MODE_HOGWILD || modes[m].mpi)) {
				gd_topo_close(topo);
				return cli_usage(me, "--dtype %s: storage dtypes run in full, minibatch and sample modes in one "
				                 "process (got --mode %s)", gd_dtype_name(dts[d]), modes[m].label);
			}
		for (int s = 0; s < nspec; s++)
			for (int d = 0; d < ndt; d++)
				if (dts[d] != GD_DT_F32 && specs[s].kind != GD_OPT_FIRST_ORDER) {
					gd_topo_close(topo);
					return cli_usage(me, "--dtype %s: %s keeps fp32 parameters; storage dtypes apply to first-order "
					                 "rules", gd_dtype_name(dts[d]), specs[s].label);
				}
		for (int s = 0; s < nspec; s++)
			if (specs[s].kind == GD_OPT_TENSOR &&
			    (!(modes[m].mode == GD_MODE_FULL || modes[m].mode == GD_MODE_MINIBATCH) || modes[m].mpi)) {
				gd_topo_close(topo);
				return cli_usage(me, "%s: the per-tensor rules run in full and minibatch modes in one process "
				                 "(got --mode %s)", specs[s].label, modes[m].label);
			}
		for (int s = 0; s < nspec; s++)
			if (specs[s].kind != GD_OPT_FIRST_ORDER && specs[s].kind != GD_OPT_TENSOR && modes[m].mode != GD_MODE_FULL) {
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
	run_data_args da = { .data = data_arg, .test = test_arg, .dir = dir, .model = model_arg, .no_test = no_test,
		             .storage = storage, .hidden = hidden, .l1 = l1, .l2 = l2, .clip = clip, .noise_eta = noise_eta };
	for (int s = 0; s < nspec; s++)
		da.second_order |= specs[s].kind == GD_OPT_LBFGS || specs[s].kind == GD_OPT_NEWTON;
	run_problem p = { 0 };
	rc = run_problem_load(me, &da, cm, &p);
	if (rc)
		goto done_data;
	const gd_dataset *train = &p.train;
	const gd_model model = p.model;
	for (int s = 0; s < nspec; s++) {
		const char *no = specs[s].kind != GD_OPT_TENSOR ? NULL
		                 : train->rowptr ? "sparse (CSR) data (--storage dense densifies it)"
		                 : clip > 0      ? "--clip (LAMB, LARS and Adafactor scale by their own norms)"
		                 : specs[s].trule == GD_TRULE_MUON && model.kind != GD_MODEL_MLP
		                         ? "this model: its parameters are one vector, and muon needs a 2-D tensor (--model mlp)"
		                         : NULL;
		if (no) {
			rc = cli_usage(me, "%s: not with %s", specs[s].label, no);
			goto done_data;
		}
	}
	for (int m = 0; m < nmode; m++)
		if (modes[m].batch > train->n_all) {
			rc = cli_usage(me, "mode %s: batch %zu is larger than the %zu training rows", modes[m].label,
			               modes[m].batch, train->n_all);
			goto done_data;
		}

	/* --- output and context --- */
	openblas_set_num_threads(1); /* kernels run inside our workers: never oversubscribe (the context records it) */
	json_t *doc;
	char why_doc[256];
	if (run_doc_open(topo, cap, cm, roofline, threads, nthr, over, argc, argv, out_path, append, &doc, why_doc,
	                 sizeof(why_doc))) {
		rc = cli_fail(me, "--append: '%s' is not a gdbench result file (%s)", out_path, why_doc);
		goto done_data;
	}
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

	int total = nspec * nmode * ndt * nthr * (int)repeat, index = 0, failures = 0;
	run_done *done = calloc((size_t)total, sizeof(*done));
	if (!done) {
		rc = cli_fail(me, "out of memory (summaries of %d runs)", total);
		json_decref(doc);
		goto done_data;
	}
	run_progress pr = { .kind = quiet ? RUN_PROGRESS_OFF : isatty(2) ? RUN_PROGRESS_INPLACE : RUN_PROGRESS_LINES,
		            .period = progress_period, .me = me, .total = total, .last_line = gd_now() };
	for (int ti = 0; ti < nthr && !stop_signal; ti++) {
		int T = threads[ti];
		gd_pool *pool;
		rc = run_pool_open(me, topo, place, custom_pus, ncustom, T, over, strict, cm, &pool);
		if (rc)
			break;
		const gd_pin *pins = gd_pool_pins(pool);
		for (int s = 0; s < nspec && !stop_signal; s++)
			for (int m = 0; m < nmode && !stop_signal; m++)
				for (int di = 0; di < ndt && !stop_signal; di++)
				for (int rep = 0; rep < repeat && !stop_signal; rep++) {
					gd_run_cfg cfg = { 0 };
					cfg.kind = specs[s].kind;
					cfg.lbfgs_m = specs[s].lbfgs_m;
					cfg.model = model;
					size_t bs = modes[m].mode == GD_MODE_FULL ? train->n : modes[m].batch;
					if (modes[m].mpi) { /* the rows this rank handles per step */
						cfg.comm = cm;
						bs = modes[m].mode == GD_MODE_FULL ? train->n : (bs + (size_t)cm->size - 1) / (size_t)cm->size;
					}
					run_kernels_ask ka = { impls, upd_impls, impl_arg, train->rowptr != NULL, cap, (bs + T - 1) / T };
					if ((rc = run_kernels_pick(me, &ka, &specs[s], dts[di], &cfg)))
						goto stop_all;
					cfg.sparse_dense = sparse_dense;
					cfg.hog_lock = modes[m].lock;
					cfg.hp = specs[s].hp;
					cfg.dt = dts[di];
					/* another dtype is another curve: its name says which */
					char label[160];
					snprintf(label, sizeof(label), "%.100s%s%s", specs[s].label, cfg.dt == GD_DT_F32 ? "" : " @",
					         cfg.dt == GD_DT_F32 ? "" : gd_dtype_name(cfg.dt));
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
					cfg.eval_auto_fraction = eval_auto;
					cfg.clip_norm = clip;
					cfg.noise_eta = noise_eta;
					cfg.noise_gamma = noise_gamma;
					pr.index = index + 1;
					pr.opt = label;
					pr.mode = modes[m].label;
					pr.threads = T;
					pr.cfg = &cfg;
					pr.t_start = gd_now();
					cfg.progress = run_progress_show;
					cfg.progress_user = &pr;
					run_done *dr = &done[index++];
					snprintf(dr->opt, sizeof(dr->opt), "%.95s", label);
					snprintf(dr->mode, sizeof(dr->mode), "%.31s", modes[m].label);
					dr->threads = T;
					dr->grad = cfg.grad->name;
					dr->upd = cfg.kind == GD_OPT_FIRST_ORDER ? cfg.upd->name : cfg.kind == GD_OPT_TENSOR ? cfg.tupd->name : NULL;
					int trc = gd_train(&cfg, train, p.have_test ? &p.test : NULL, pool, &stop_signal, &dr->o);
					run_progress_end(&pr);
					if (trc) {
						fprintf(stderr, "gdbench run: %s %s T=%d: %s\n", dr->opt, dr->mode, T, gd_strerror(trc));
						failures++;
						continue;
					}
					json_t *mj = cm ? run_mpi_json(cm, &dr->o, pins, T, cm->bucket_floats) : NULL;
					if (cm && cm->rank != 0)
						continue;
					gd_run_desc d = { .optimizer = label, .dataset = p.train_name,
						          .test_set = p.have_test ? p.test_name : NULL, .rows = train->n_all, .npu = npu,
						          .threads = T, .pins = pins, .placement = place_arg, .repeat_index = rep };
					json_array_append_new(runs, run_record(&d, &cfg, &dr->o, mj, train, keep_params));
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
	if (!rc && index > 0 && (!cm || cm->rank == 0)) {
		run_table tab = { gd_model_name(model.kind), p.train_name, gd_isa_name(cap), targets, ntarget, eval_arg };
		run_summary_print(done, index, &tab);
		if (out_path && !strcmp(me, "run")) /* tune names its own file (this one may be its temporary) */
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
	run_problem_free(&p);
	gd_topo_close(topo);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	int rc = run_main(argc, argv);
	if (comm_open && !strcmp(me, "run")) { /* tune and suites call run again: close at the very end */
		gd_comm_mpi_close(&comm, 0);
		comm_open = 0;
	}
	return rc;
}
