/*
 * `gdbench kernels`: the microbenchmarks of update rules (kbench_update.c),
 * gradient kernels (kbench_grad.c) and sparse gradient kernels
 * (kbench_csr.c) through Google Benchmark (bench/gb_shim.cc). This file is
 * the command: its options, their checks, the run and the result file; the
 * --help text is in help.c, the plan and the context block in kernels_plan.c
 * and kernels_context.c.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gb.h"
#include "gd_error.h"
#include "help.h"
#include "kbench.h"
#include "jsonfile.h"
#include "kbench_trules.h"
#include "kernels_plan.h"
#include "roofline.h"
#include "registry.h"
#include "topo.h"

/* --rules into on[GD_MAX_RULES] (plugins' rules too) and ton[GD_NTRULES] (NULL: all; 2 = a per-tensor rule asked for by
 * name); 0, or -1 with the unknown word in bad (empty: the list is too long). */
static int parse_rules(const char *list, int *on, int *ton, char *bad, size_t badlen)
{
	for (int r = 0; r < gd_rule_count(); r++)
		on[r] = !list;
	for (int r = 0; r < GD_NTRULES; r++)
		ton[r] = !list;
	if (!list)
		return 0;
	char buf[256];
	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (char *save, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		int r = gd_rule_from_name(w), tr = gd_trule_from_name(w);
		if (r < 0 && tr < 0) {
			snprintf(bad, badlen, "%s", w);
			return -1;
		}
		if (r >= 0)
			on[r] = 1;
		else
			ton[tr] = 2; /* asked for by name */
	}
	return 0;
}

/* The per-tensor rules store f32 only (kernels/trules.h): one named in --rules
 * with another --dtype is refused (GD_ENOTSUP, after the message); left on by
 * default, they run only when every dtype is f32. */
static int trules_dtypes(int *ton, const gd_dtype *dts, int ndt)
{
	int other = -1;
	for (int i = 0; i < ndt; i++)
		if (dts[i] != GD_DT_F32)
			other = i;
	for (int r = 0; r < GD_NTRULES && other >= 0; r++) {
		if (ton[r] == 2) {
			cli_usage("kernels", "--rules %s with --dtype %s: the per-tensor rules store f32 only (use --dtype f32)",
			          gd_trule_name((gd_trule)r), gd_dtype_name(dts[other]));
			return GD_ENOTSUP;
		}
		ton[r] = 0;
	}
	return 0;
}

int cmd_kernels(int argc, char **argv)
{
	if (kmuon_wanted(argc, argv)) /* Muon's Newton-Schulz: its own options and table (kbench_muon.c) */
		return kmuon_cmd(argc, argv);
	/* Google Benchmark's flags go to it; the rest to getopt */
	char **ours = calloc((size_t)argc + 1, sizeof(char *)), **theirs = calloc((size_t)argc + 4, sizeof(char *));
	int nours = 0, ntheirs = 0, rc = GD_EXIT_USAGE;
	gd_topo *topo = NULL;
	char *tmp_out = NULL, *out_path = NULL, *gb_out_arg = NULL;
	gd_param_set sets[8];
	int nsets = 0;
	memset(sets, 0, sizeof(sets));
	/* --peer torch: the request, its two rounds' files and the merged one */
	char peer_tmp[2][PATH_MAX] = { "", "" }, peer_path[PATH_MAX] = "";
	char peer_rules[512], peer_dts[256], peer_thr[256], peer_counts[512];
	kpeer_req peer_req;
	int peer_on = 0;
	if (!ours || !theirs) {
		rc = cli_fail("kernels", "out of memory");
		goto done;
	}
	theirs[ntheirs++] = argv[0];
	for (int i = 0; i < argc; i++) {
		if (i > 0 && !strncmp(argv[i], "--benchmark_", 12))
			theirs[ntheirs++] = argv[i];
		else
			ours[nours++] = argv[i];
	}

	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' }, { "impl", required_argument, NULL, 'm' },
		{ "isa", required_argument, NULL, 'i' },   { "sizes", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' }, { "quick", no_argument, NULL, 'q' },
		{ "min-time", required_argument, NULL, 'T' }, { "out", required_argument, NULL, 'o' },
		{ "what", required_argument, NULL, 'w' },    { "models", required_argument, NULL, 'M' },
		{ "batches", required_argument, NULL, 'B' }, { "help", no_argument, NULL, 'h' },
		{ "force", no_argument, NULL, 'F' },         { "params", required_argument, NULL, 'P' },
		{ "dtype", required_argument, NULL, 'D' },   { "peer", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },      { "no-triad", no_argument, NULL, 'N' },
		{ 0, 0, 0, 0 },
	};
	const char *what_arg = NULL, *models_arg = NULL, *batches_arg = NULL;
	const char *params_arg = NULL, *dtype_arg = "f32/f32/f32", *peer_arg = NULL;

	int impl_given = 0, force = 0, verbose = 0, no_triad = 0;
	const char *rules_arg = NULL, *impl_arg = "all", *isa_arg = NULL, *sizes_arg = NULL, *thr_arg = NULL;
	int quick = 0, c;
	double min_time = 0;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(nours, ours, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rules_arg = optarg; break;
		case 'm': impl_arg = optarg; impl_given = 1; break;
		case 'w': what_arg = optarg; break;
		case 'M': models_arg = optarg; break;
		case 'B': batches_arg = optarg; break;
		case 'F': force = 1; break;
		case 'P': params_arg = optarg; break;
		case 'D': dtype_arg = optarg; break;
		case 'E': peer_arg = optarg; break;
		case 'v': verbose = 1; break;
		case 'N': no_triad = 1; break;
		case 'i': isa_arg = optarg; break;
		case 's': sizes_arg = optarg; break;
		case 't': thr_arg = optarg; break;
		case 'q': quick = 1; break;
		case 'T': {
			char *end;
			errno = 0;
			min_time = strtod(optarg, &end);
			if (*end || errno || !(min_time > 0 && min_time <= 3600)) {
				rc = cli_usage("kernels", "--min-time '%s': expected seconds, > 0 and <= 3600", optarg);
				goto done;
			}
			break;
		}
		case 'o': out_path = optarg; break;
		case 'h': help_kernels(stdout); rc = 0; goto done;
		case ':': rc = cli_usage("kernels", "option '%s' needs a value", ours[optind - 1]); goto done;
		default: rc = cli_usage("kernels", "unknown option '%s'", ours[optind - 1]); goto done;
		}
	}
	if (optind < nours) {
		rc = cli_usage("kernels", "unexpected argument '%s'", ours[optind]);
		goto done;
	}
	if (out_path && !force && access(out_path, F_OK) == 0) {
		rc = cli_usage("kernels", "'%s' exists; use --force to overwrite it", out_path);
		goto done;
	}
	if (peer_arg && strcmp(peer_arg, "torch")) {
		rc = cli_usage("kernels", "--peer '%s': expected torch", peer_arg);
		goto done;
	}
	if (peer_arg && !out_path) {
		rc = cli_usage("kernels", "--peer torch needs -o PATH: the comparison reads both result files");
		goto done;
	}
	if (peer_arg && access(kpeer_script(), R_OK)) {
		rc = cli_fail("kernels", "--peer torch: cannot read %s: %s", kpeer_script(), strerror(errno));
		goto done;
	}
	gd_isa cap;
	if (cli_isa("kernels", isa_arg, &cap))
		goto done;
	unsigned impls;
	char bad[32];
	if (gd_impl_parse(impl_arg, &impls, bad, sizeof(bad))) {
		rc = cli_usage("kernels", "--impl: unknown implementation '%s' (expected one of: %s)", bad, cli_impl_names(0));
		goto done;
	}
	int rule_on[GD_MAX_RULES], trule_on[GD_NTRULES];
	char bad_rule[64] = "";
	if (parse_rules(rules_arg, rule_on, trule_on, bad_rule, sizeof(bad_rule))) {
		rc = *bad_rule ? cli_usage("kernels", "--rules: unknown rule '%s' (expected one of: %s)", bad_rule, cli_rule_names())
		               : cli_usage("kernels", "--rules: list too long");
		goto done;
	}
	int do_update = 0, do_grad = 0, do_sparse = 0;
	if (!what_arg) { /* what the other flags name: --rules adam times update rules only */
		int upd = rules_arg || params_arg, grad = models_arg || batches_arg;
		what_arg = upd && !grad ? "update" : grad && !upd ? "grad" : "update,grad";
	}
	{
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", what_arg);
		for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
			if (!strcmp(w, "update"))
				do_update = 1;
			else if (!strcmp(w, "grad"))
				do_grad = 1;
			else if (!strcmp(w, "sparse"))
				do_sparse = 1;
			else if (!strcmp(w, "ns")) {
				rc = cli_usage("kernels", "--what: ns runs alone (--what ns); time update, grad and sparse in another call");
				goto done;
			}
			else {
				rc = cli_usage("kernels", "--what: '%s' is not a kind; expected update, grad or sparse", w);
				goto done;
			}
		}
	}
	gd_dtype dts[GD_NDT];
	int ndt;
	if (cli_dtypes("kernels", dtype_arg, dts, &ndt)) {
		rc = GD_EXIT_USAGE;
		goto done;
	}
	if (params_arg) {
		if ((rc = cli_params("kernels", params_arg, sets, (int)(sizeof(sets) / sizeof(sets[0])), &nsets)))
			goto done;
		rc = GD_EXIT_USAGE; /* what the checks below return */
		if (!do_update) {
			rc = cli_usage("kernels", "--params times update rules: add update to --what");
			goto done;
		}
	}
	int model_on[GD_NMODELS];
	if (cli_models("kernels", models_arg, model_on))
		goto done;
	if (!models_arg && quick) /* the quick tour: softmax and the MLP */
		for (int k = 0; k < GD_NMODELS; k++)
			model_on[k] = k == GD_MODEL_SOFTMAX || k == GD_MODEL_MLP;
	size_t batches[32];
	int nbatch = 0;
	{
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", batches_arg ? batches_arg : quick ? "1,256,full" : "1,32,128,256,1024,full");
		for (char *sv, *w = strtok_r(buf, ",", &sv); w && nbatch < 32; w = strtok_r(NULL, ",", &sv)) {
			char *end;
			unsigned long v = strtoul(w, &end, 10);
			if (!strcmp(w, "full"))
				batches[nbatch++] = 0;
			else if (end != w && !*end && w[0] != '-' && v >= 1 && v <= 60000)
				batches[nbatch++] = v;
			else {
				rc = cli_usage("kernels", "--batches: '%s' is not a batch size; expected 1..60000 rows or full", w);
				goto done;
			}
		}
	}
	int trc = gd_topo_open(&topo);
	if (trc) {
		rc = cli_fail("kernels", "could not load the hardware topology: %s", gd_strerror(trc));
		goto done;
	}
	int npu = gd_topo_npu(topo), threads[64], nthr = 0;
	if (thr_arg) {
		if (cli_int_list(thr_arg, 1, npu, threads, 64, &nthr)) {
			rc = cli_usage("kernels", "--threads '%s': expected counts from 1 to %d (the PUs this process may use)",
			               thr_arg, npu);
			goto done;
		}
	} else {
		threads[nthr++] = 1;
		if (npu > 1 && !quick)
			threads[nthr++] = npu;
	}
	int sizes_given = sizes_arg != NULL;
	if (!sizes_arg)
		sizes_arg = quick ? "L1,16M" : "L1,L2,L3,DRAM,16M";
	if (quick && min_time == 0)
		min_time = 0.05;
	static int pus[64];
	if (gd_topo_plan(topo, GD_PLACE_COMPACT, npu, 0, pus)) {
		rc = cli_fail("kernels", "could not plan thread placement");
		goto done;
	}

	/* the benchmarks, in table order within each size and thread count */
	if (strlen(sizes_arg) >= 256) {
		rc = cli_usage("kernels", "--sizes: list too long");
		goto done;
	}
	char err[512];
	/* --params alone times the sets only; --sizes too adds the flat sizes */
	int flat_sizes = do_update && (!params_arg || sizes_given);
	int prc = flat_sizes ? kupd_plan(rule_on, sizes_arg, dts, ndt, threads, nthr, cap, impls, topo, pus, err, sizeof(err)) : 0;
	if (!prc && nsets)
		prc = kpar_plan(rule_on, sets, nsets, dts, ndt, threads, nthr, cap, impls, topo, pus, err, sizeof(err));
	if (!prc && nsets && (prc = trules_dtypes(trule_on, dts, ndt)) == GD_ENOTSUP) {
		rc = GD_EXIT_USAGE;
		goto done;
	}
	if (!prc && nsets)
		prc = ktr_plan(trule_on, sets, nsets, threads, nthr, cap, impls, topo, pus, err, sizeof(err));
	if (prc) {
		rc = prc == GD_ENOMEM ? cli_fail("kernels", "out of memory") : cli_usage("kernels", "%s", err);
		goto done;
	}
	/* the FMA peak of the core the gradient benchmarks run on, measured now at
	 * every ISA level up to the process's (its widest: each row's 'peak'; the
	 * row's own level: its 'isa_peak') */
	double grad_peak[GD_NISA] = { 0 };
	int list_only = 0;
	for (int i = 0; i < ntheirs; i++)
		list_only |= !strncmp(theirs[i], "--benchmark_list_tests", 22);
	if (do_grad) {
		for (int l = 0; l <= (int)gd_cpu_get()->max && !list_only; l++)
			if (gd_fma_peak(topo, pus, 1, (gd_isa)l, &grad_peak[l])) {
				rc = cli_fail("kernels", "could not measure the FMA peak");
				goto done;
			}
		if (kgrad_plan(model_on, batches, nbatch, cap, impls, impl_given && (impls & (1u << GD_IMPL_SCALAR)), topo,
		               pus[0], grad_peak)) {
			rc = cli_fail("kernels", "out of memory");
			goto done;
		}
	}
	if (do_sparse && kcsr_plan(model_on, batches, nbatch, cap, impls, topo, pus[0])) {
		rc = cli_fail("kernels", "out of memory");
		goto done;
	}
	/* DESIGN: a memory-only ceiling is valid only if it moves at least the STREAM triad bandwidth
	 * measured in the same run; triad on 1 and on the most threads, for the context and the check */
	gd_roofline triad[2];
	int ntriad = 0;
	for (int k = 0; (kupd_count() || kpar_count() || ktr_count()) && !list_only && !no_triad && k < 2; k++) {
		int tmax = 1;
		for (int t = 0; t < nthr; t++)
			tmax = threads[t] > tmax ? threads[t] : tmax;
		int T = k == 0 ? 1 : tmax;
		if (k == 1 && tmax == 1)
			break;
		if (gd_roofline_measure(topo, pus, T, GD_ISA_TOP, (size_t)256 << 20, &triad[ntriad]) == 0)
			ntriad++;
	}
	if (!kupd_count() && !kpar_count() && !kgrad_count() && !kcsr_count() && !ktr_count()) {
		rc = cli_usage("kernels", "nothing to run: no registered kernel matches --what/--rules/--models/--impl/--isa");
		goto done;
	}

	if (out_path) {
		size_t len = strlen(out_path) + 64;
		tmp_out = malloc(len);
		gb_out_arg = malloc(len + 32);
		if (!tmp_out || !gb_out_arg) {
			rc = cli_fail("kernels", "out of memory");
			goto done;
		}
		snprintf(tmp_out, len, "%s.tmp.%ld", out_path, (long)getpid());
		FILE *probe = fopen(tmp_out, "w"); /* fail before minutes of benchmarking, not after */
		if (!probe) {
			rc = cli_fail("kernels", "cannot write '%s': %s", out_path, strerror(errno));
			goto done;
		}
		fclose(probe);
		snprintf(gb_out_arg, len + 32, "--benchmark_out=%s", tmp_out);
		theirs[ntheirs++] = gb_out_arg;
		theirs[ntheirs++] = "--benchmark_out_format=json";
	}
	theirs[ntheirs] = NULL;
	char plan[512] = ""; /* before gb_init takes its flags out of theirs */
	if (!list_only)
		kplan_format(plan, sizeof(plan), min_time, theirs + 1, ntheirs - 1);
	gb_set_verbose(verbose);
	if (gb_init(&ntheirs, theirs)) {
		rc = cli_fail("kernels", "Google Benchmark failed to initialize");
		goto done;
	}
	if (ntheirs > 1) {
		rc = cli_usage("kernels", "unknown Google Benchmark flag '%s'", theirs[1]);
		goto done;
	}
	fputs(plan, stderr);
	kplan_context(topo, cap, pus, npu, triad, ntriad, kgrad_count() > 0, grad_peak);
	const char *failed = NULL;
	if (kupd_register(min_time, &failed)) {
		rc = cli_fail("kernels", "could not register benchmark %s", failed);
		goto done;
	}
	if (kpar_register(min_time, &failed)) {
		rc = cli_fail("kernels", "could not register benchmark %s", failed);
		goto done;
	}
	if (ktr_register(min_time, &failed)) {
		rc = cli_fail("kernels", "could not register benchmark %s", failed);
		goto done;
	}
	if (kcsr_register(min_time)) {
		rc = cli_fail("kernels", "could not register the sparse gradient benchmarks");
		goto done;
	}
	if (kgrad_register(min_time)) {
		rc = cli_fail("kernels", "could not register the gradient benchmarks");
		goto done;
	}
	if (peer_arg && !list_only && kupd_count() + kpar_count() > 0) {
		snprintf(peer_path, sizeof(peer_path), "%.*s.torch.json",
		         (int)(strlen(out_path) - (strlen(out_path) > 5 && !strcmp(out_path + strlen(out_path) - 5, ".json") ? 5 : 0)),
		         out_path);
		for (int r = 0, n = 0; r < GD_NRULES; r++) /* torch has no plugin rule: built-in ones only */
			if (rule_on[r])
				n += snprintf(peer_rules + n, sizeof(peer_rules) - (size_t)n, "%s%s", n ? "," : "", gd_rule_name((gd_rule)r));
		for (int i = 0, n = 0; i < ndt; i++)
			n += snprintf(peer_dts + n, sizeof(peer_dts) - (size_t)n, "%s%s", i ? "," : "", gd_dtype_name(dts[i]));
		for (int i = 0, n = 0; i < nthr; i++)
			n += snprintf(peer_thr + n, sizeof(peer_thr) - (size_t)n, "%s%d", i ? "," : "", threads[i]);
		kupd_counts(peer_counts, sizeof(peer_counts));
		peer_req = (kpeer_req){ peer_rules, peer_counts, sets, nsets, peer_dts, peer_thr, min_time };
		snprintf(peer_tmp[0], sizeof(peer_tmp[0]), "%s.a.tmp.%ld", peer_path, (long)getpid());
		snprintf(peer_tmp[1], sizeof(peer_tmp[1]), "%s.b.tmp.%ld", peer_path, (long)getpid());
		fprintf(stderr, "gdbench kernels: torch.optim, round 1 of 2 (before our benchmarks)\n");
		if (kpeer_round(&peer_req, peer_tmp[0], err, sizeof(err))) {
			rc = cli_fail("kernels", "--peer torch: %s", err);
			goto done;
		}
		peer_on = 1;
	}
	long ran = gb_run();
	if (ran < 0) {
		rc = cli_fail("kernels", "Google Benchmark failed while running");
		goto done;
	}
	if (ran > 0 && gb_result_count() > 0) {
		int console = 1; /* keep a JSON or CSV stdout parseable */
		for (int i = 1; i < argc; i++)
			if (!strncmp(argv[i], "--benchmark_format=", 19) && strcmp(argv[i] + 19, "console"))
				console = 0;
		kupd_summary(console ? stdout : stderr, triad, ntriad);
		kpar_summary(console ? stdout : stderr);
		ktr_summary(console ? stdout : stderr);
		kgrad_summary(console ? stdout : stderr);
		kcsr_summary(console ? stdout : stderr);
	}
	if (out_path) { /* Google Benchmark does not report a failed write: check that the file is whole */
		json_error_t je;
		json_t *whole = json_load_file(tmp_out, 0, &je);
		if (!whole) {
			rc = cli_fail("kernels", "cannot write '%s': the results did not reach the disk whole (%s at line %d); "
			              "the previous file is intact", out_path, je.text, je.line);
			goto done;
		}
		/* Google Benchmark's context holds strings: context.plugins back to its array */
		int fixed = cli_plugins_context_unstring(whole);
		int wrc = fixed ? gd_json_write_atomic(out_path, whole, JSON_INDENT(2)) : 0;
		json_decref(whole);
		if (wrc) {
			rc = cli_fail("kernels", "cannot write '%s': %s", out_path, gd_strerror(wrc));
			goto done;
		}
		if (fixed)
			unlink(tmp_out);
	}
	if (out_path && access(tmp_out, F_OK) == 0 && rename(tmp_out, out_path) != 0) {
		rc = cli_fail("kernels", "cannot move results into '%s': %s", out_path, strerror(errno));
		goto done;
	}
	if (out_path) {
		fprintf(stderr, "gdbench kernels: wrote %s\n", out_path);
		free(tmp_out);
		tmp_out = NULL;
	}
	if (peer_on) {
		fprintf(stderr, "gdbench kernels: torch.optim, round 2 of 2 (after our benchmarks)\n");
		if (kpeer_round(&peer_req, peer_tmp[1], err, sizeof(err)) ||
		    kpeer_merge(peer_tmp[0], peer_tmp[1], peer_path, err, sizeof(err))) {
			rc = cli_fail("kernels", "--peer torch: %s (our results are in %s)", err, out_path);
			goto done;
		}
		fprintf(stderr, "gdbench kernels: wrote %s\n", peer_path);
		printf("\ngdbench against torch.optim (gdbench-compare %s %s):\n", out_path, peer_path);
		int crc = kpeer_compare(out_path, peer_path);
		if (crc < 0)
			fprintf(stderr, "gdbench kernels: gdbench-compare not found beside gdbench: run it on the two files\n");
	}
	rc = fflush(stdout) == 0 ? 0 : cli_fail("kernels", "could not write to standard output");
done:
	for (int i = 0; i < 2; i++)
		if (peer_tmp[i][0])
			unlink(peer_tmp[i]);
	if (tmp_out)
		unlink(tmp_out);
	free(tmp_out);
	free(gb_out_arg);
	free(ours);
	free(theirs);
	for (int i = 0; i < nsets; i++)
		gd_params_free(&sets[i]);
	gd_topo_close(topo);
	return rc;
}
