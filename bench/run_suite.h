/* `gdbench run --suite FILE` (run_suite.c): the groups of a suite file, each one `run`. */
#ifndef GD_RUN_SUITE_H
#define GD_RUN_SUITE_H

/* Check the whole suite, then run every group (suite.h) as `run` with the
 * command line's own flags argv[1..argc) (less --suite, --out, --force) in
 * front of the group's and --out out --append after. me: the command name
 * for messages. Returns the exit status (of the first group that failed). */
int run_suite(const char *me, const char *file, int argc, char **argv, const char *out, int force);
#endif
