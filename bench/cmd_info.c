/* `gdbench info`: the machine context and a roofline measured on the spot. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gd_error.h"
#include "roofline.h"
#include "topo.h"

static const char help[] =
	"Usage: gdbench info [--json] [--threads LIST] [--isa LEVEL] [--array-mb N] [--no-probe]\n"
	"       gdbench info --machine-id\n"
	"Print the machine context (CPU, ISA, topology, caches, OpenBLAS, build) and measure\n"
	"the roofline now: STREAM-style copy and triad bandwidth and the FMA peak, best of 5,\n"
	"on threads pinned one per core.\n"
	"\n"
	"  --json           print everything as one JSON object\n"
	"  --threads LIST   thread counts to measure, e.g. 1,2 (default: 1 and all allowed PUs)\n"
	"  --isa LEVEL      cap the probes' vector width (" GD_ISA_CHOICES ")\n"
	"  --array-mb N     size of each STREAM array in MiB (default: 4x last-level cache,\n"
	"                   clamped to 256..512)\n"
	"  --no-probe       context only, measure nothing\n"
	"  --machine-id     print this machine's id and nothing else: vendor, family/model/\n"
	"                   stepping (MIDR on ARM), the CPU's ISA level, the PUs allowed\n"
	"                   (results/baselines/<machine-id>.json names baselines by it)\n"
	"  -h, --help       this text\n";

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },      { "threads", required_argument, NULL, 't' },
		{ "isa", required_argument, NULL, 'i' }, { "array-mb", required_argument, NULL, 'a' },
		{ "no-probe", no_argument, NULL, 'n' },  { "help", no_argument, NULL, 'h' },
		{ "machine-id", no_argument, NULL, 'm' },
		{ 0, 0, 0, 0 },
	};
	int json = 0, probe = 1, machine_id = 0, c, threads[64], nthr = 0;
	const char *isa_req = NULL, *thr_arg = NULL;
	long array_mb = 0;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 't': thr_arg = optarg; break;
		case 'i': isa_req = optarg; break;
		case 'a': {
			char *end;
			array_mb = strtol(optarg, &end, 10);
			if (*end || array_mb < 1 || array_mb > (1L << 20))
				return cli_usage("info", "--array-mb '%s': expected a whole number of MiB, 1 to 1048576", optarg);
			break;
		}
		case 'n': probe = 0; break;
		case 'm': machine_id = 1; break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage("info", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage("info", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("info", "unexpected argument '%s'", argv[optind]);
	gd_isa isa;
	if (cli_isa("info", isa_req, &isa))
		return GD_EXIT_USAGE;
	if (machine_id) {
		puts(gd_cpu_get()->machine_id);
		return fflush(stdout) == 0 ? 0 : cli_fail("info", "could not write to standard output");
	}

	gd_topo *topo;
	int rc = gd_topo_open(&topo);
	if (rc)
		return cli_fail("info", "could not load the hardware topology: %s", gd_strerror(rc));
	int npu = gd_topo_npu(topo);
	if (thr_arg) {
		if (cli_int_list(thr_arg, 1, npu, threads, 64, &nthr)) {
			gd_topo_close(topo);
			return cli_usage("info", "--threads '%s': expected a comma-separated list of counts from 1 to %d "
			                 "(the PUs this process may use)", thr_arg, npu);
		}
	} else {
		threads[nthr++] = 1;
		if (npu > 1)
			threads[nthr++] = npu;
	}

	gd_build_info b = cli_build_info();
	json_t *ctx = gd_context_new(topo, isa, &b);
	if (!ctx) {
		gd_topo_close(topo);
		return cli_fail("info", "out of memory");
	}
	/* this build's levels, lowest first (tools/test.sh runs the suite capped at each below the CPU's) */
	json_t *levels = json_array();
	for (int l = 0; l < GD_NISA; l++)
		json_array_append_new(levels, json_string(gd_isa_name((gd_isa)l)));
	json_object_set_new(ctx, "isa_levels", levels);
	if (!json) {
		const char *keys[] = { "cpu_model", "cpu_flags", "machine_id", "emulated", "isa_levels", "isa_max", "isa_hw_max",
			               "isa_refused", "isa", "stream_ahead", "stream_ahead_src", "topology",
			               "pus", "cores", "cache_l1d", "cache_l2", "cache_l3", "openblas_corename",
			               "openblas_config", "openblas_threads", "openblas_coretype_env", "compiler",
			               "build_type", "cflags",
			               "gdbench_version", "git_revision", "host", "kernel", "date", "load_avg_1m" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_t *v = json_object_get(ctx, keys[i]);
			char *s = v ? (json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY)) : NULL;
			printf("%-22s %s\n", keys[i], s && *s ? s : "-");
			free(s);
		}
		fflush(stdout);
	}
	for (int k = 0; probe && k < nthr; k++) {
		int pus[64];
		gd_roofline r;
		if ((rc = gd_topo_plan(topo, GD_PLACE_COMPACT, threads[k], 0, pus)) ||
		    (rc = gd_roofline_measure(topo, pus, threads[k], isa, (size_t)array_mb << 20, &r))) {
			json_decref(ctx);
			gd_topo_close(topo);
			return cli_fail("info", "roofline probe on %d thread(s) failed: %s", threads[k], gd_strerror(rc));
		}
		char key[32];
		snprintf(key, sizeof(key), "roofline_%dt", threads[k]);
		gd_context_add_roofline(ctx, key, &r);
		if (!json)
			printf("roofline %2d thread%s  copy %6.1f GB/s  triad %6.1f GB/s  FMA peak %7.1f GFLOP/s "
			       "(%.1f per core, %s, %zu MiB arrays)\n",
			       r.threads, r.threads == 1 ? " " : "s", r.copy_gbs, r.triad_gbs, r.fma_gflops,
			       r.fma_gflops_core, gd_isa_name(r.isa), r.array_bytes >> 20);
	}
	if (json) {
		json_dumpf(ctx, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(ctx);
	gd_topo_close(topo);
	return fflush(stdout) == 0 ? 0 : cli_fail("info", "could not write to standard output");
}
