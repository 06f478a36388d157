/* `gdbench list`: the registry as a table or as JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "registry.h"
#include "testfn.h"

static const char help[] =
	"Usage: gdbench list [--kind KIND] [--json] [--isa LEVEL]\n"
	"Print the registry: update rules and gradient kernels (best first within each, scalar\n"
	"last), the analytic test functions and the datasets.\n"
	"\n"
	"  --kind KIND   update, grad, function, dataset or all (default: all)\n"
	"  --json        print the entries as JSON (an array of objects with a \"kind\" field)\n"
	"  --isa LEVEL   mark entries above LEVEL as not runnable (" GD_ISA_CHOICES ")\n"
	"  -h, --help    this text\n"
	"\n"
	"Update rules: name (<rule>/<impl>[/<isa>]), runnable here, state arrays, FLOPs and bytes\n"
	"per element (default hyperparameters), CPU features needed. Gradient kernels: name, runnable,\n"
	"parameters and FLOPs per row for the Fashion-MNIST shape (d = 784, c = 10, MLP h = 128).\n";

static void list_grads(json_t *arr, gd_isa cap)
{
	if (!arr)
		printf("\n%-24s %-9s %-6s %-6s %-9s %8s %10s  %s\n", "gradient kernel", "model", "impl", "isa",
		       "runnable", "params", "flops/row", "needs");
	for (size_t i = 0; i < gd_grad_count + gd_csr_count; i++) { /* dense rows, then CSR rows */
		int csr = i >= gd_grad_count;
		const gd_grad_entry *e = csr ? &gd_csr_table[i - gd_grad_count] : &gd_grad_table[i];
		int binary = e->model == GD_MODEL_LSQ || e->model == GD_MODEL_LOGISTIC;
		gd_model m = { .kind = e->model, .d = 784, .c = binary ? 1 : 10, .h = e->model == GD_MODEL_MLP ? 128 : 0 };
		int ok = e->isa <= cap;
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:f, s:s}", "name", e->name,
			                                     "kind", "grad", "layout", csr ? "csr" : "dense",
			                                     "model", gd_model_name(e->model),
			                                     "impl", gd_impl_name(e->impl), "isa", gd_isa_name(e->isa),
			                                     "runnable", ok, "params", (json_int_t)gd_model_nparams(&m),
			                                     "flops_per_row", gd_model_flops_per_row(&m),
			                                     "needs", gd_isa_features(e->isa)));
		else
			printf("%-24s %-9s %-6s %-6s %-9s %8zu %10.0f  %s%s\n", e->name, gd_model_name(e->model),
			       gd_impl_name(e->impl), gd_isa_name(e->isa), ok ? "yes" : "no", gd_model_nparams(&m),
			       gd_model_flops_per_row(&m), gd_isa_features(e->isa), e->impl == GD_IMPL_BLAS ? " + OpenBLAS" : "");
	}
}

static void list_functions(json_t *arr)
{
	if (!arr)
		printf("\n%-12s %3s  %s\n", "function", "dim", "minimizer");
	for (int k = 0; k < GD_NTESTFN; k++) {
		gd_testfn f = { .kind = (gd_testfn_kind)k, .kappa = 10, .c = 1 };
		double xs[2] = { 0, 0 }, fs = 0;
		int has = gd_testfn_minimizer(&f, xs, &fs) == 0;
		char where[64];
		if (has)
			snprintf(where, sizeof(where), "(%g, %g), f = %g", xs[0], xs[1], fs);
		else
			snprintf(where, sizeof(where), "none");
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:s}", "name", gd_testfn_name(f.kind), "kind",
			                                     "function", "dim", gd_testfn_dim(f.kind), "minimizer", where));
		else
			printf("%-12s %3d  %s\n", gd_testfn_name(f.kind), gd_testfn_dim(f.kind), where);
	}
}

static void list_datasets(json_t *arr)
{
	static const struct { const char *name, *what; } ds[] = {
		{ "fashion-mnist", "60000 + 10000 images, 784 features, 10 classes (" GD_FASHION_MNIST_DIR ")" },
		{ "libsvm:PATH", "your own file, label index:value ..., densified" },
		{ "synth-regression", "linear regression with a chosen condition number and noise" },
		{ "synth-blobs", "Gaussian blobs, C classes" },
	};
	if (!arr)
		printf("\n%-18s %s\n", "dataset", "contents");
	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name", ds[i].name, "kind", "dataset",
			                                     "contents", ds[i].what));
		else
			printf("%-18s %s\n", ds[i].name, ds[i].what);
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "isa", required_argument, NULL, 'i' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int json = 0, c;
	const char *isa_req = NULL, *kind = "all";
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'i': isa_req = optarg; break;
		case 'k': kind = optarg; break;
		case 'h': fputs(help, stdout); return 0;
		case ':': return cli_usage("list", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage("list", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("list", "unexpected argument '%s'", argv[optind]);
	gd_isa cap;
	if (cli_isa("list", isa_req, &cap))
		return GD_EXIT_USAGE;
	int all = !strcmp(kind, "all");
	if (!all && strcmp(kind, "update") && strcmp(kind, "grad") && strcmp(kind, "function") && strcmp(kind, "dataset"))
		return cli_usage("list", "--kind '%s': expected update, grad, function, dataset or all", kind);

	json_t *arr = json ? json_array() : NULL;
	if (!all && strcmp(kind, "update"))
		goto rest;
	if (!json)
		printf("%-22s %-9s %-6s %-6s %-9s %5s %6s %6s  %s\n", "name", "rule", "impl", "isa", "runnable",
		       "state", "flops", "bytes", "needs");
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i];
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		int ok = e->isa <= cap;
		if (json) {
			const gd_rule_info *ri = gd_rule_info_of(e->rule);
			json_t *keys = json_array();
			for (int k = 0; k < GD_NKEYS; k++)
				if (ri->keys & (1u << k))
					json_array_append_new(keys, json_string(gd_key_name(k)));
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:s, s:s, s:o, s:b}",
			                                     "name", e->name, "kind", "update",
			                                     "rule", gd_rule_name(e->rule), "impl", gd_impl_name(e->impl),
			                                     "isa", gd_isa_name(e->isa), "runnable", ok,
			                                     "state_arrays", gd_rule_nstate(e->rule, &hp),
			                                     "flops_per_elem", gd_rule_flops(e->rule, &hp),
			                                     "bytes_per_elem", gd_rule_bytes(e->rule, &hp),
			                                     "needs", gd_isa_features(e->isa), "torch", ri->torch,
			                                     "keys", keys, "decoupled_weight_decay", ri->decoupled));
		} else {
			printf("%-22s %-9s %-6s %-6s %-9s %5d %6d %6d  %s\n", e->name, gd_rule_name(e->rule),
			       gd_impl_name(e->impl), gd_isa_name(e->isa), ok ? "yes" : "no",
			       gd_rule_nstate(e->rule, &hp), gd_rule_flops(e->rule, &hp),
			       gd_rule_bytes(e->rule, &hp), gd_isa_features(e->isa));
		}
	}
rest:
	if (all || !strcmp(kind, "grad"))
		list_grads(arr, cap);
	if (all || !strcmp(kind, "function"))
		list_functions(arr);
	if (all || !strcmp(kind, "dataset"))
		list_datasets(arr);
	if (json) {
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) < 0)
			return cli_fail("list", "could not write JSON");
		putchar('\n');
		json_decref(arr);
	}
	return fflush(stdout) == 0 ? 0 : cli_fail("list", "could not write to standard output");
}
