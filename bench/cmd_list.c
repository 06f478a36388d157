/* `gdbench list`: the registry as a table or as JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dataset.h"
#include "gd_error.h"
#include "params.h"
#include "plugins.h"
#include "registry.h"
#include "tstep.h"
#include "testfn.h"

static const char help[] =
	"Usage: gdbench list [--kind KIND] [--json] [--isa LEVEL] [--params FILE]...\n"
	"Print the registry: update rules and gradient kernels (best first within each, scalar\n"
	"last), the analytic test functions, the datasets and the parameter sets.\n"
	"\n"
	"  --kind KIND     update, per-tensor, grad, function, dataset, params or all (default: all);\n"
	"                  per-tensor: the rules with per-tensor norms or factors (lamb, lars,\n"
	"                  adafactor, sfadamw, muon), f32 storage only\n"
	"  --json          print the entries as JSON (an array of objects with a \"kind\" field)\n"
	"  --isa LEVEL     mark entries above LEVEL as not runnable (" GD_ISA_CHOICES ")\n"
	"  --params FILE   also list the parameter set in FILE, a JSON file as results/params.schema.json\n"
	"                  describes, after the built-in sets; repeatable. Alone it implies --kind params.\n"
	"                  A built-in set's name lists that set again: write ./NAME for a file so named.\n"
	"  --plugin PATH   load a plugin's kernels and rules (repeatable; also GDBENCH_PLUGINS);\n"
	"                  loading runs its code (kernels, run and tune verify its rows before use)\n"
	"  -h, --help      this text\n"
	"\n"
	"Update rules: name (<rule>/<impl>[/<isa>]), runnable here, state arrays, FLOPs and bytes\n"
	"per element (default hyperparameters), CPU features needed. Gradient kernels: name, runnable,\n"
	"parameters and FLOPs per row for the Fashion-MNIST shape (d = 784, c = 10, MLP h = 128).\n"
	"Parameter sets (the tensors of a model, for the update-rule benchmarks): name, tensors,\n"
	"parameters, the largest and smallest tensor's elements, where the shapes come from.\n";

static void list_grads(json_t *arr, gd_isa cap)
{
	if (!arr)
		printf("\n%-24s %-9s %-6s %-6s %-9s %8s %10s  %s\n", "gradient kernel", "model", "impl", "isa",
		       "runnable", "params", "flops/row", "needs");
	for (size_t i = 0; i < gd_grad_rows() + gd_csr_count; i++) { /* dense rows (plugins' too), then CSR rows */
		int csr = i >= gd_grad_rows();
		const gd_grad_entry *e = csr ? &gd_csr_table[i - gd_grad_rows()] : gd_grad_row(i);
		const gd_plugin_file *from = csr ? NULL : gd_plugin_of_grad(e);
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
			printf("%-24s %-9s %-6s %-6s %-9s %8zu %10.0f  %s%s%s%s\n", e->name, gd_model_name(e->model),
			       gd_impl_name(e->impl), gd_isa_name(e->isa), ok ? "yes" : "no", gd_model_nparams(&m),
			       gd_model_flops_per_row(&m), gd_isa_features(e->isa), e->impl == GD_IMPL_BLAS ? " + OpenBLAS" : "",
			       from ? "  plugin " : "", from ? from->path : "");
		if (arr && from)
			json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "plugin", json_string(from->path));
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

static void list_updates(json_t *arr, gd_isa cap)
{
	if (!arr)
		printf("%-22s %-9s %-6s %-6s %-9s %5s %6s %6s  %s\n", "name", "rule", "impl", "isa", "runnable",
		       "state", "flops", "bytes", "needs");
	for (size_t i = 0; i < gd_update_rows(); i++) { /* built-in rows, then plugins' */
		const gd_update_entry *e = gd_update_row(i);
		const gd_plugin_file *from = gd_plugin_of(e);
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		int ok = e->isa <= cap;
		if (arr) {
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
			if (from)
				json_object_set_new(json_array_get(arr, json_array_size(arr) - 1), "plugin", json_string(from->path));
		} else {
			printf("%-22s %-9s %-6s %-6s %-9s %5d %6d %6d  %s%s%s\n", e->name, gd_rule_name(e->rule),
			       gd_impl_name(e->impl), gd_isa_name(e->isa), ok ? "yes" : "no",
			       gd_rule_nstate(e->rule, &hp), gd_rule_flops(e->rule, &hp),
			       gd_rule_bytes(e->rule, &hp), gd_isa_features(e->isa), from ? "  plugin " : "",
			       from ? from->path : "");
		}
	}
}

/* The per-tensor rules (kernels/trules.h): kind "per-tensor". */
static void list_trules(json_t *arr, gd_isa cap)
{
	if (!arr)
		printf("\n%-22s %-9s %-6s %-6s %-9s %6s %6s %6s  %s\n", "per-tensor rule", "rule", "impl", "isa", "runnable",
		       "passes", "flops", "bytes", "reference (f32 storage only)");
	for (size_t i = 0; i < gd_trule_count; i++) {
		const gd_trule_entry *e = &gd_trule_table[i];
		const gd_trule_info *ti = gd_trule_info_of(e->rule);
		int ok = e->isa <= cap;
		if (arr) {
			json_t *keys = json_array();
			for (int k = 0; k < GD_NKEYS; k++)
				if (ti->keys & (1u << k))
					json_array_append_new(keys, json_string(gd_key_name(k)));
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:s, s:s, s:o}",
			                                     "name", e->name, "kind", "per-tensor", "per_tensor", 1,
			                                     "rule", ti->name, "impl", gd_impl_name(e->impl),
			                                     "isa", gd_isa_name(e->isa), "runnable", ok, "passes", ti->passes,
			                                     "flops_per_elem", ti->flops, "bytes_per_elem", ti->bytes,
			                                     "bytes_per_elem_1d", ti->bytes_1d ? ti->bytes_1d : ti->bytes,
			                                     "needs", gd_isa_features(e->isa), "reference", ti->ref, "keys", keys));
		} else {
			printf("%-22s %-9s %-6s %-6s %-9s %6d %6d %6d  %s\n", e->name, ti->name, gd_impl_name(e->impl),
			       gd_isa_name(e->isa), ok ? "yes" : "no", ti->passes, ti->flops, ti->bytes, ti->ref);
		}
	}
}

/* {"name", "shape", "numel"} of tensor t */
static json_t *tensor_json(const gd_tensor *t)
{
	json_t *shape = json_array();
	for (int k = 0; k < t->ndim; k++)
		json_array_append_new(shape, json_integer((json_int_t)t->shape[k]));
	return json_pack("{s:s, s:o, s:I}", "name", t->name, "shape", shape, "numel", (json_int_t)t->numel);
}

static void list_one_set(json_t *arr, const gd_param_set *ps, int builtin)
{
	const gd_tensor *big = &ps->t[0], *small = &ps->t[0]; /* the first of equals, in set order */
	for (size_t i = 1; i < ps->ntensors; i++) {
		if (ps->t[i].numel > big->numel)
			big = &ps->t[i];
		if (ps->t[i].numel < small->numel)
			small = &ps->t[i];
	}
	if (arr)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:I, s:I, s:o, s:o, s:s}", "name", ps->name, "kind",
		                                     "params", "builtin", builtin, "tensors", (json_int_t)ps->ntensors,
		                                     "parameters", (json_int_t)ps->total, "largest", tensor_json(big),
		                                     "smallest", tensor_json(small), "source", ps->source));
	else
		printf("%-18s %7zu %13zu %12zu %9zu  %s\n", ps->name, ps->ntensors, ps->total, big->numel, small->numel,
		       ps->source);
}

/* The built-in sets, then the user's (already read); 0 or a gd_error.h code. */
static int list_params(json_t *arr, const gd_param_set *user, size_t nuser)
{
	if (!arr)
		printf("\n%-18s %7s %13s %12s %9s  %s\n", "parameter set", "tensors", "parameters", "largest", "smallest",
		       "source");
	for (size_t i = 0; i < gd_params_builtin_count(); i++) {
		gd_param_set ps;
		int rc = gd_params_load(gd_params_builtin_name(i), &ps, NULL, 0);
		if (rc)
			return rc;
		list_one_set(arr, &ps, 1);
		gd_params_free(&ps);
	}
	for (size_t i = 0; i < nuser; i++)
		list_one_set(arr, &user[i], 0);
	return 0;
}

/* Read every --params set before anything is printed: a bad file fails the
 * command with its own message and an empty standard output. 0 or an exit status. */
static int read_user_sets(char **files, size_t n, gd_param_set *sets)
{
	for (size_t i = 0; i < n; i++) {
		char err[1024];
		int rc = gd_params_load(files[i], &sets[i], err, sizeof(err));
		if (rc == GD_ENOENT)
			return cli_usage("list", "--params: %s", err);
		if (rc == GD_EFORMAT || rc == GD_ERANGE)
			return cli_fail("list", "%s", err);
		if (rc)
			return cli_fail("list", "--params '%s': %s", files[i], gd_strerror(rc));
	}
	return 0;
}

/* After option parsing: check the combination, read the --params files, print. */
static int list_body(const char *kind, int json, const char *isa_req, char **files, size_t nfiles)
{
	gd_isa cap;
	if (cli_isa("list", isa_req, &cap))
		return GD_EXIT_USAGE;
	if (!kind) /* --params alone asks for parameter sets */
		kind = nfiles ? "params" : "all";
	int all = !strcmp(kind, "all");
	if (!all && strcmp(kind, "update") && strcmp(kind, "per-tensor") && strcmp(kind, "grad") && strcmp(kind, "function") && strcmp(kind, "dataset") &&
	    strcmp(kind, "params"))
		return cli_usage("list", "--kind '%s': expected update, per-tensor, grad, function, dataset, params or all", kind);
	if (nfiles && !all && strcmp(kind, "params"))
		return cli_usage("list", "--params lists a parameter set: it needs --kind params or all, not '%s'", kind);
	gd_param_set *user = calloc(nfiles ? nfiles : 1, sizeof(*user));
	if (!user)
		return cli_fail("list", "out of memory");
	int rc = read_user_sets(files, nfiles, user);
	if (rc)
		goto out;
	json_t *arr = json ? json_array() : NULL;
	if (all || !strcmp(kind, "update"))
		list_updates(arr, cap);
	if (all || !strcmp(kind, "per-tensor"))
		list_trules(arr, cap);
	if (all || !strcmp(kind, "grad"))
		list_grads(arr, cap);
	if (all || !strcmp(kind, "function"))
		list_functions(arr);
	if (all || !strcmp(kind, "dataset"))
		list_datasets(arr);
	if ((all || !strcmp(kind, "params")) && (rc = list_params(arr, user, nfiles))) {
		rc = cli_fail("list", "building the parameter sets: %s", gd_strerror(rc));
		json_decref(arr);
		goto out;
	}
	if (json) {
		rc = !arr || json_dumpf(arr, stdout, JSON_INDENT(2)) < 0 ? cli_fail("list", "could not write JSON") : 0;
		if (!rc)
			putchar('\n');
		json_decref(arr);
	}
	if (!rc && fflush(stdout) != 0)
		rc = cli_fail("list", "could not write to standard output");
out:
	for (size_t i = 0; i < nfiles; i++)
		gd_params_free(&user[i]);
	free(user);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "isa", required_argument, NULL, 'i' },
		{ "kind", required_argument, NULL, 'k' },
		{ "params", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int json = 0, c;
	const char *isa_req = NULL, *kind = NULL;
	char **files = calloc((size_t)argc, sizeof(*files)); /* the --params values (at most argc) */
	size_t nfiles = 0;
	if (!files)
		return cli_fail("list", "out of memory");
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'i': isa_req = optarg; break;
		case 'k': kind = optarg; break;
		case 'p': files[nfiles++] = optarg; break;
		case 'h': free(files); fputs(help, stdout); return 0;
		case ':': free(files); return cli_usage("list", "option '%s' needs a value", argv[optind - 1]);
		default: free(files); return cli_usage("list", "unknown option '%s'", argv[optind - 1]);
		}
	}
	int rc = optind < argc ? cli_usage("list", "unexpected argument '%s'", argv[optind])
	                       : list_body(kind, json, isa_req, files, nfiles);
	free(files);
	return rc;
}

