/* Helpers shared by the gdbench subcommands: messages, exit codes, common flag parsing. */
#ifndef GD_CLI_H
#define GD_CLI_H

#include "context.h"
#include "cpu.h"
#include "dtype.h"
#include "params.h"

enum { GD_EXIT_OK = 0, GD_EXIT_FAIL = 1, GD_EXIT_USAGE = 2 };

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_gradcheck(int argc, char **argv);
int cmd_run(int argc, char **argv);
/* The name run's messages use: "tune" while tune drives it. */
void cmd_run_as(const char *name);
/* A duration "5s", "500ms", "2m", "1.5" (seconds) > 0 into *out; 0 or -1. */
int cli_duration(const char *s, double *out);
int cmd_paths(int argc, char **argv);
int cmd_tune(int argc, char **argv);

/* "gdbench CMD: <message>" plus a hint to --help on stderr; returns GD_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "gdbench CMD: <message>" on stderr; returns GD_EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Resolve --isa / GDBENCH_ISA with a message naming the choices or what the
 * CPU lacks. Returns 0 or GD_EXIT_USAGE. Under an emulator, a command that
 * times something (not list, gradcheck) warns once on stderr. */
int cli_isa(const char *cmd, const char *request, gd_isa *out);
/* Parse "1,2,4" into out[0..*n-1] (each in [lo, hi]). Returns 0 or -1. */
int cli_int_list(const char *s, int lo, int hi, int *out, int max, int *n);
gd_build_info cli_build_info(void);
/* Parse "softmax,mlp" into on[GD_NMODELS] (NULL list: all on). Returns 0, or
 * GD_EXIT_USAGE after a message naming the bad model. */
int cli_models(const char *cmd, const char *list, int *on);
/* Parse a --dtype list ("f32/f32/f32,bf16/bf16/f32+sr") into out[0..*n),
 * without repeats. Returns 0, or GD_EXIT_USAGE after a message naming the
 * bad word and the choices. */
int cli_dtypes(const char *cmd, const char *list, gd_dtype *out, int *n);
/* Load a --params list (built-in names or JSON files, comma separated) into
 * sets[*n..max), advancing *n (the caller frees them with gd_params_free).
 * Returns 0, or GD_EXIT_USAGE / GD_EXIT_FAIL after a message naming the set. */
int cli_params(const char *cmd, const char *list, gd_param_set *sets, int max, int *n);
/* Load GDBENCH_PLUGINS' and each --plugin PATH's plugin, taking --plugin and
 * --no-verify out of argv (the command's own options stay, in order); then,
 * if verify and no --no-verify, refuse any loaded row that disagrees with
 * the scalar reference. Returns 0, GD_EXIT_USAGE or GD_EXIT_FAIL after a
 * one-line message (bench/cli_plugins.c). */
int cli_plugins(const char *cmd, int *argc, char **argv, int verify);
/* In a Google Benchmark JSON document (kernels -o), context.plugins is the
 * JSON text of gd_plugin_context's array (the library's context holds
 * strings only): parse it back into the array. 1 if it did, else 0. */
int cli_plugins_context_unstring(json_t *doc);
/* "sgd, momentum, ...": every rule, model or implementation name of the registry, for the
 * message that refuses a bad one (a static buffer, rewritten by the next call).
 * cli_impl_names(1): gradient kernels in `run` (no auto, no all). */
const char *cli_rule_names(void);
const char *cli_model_names(void);
const char *cli_impl_names(int gradient_only);
#endif
