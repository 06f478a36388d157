/* `gdbench list`: the registry as a table or as JSON. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "cli.h"
#include "registry.h"

static const char help[] =
	"Usage: gdbench list [--json] [--isa LEVEL]\n"
	"Print every registered kernel, best first within a rule, scalar last.\n"
	"\n"
	"  --json        print the table as JSON (an array of objects)\n"
	"  --isa LEVEL   mark entries above LEVEL as not runnable (scalar, avx2, avx512, best)\n"
	"  -h, --help    this text\n"
	"\n"
	"Columns: name (<rule>/<impl>[/<isa>]), whether this CPU can run it (and --isa allows it),\n"
	"state arrays, FLOPs and bytes moved per element with default hyperparameters,\n"
	"and the CPU features the entry needs.\n";

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "isa", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ 0, 0, 0, 0 },
	};
	int json = 0, c;
	const char *isa_req = NULL;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'i': isa_req = optarg; break;
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

	json_t *arr = json ? json_array() : NULL;
	if (!json)
		printf("%-22s %-9s %-6s %-6s %-9s %5s %6s %6s  %s\n", "name", "rule", "impl", "isa", "runnable",
		       "state", "flops", "bytes", "needs");
	for (size_t i = 0; i < gd_update_count; i++) {
		const gd_update_entry *e = &gd_update_table[i];
		gd_hparams hp;
		gd_hparams_default(e->rule, &hp);
		int ok = e->isa <= cap;
		if (json) {
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:s}",
			                                     "name", e->name, "kind", "update",
			                                     "rule", gd_rule_name(e->rule), "impl", gd_impl_name(e->impl),
			                                     "isa", gd_isa_name(e->isa), "runnable", ok,
			                                     "state_arrays", gd_rule_nstate(e->rule, &hp),
			                                     "flops_per_elem", gd_rule_flops(e->rule, &hp),
			                                     "bytes_per_elem", gd_rule_bytes(e->rule, &hp),
			                                     "needs", gd_isa_features(e->isa)));
		} else {
			printf("%-22s %-9s %-6s %-6s %-9s %5d %6d %6d  %s\n", e->name, gd_rule_name(e->rule),
			       gd_impl_name(e->impl), gd_isa_name(e->isa), ok ? "yes" : "no",
			       gd_rule_nstate(e->rule, &hp), gd_rule_flops(e->rule, &hp),
			       gd_rule_bytes(e->rule, &hp), gd_isa_features(e->isa));
		}
	}
	if (json) {
		if (!arr || json_dumpf(arr, stdout, JSON_INDENT(2)) < 0)
			return cli_fail("list", "could not write JSON");
		putchar('\n');
		json_decref(arr);
	}
	return fflush(stdout) == 0 ? 0 : cli_fail("list", "could not write to standard output");
}
