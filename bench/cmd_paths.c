/*
 * `gdbench paths`: optimizer trajectories on the analytic 2-D test functions
 * (the course material's classic animations, as data), written as JSON for
 * gdbench-report's contour plots. Each optimizer runs its registered update
 * kernel (scalar variant: two elements) on the exact gradient.
 */
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gd_error.h"
#include "optspec.h"
#include "registry.h"
#include "results.h"
#include "testfn.h"

static const char help[] =
	"Usage: gdbench paths [-o PATH] [--steps N]\n"
	"Run sgd, momentum, nesterov, adagrad, rmsprop and adam on the 2-D test functions\n"
	"(quadratic with kappa = 10 rotated by 30 degrees, rosenbrock, beale, saddle) from a fixed\n"
	"start, and write every iterate as JSON (schema gdbench-paths) for gdbench-report.\n"
	"\n"
	"  -o, --out PATH   output file (default: standard output)\n"
	"  --steps N        iterations per optimizer (default 300)\n"
	"  -h, --help       this text\n";

typedef struct fn_case {
	gd_testfn f;
	double start[2];
	double box[4]; /* xmin xmax ymin ymax of the plot */
	const char *opts[6];
} fn_case;

static const fn_case cases[] = {
	{ { GD_FN_QUADRATIC, 10, 0.5235987755982988, 0 }, { -4, 3 }, { -5, 5, -5, 5 },
	  { "sgd:lr=0.15", "sgd:lr=0.05:momentum=0.8", "sgd:lr=0.05:momentum=0.8:nesterov=1", "adagrad:lr=1",
	    "rmsprop:lr=0.05", "adam:lr=0.2" } },
	{ { GD_FN_ROSENBROCK, 0, 0, 0 }, { -1.5, 2 }, { -2, 2, -1, 3 },
	  { "sgd:lr=0.001", "sgd:lr=0.0005:momentum=0.9", "sgd:lr=0.0005:momentum=0.9:nesterov=1", "adagrad:lr=0.5",
	    "rmsprop:lr=0.01", "adam:lr=0.1" } },
	{ { GD_FN_BEALE, 0, 0, 0 }, { 1, 1.5 }, { -4.5, 4.5, -4.5, 4.5 },
	  { "sgd:lr=0.01", "sgd:lr=0.005:momentum=0.9", "sgd:lr=0.005:momentum=0.9:nesterov=1", "adagrad:lr=0.5",
	    "rmsprop:lr=0.01", "adam:lr=0.1" } },
	{ { GD_FN_SADDLE, 0, 0, 0 }, { -2, 1e-3 }, { -2.5, 2.5, -2.5, 2.5 },
	  { "sgd:lr=0.05", "sgd:lr=0.02:momentum=0.9", "sgd:lr=0.02:momentum=0.9:nesterov=1", "adagrad:lr=0.3",
	    "rmsprop:lr=0.02", "adam:lr=0.05" } },
};

int cmd_paths(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "steps", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL;
	long steps = 300;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'o': out = optarg; break;
		case 's':
			steps = strtol(optarg, &end, 10);
			if (*end || steps < 1 || steps > 100000)
				return cli_usage("paths", "--steps '%s': expected 1..100000", optarg);
			break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage("paths", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage("paths", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("paths", "unexpected argument '%s'", argv[optind]);
	json_t *fns = json_array();
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const fn_case *fc = &cases[k];
		double xs[2] = { NAN, NAN }, fs = NAN;
		int has_min = gd_testfn_minimizer(&fc->f, xs, &fs) == 0;
		json_t *paths = json_array();
		for (int o = 0; o < 6; o++) {
			gd_optspec sp;
			char err[256];
			if (gd_optspec_parse(fc->opts[o], &sp, err, sizeof(err)))
				return cli_fail("paths", "internal optimizer spec: %s", err);
			const gd_update_entry *e = gd_update_scalar(sp.rule);
			float w[2] = { (float)fc->start[0], (float)fc->start[1] }, g[2], sb[GD_MAX_STATE][2];
			void *state[GD_MAX_STATE] = { sb[0], sb[1], sb[2] };
			gd_state_init_as(sp.rule, &sp.hp, state, 2, GD_ST_F32);
			gd_step_carry carry = gd_step_carry_init();
			json_t *xy = json_array();
			json_array_append_new(xy, json_pack("[f, f]", (double)w[0], (double)w[1]));
			for (long t = 1; t <= steps; t++) {
				double x[2] = { w[0], w[1] }, gd[2];
				gd_testfn_eval(&fc->f, x, gd, NULL);
				g[0] = (float)gd[0];
				g[1] = (float)gd[1];
				gd_step st;
				gd_step_prepare(sp.rule, &sp.hp, t, sp.hp.lr, 1.0, &carry, &st);
				e->fn[GD_DT_F32](&sp.hp, &st, w, g, state, 2, 0);
				if (!isfinite(w[0]) || !isfinite(w[1]) || fabs(w[0]) > 1e6 || fabs(w[1]) > 1e6)
					break; /* diverged: the path ends */
				json_array_append_new(xy, json_pack("[f, f]", (double)w[0], (double)w[1]));
			}
			double last[2] = { w[0], w[1] };
			double fl = gd_testfn_eval(&fc->f, last, NULL, NULL);
			json_array_append_new(paths, json_pack("{s:s, s:o, s:o}", "optimizer", fc->opts[o], "final_f",
			                                       isfinite(fl) ? json_real(fl) : json_null(), "xy", xy));
		}
		json_array_append_new(
			fns, json_pack("{s:s, s:f, s:f, s:[f, f], s:[f, f, f, f], s:o, s:o}", "function",
			               gd_testfn_name(fc->f.kind), "kappa", fc->f.kappa, "theta", fc->f.theta, "start",
			               fc->start[0], fc->start[1], "box", fc->box[0], fc->box[1], fc->box[2], fc->box[3],
			               "minimizer", has_min ? json_pack("[f, f]", xs[0], xs[1]) : json_null(), "paths", paths));
	}
	json_t *doc = json_pack("{s:s, s:i, s:I, s:o}", "schema", "gdbench-paths", "version", 1, "steps",
	                        (json_int_t)steps, "functions", fns);
	int rc = 0;
	if (out) {
		int we = gd_results_write(out, doc);
		if (we)
			rc = cli_fail("paths", "cannot write '%s': %s", out, gd_strerror(we));
	} else {
		json_dumpf(doc, stdout, JSON_INDENT(1));
		putchar('\n');
	}
	json_decref(doc);
	return rc;
}
