/* gdbench: the command-line entry point; dispatches subcommands, owns exit codes. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static const char usage[] =
	"Usage: gdbench COMMAND [OPTIONS]\n"
	"Benchmark gradient-descent optimizers' kernels on this CPU.\n"
	"\n"
	"Commands:\n"
	"  info      machine context and the roofline measured now (bandwidth, FMA peak)\n"
	"  list      the registry: update rules, gradient kernels, test functions, datasets\n"
	"  kernels   microbenchmarks of update rules and gradient kernels (Google Benchmark)\n"
	"  run       convergence runs: loss against training time, optimizers x modes x threads\n"
	"  gradcheck analytic gradients of every model x variant against finite differences\n"
	"\n"
	"Run 'gdbench COMMAND --help' for a command's options.\n"
	"Environment: GDBENCH_ISA caps the ISA level like --isa (scalar, avx2, avx512, best).\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(NULL, "missing command (info, list, kernels, run, gradcheck)");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("gdbench %s (%s)\n", GD_VERSION, GD_GIT_REVISION);
		return 0;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "kernels"))
		return cmd_kernels(argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "gradcheck"))
		return cmd_gradcheck(argc - 1, argv + 1);
	return cli_usage(NULL, "unknown command '%s'; expected one of: info, list, kernels, run, gradcheck", cmd);
}
