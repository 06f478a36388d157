/* gdbench: the command-line entry point; dispatches subcommands, owns exit codes. */
#include <stdio.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

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
	"  tune      learning-rate grids, the best setting per optimizer and mode, reruns over seeds\n"
	"  gradcheck analytic gradients of every model x variant against finite differences\n"
	"  paths     optimizer trajectories on the 2-D test functions, as JSON for the report\n"
	"  compare   gdbench-compare: regression gate over two result files (runs the tool)\n"
	"  report    gdbench-report: HTML report with plots from result files (runs the tool)\n"
	"  history   gdbench-history: results over commits in SQLite, change points (runs the tool)\n"
	"\n"
	"Run 'gdbench COMMAND --help' for a command's options.\n"
	"Environment: GDBENCH_ISA caps the ISA level for the whole process (" GD_ISA_CHOICES "),\n"
	"as on a CPU without the levels above it. GDBENCH_STREAM_AHEAD=FLOATS sets how far ahead\n"
	"the simd gradient kernels prefetch rows read in order (a full batch; 0 = the hardware's\n"
	"prefetch alone; default: the figure measured for this core, else 0; see 'gdbench info').\n"
	"Plugins (list, kernels, run, tune, gradcheck): --plugin PATH (repeatable) and\n"
	"GDBENCH_PLUGINS=PATH[:PATH...] load a plugin's update-rule variants (README, \"Benchmark\n"
	"your own kernel\"); loading runs the plugin's code. Each row is verified against the\n"
	"scalar reference before kernels, run or tune use it; --no-verify skips that and the\n"
	"result file records it. Nothing is loaded unless named.\n"
	"Exit status: 0 success, 1 failure, 2 usage error.\n";

/* git-style: `gdbench compare ...` runs gdbench-compare, which reads JSON only
 * and never links the kernels. Looked for beside this executable (installed),
 * in ../tools (the build tree), then on PATH. */
static int exec_tool(const char *cmd, int argc, char **argv)
{
	char tool[64], self[PATH_MAX], path[PATH_MAX + 80];
	snprintf(tool, sizeof(tool), "gdbench-%s", cmd);
	argv[0] = tool;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		char *dir = dirname(self);
		snprintf(path, sizeof(path), "%s/%s", dir, tool);
		execv(path, argv);
		snprintf(path, sizeof(path), "%s/../tools/%s", dir, tool);
		execv(path, argv);
	}
	execvp(tool, argv);
	(void)argc;
	return cli_fail(NULL, "'%s' needs %s, which is not installed beside gdbench or on PATH", cmd, tool);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(NULL, "missing command (info, list, kernels, run, tune, gradcheck, paths, compare, report, history)");
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("gdbench %s (%s)\n", GD_VERSION, GD_GIT_REVISION);
		return 0;
	}
	if (!strcmp(cmd, "list") || !strcmp(cmd, "kernels") || !strcmp(cmd, "run") || !strcmp(cmd, "tune") ||
	    !strcmp(cmd, "gradcheck")) {
		int sub_argc = argc - 1, prc = cli_plugins(cmd, &sub_argc, argv + 1, strcmp(cmd, "list") && strcmp(cmd, "gradcheck"));
		if (prc)
			return prc;
		argc = sub_argc + 1;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "kernels"))
		return cmd_kernels(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare") || !strcmp(cmd, "report") || !strcmp(cmd, "history"))
		return exec_tool(cmd, argc - 1, argv + 1);
	if (!strcmp(cmd, "tune"))
		return cmd_tune(argc - 1, argv + 1);
	if (!strcmp(cmd, "paths"))
		return cmd_paths(argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "gradcheck"))
		return cmd_gradcheck(argc - 1, argv + 1);
	return cli_usage(NULL, "unknown command '%s'; expected one of: info, list, kernels, run, tune, gradcheck, paths, compare, report, history", cmd);
}
