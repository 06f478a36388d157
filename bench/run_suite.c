/* `gdbench run --suite FILE`: every group of a suite file as one `run` (run_suite.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "run_suite.h"
#include "suite.h"

/* Suites (suite.h): every group runs as one `run` with --append to the same
 * file, after the whole suite has been checked. */
int run_suite(const char *me, const char *file, int argc, char **argv, const char *out, int force)
{
	json_error_t e;
	json_t *s = json_load_file(file, 0, &e);
	if (!s && e.line < 0)
		return cli_usage(me, "--suite: %s", e.text);
	if (!s)
		return cli_usage(me, "--suite %s:%d:%d: %s", file, e.line, e.column, e.text);
	if (!out) {
		json_decref(s);
		return cli_usage(me, "--suite needs --out PATH");
	}
	if (!force && access(out, F_OK) == 0) {
		json_decref(s);
		return cli_usage(me, "'%s' exists; use --force to overwrite it", out);
	}
	/* our own flags, less --suite/--out/--force, go in front of every group's */
	char *base[SUITE_MAX_ARGS];
	int nb = 0;
	for (int i = 1; i < argc && nb < SUITE_MAX_ARGS; i++) {
		if (!strcmp(argv[i], "--suite") || !strcmp(argv[i], "--out") || !strcmp(argv[i], "-o")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "--suite=", 8) || !strncmp(argv[i], "--out=", 6) || !strcmp(argv[i], "--force"))
			continue;
		base[nb++] = argv[i];
	}
	suite_plan *plan = malloc(sizeof(*plan));
	char err[512];
	int rc = !plan ? cli_fail(me, "out of memory") : 0;
	if (!rc && suite_expand(s, base, nb, plan, err, sizeof(err)))
		rc = cli_usage(me, "--suite %s: %s", file, err);
	json_decref(s);
	if (!rc && force)
		unlink(out);
	for (int gi = 0; !rc && gi < plan->ngroups; gi++) {
		char **av = plan->argv[gi];
		int ac = plan->argc[gi];
		av[ac++] = "--out"; /* suite_expand leaves room for these */
		av[ac++] = (char *)out;
		av[ac++] = "--append";
		av[ac] = NULL;
		fprintf(stderr, "gdbench run: suite %s: group %d of %d\n", file, gi + 1, plan->ngroups);
		rc = cmd_run(ac, av);
	}
	free(plan);
	return rc;
}
