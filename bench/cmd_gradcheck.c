/* `gdbench gradcheck`: every model x variant's analytic gradient against centered finite differences. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gd_error.h"
#include "gradcheck.h"
#include "kbench.h"
#include "registry.h"
#include "rng.h"

static const char help[] =
	"Usage: gdbench gradcheck [OPTIONS]\n"
	"Compare each gradient kernel's analytic gradient (float32) with centered finite\n"
	"differences of an independent double-precision loss, on a small random problem.\n"
	"Prints the largest relative error per kernel, |a - n| / max(|a|, |n|, 1e-3), and exits 1\n"
	"if any exceeds the tolerance.\n"
	"\n"
	"  --models LIST   lsq, logistic, softmax, svm, mlp (default: all)\n"
	"  --impl LIST     scalar, simd, blas, best, all (default: all), or a plugin's impl name\n"
	"  --isa LEVEL     highest ISA to check (" GD_ISA_CHOICES ")\n"
	"  --rows N        rows in the batch (default 11)\n"
	"  --features D    features (default 13)\n"
	"  --classes C     classes for softmax, svm, mlp (default 4)\n"
	"  --hidden H      MLP hidden width (default 7)\n"
	"  --l1 X --l2 X   penalty weights (default 0.01 and 0.1: elastic net)\n"
	"  --seed S        random problem seed (default 1)\n"
	"  --tol T         tolerance on the relative error (default 1e-3)\n"
	"  --plugin PATH   load a plugin's kernels (repeatable; also GDBENCH_PLUGINS); loading runs\n"
	"                  its code (kernels, run and tune verify its rows before use)\n"
	"  -h, --help      this text\n";

static int parse_size(const char *s, size_t lo, size_t hi, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || *end || errno || v < lo || v > hi || s[0] == '-')
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_real(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int cmd_gradcheck(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "models", required_argument, NULL, 'm' }, { "impl", required_argument, NULL, 'p' },
		{ "isa", required_argument, NULL, 'i' },    { "rows", required_argument, NULL, 'n' },
		{ "features", required_argument, NULL, 'd' }, { "classes", required_argument, NULL, 'c' },
		{ "hidden", required_argument, NULL, 'H' }, { "l1", required_argument, NULL, '1' },
		{ "l2", required_argument, NULL, '2' },     { "seed", required_argument, NULL, 's' },
		{ "tol", required_argument, NULL, 't' },    { "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	const char *models = NULL, *impl_arg = "all", *isa_arg = NULL;
	size_t n = 11, d = 13, c = 4, h = 7, seed = 1;
	double l1 = 0.01, l2 = 0.1, tol = 1e-3;
	int ch, li = -1;
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
		int bad = 0;
		switch (ch) {
		case 'm': models = optarg; break;
		case 'p': impl_arg = optarg; break;
		case 'i': isa_arg = optarg; break;
		case 'n': bad = parse_size(optarg, 1, 100000, &n); break;
		case 'd': bad = parse_size(optarg, 1, 100000, &d); break;
		case 'c': bad = parse_size(optarg, 2, 1000, &c); break;
		case 'H': bad = parse_size(optarg, 1, 10000, &h); break;
		case '1': bad = parse_real(optarg, 0, 1e6, &l1); break;
		case '2': bad = parse_real(optarg, 0, 1e6, &l2); break;
		case 's': bad = parse_size(optarg, 0, SIZE_MAX, &seed); break;
		case 't': bad = parse_real(optarg, 1e-12, 1, &tol); break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage("gradcheck", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage("gradcheck", "unknown option '%s'", argv[optind - 1]);
		}
		if (bad)
			return cli_usage("gradcheck", "--%s '%s': out of range or not a number (see --help for ranges)",
			                 li >= 0 ? opts[li].name : "?", optarg);
	}
	if (optind < argc)
		return cli_usage("gradcheck", "unexpected argument '%s'", argv[optind]);
	gd_isa cap;
	if (cli_isa("gradcheck", isa_arg, &cap))
		return GD_EXIT_USAGE;
	unsigned impls;
	char bad[32];
	if (gd_impl_parse(impl_arg, &impls, bad, sizeof(bad)))
		return cli_usage("gradcheck", "--impl: unknown implementation '%s' (expected one of: %s)", bad, cli_impl_names(0));
	int on[GD_NMODELS];
	if (cli_models("gradcheck", models, on))
		return GD_EXIT_USAGE;

	int failures = 0, checked = 0;
	printf("%-22s %12s %12s  %s\n", "kernel", "grad relerr", "loss relerr", "verdict");
	for (size_t i = 0; i < gd_grad_rows(); i++) { /* built-in rows, then plugins' */
		const gd_grad_entry *e = gd_grad_row(i);
		if (!on[e->model] || !kb_row_wanted(e->isa, e->impl, e == gd_grad_best(e->model, cap, n), cap, impls))
			continue;
		int binary = e->model == GD_MODEL_LSQ || e->model == GD_MODEL_LOGISTIC;
		gd_model m = { .kind = e->model, .d = d, .c = binary ? 1 : c, .h = e->model == GD_MODEL_MLP ? h : 0,
			       .l1 = l1, .l2 = l2 };
		size_t np = gd_model_nparams(&m);
		float *x = malloc(n * d * sizeof(float)), *y = malloc(n * sizeof(float)), *p = malloc(np * sizeof(float));
		int32_t *lab = malloc(n * sizeof(int32_t));
		if (!x || !y || !p || !lab) {
			free(x), free(y), free(p), free(lab);
			return cli_fail("gradcheck", "out of memory");
		}
		for (size_t k = 0; k < n * d; k++)
			x[k] = (float)(2 * gd_rng_uniform(seed, 0, k) - 1);
		for (size_t k = 0; k < n; k++) {
			y[k] = (float)gd_rng_normal(seed, 1, k);
			lab[k] = (int32_t)(gd_rng_u64(seed, 2, k) % (e->model == GD_MODEL_LOGISTIC ? 2 : m.c));
		}
		for (size_t k = 0; k < np; k++)
			p[k] = (float)(gd_rng_uniform(seed, 3, k) - 0.5);
		gd_batch b = { .x = x, .ld = d, .y = y, .label = lab, .n = n };
		gd_gradcheck_result r;
		int rc = gd_gradcheck(e->fn, &m, p, &b, 1e-6, &r);
		free(x), free(y), free(p), free(lab);
		if (rc)
			return cli_fail("gradcheck", "%s: %s", e->name, gd_strerror(rc));
		int ok = r.max_rel_err <= tol && r.loss_rel_err <= tol;
		failures += !ok;
		checked++;
		printf("%-22s %12.3g %12.3g  %s", e->name, r.max_rel_err, r.loss_rel_err, ok ? "ok" : "FAIL");
		if (!ok)
			printf(" (param %zu: analytic %.9g, numeric %.9g)", r.worst, r.analytic, r.numeric);
		putchar('\n');
	}
	if (!checked)
		return cli_usage("gradcheck", "nothing to check: no kernel matches --models/--impl/--isa");
	printf("%d of %d kernels within tolerance %g\n", checked - failures, checked, tol);
	fflush(stdout);
	return failures ? GD_EXIT_FAIL : 0;
}
