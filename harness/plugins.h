/* Loading plugins (plugin.h) into the registry: their rows follow the built-in table's (registry.h). */
#ifndef GD_PLUGINS_H
#define GD_PLUGINS_H

#include <stddef.h>

#include <jansson.h>

#include "verify.h"

/* A loaded plugin file. */
typedef struct gd_plugin_file {
	char path[4096];
	size_t first, count;   /* its update rows: gd_update_row(gd_update_count + first ...) */
	size_t gfirst, gcount; /* its gradient rows: gd_grad_row(gd_grad_count + gfirst ...) */
	int rfirst, rcount;    /* the rules it added: ids rfirst .. rfirst + rcount - 1 */
	int verified;        /* 1 once gd_plugin_verify passed; 0 under --no-verify */
} gd_plugin_file;

#define GD_PLUGIN_MAX_FILES 16
#define GD_PLUGIN_MAX_ROWS 256

/*
 * dlopen path (RTLD_NOW | RTLD_LOCAL), check gdbench_plugin_abi, call
 * gdbench_plugin_init and take its rows. All or nothing: a plugin with one
 * bad row adds none. Returns 0, or after writing why into why[len]:
 * GD_EPLUGIN (dlopen error, missing symbol, duplicate row name, unknown
 * rule, model, ISA or CPU feature, impl clashing with a built-in one, null f32
 * function, init failed, too many; for a new rule: a name clashing with a
 * built-in rule, no reference, nstate out of range, an unknown hyperparameter
 * key, defaults failing the checks), GD_EABI.
 */
int gd_plugin_load(const char *path, char *why, size_t len);

/* Verify every loaded row this process may run (gd_cpu_get()->max) at each
 * dtype it has against the scalar row (gd_verify_update; a plugin rule's
 * reference is that row), and every gradient row against the model's scalar
 * gradient (gd_verify_grad). 0, or the first failure's code with *mm filled
 * for GD_EVERIFY. */
int gd_plugin_verify(gd_mismatch *mm);

size_t gd_plugin_nfiles(void);
const gd_plugin_file *gd_plugin_file_at(size_t i);
/* The file that registered row e, or NULL for a built-in row. */
const gd_plugin_file *gd_plugin_of(const gd_update_entry *e);
const gd_plugin_file *gd_plugin_of_grad(const gd_grad_entry *e);
/* The file that added rule r, or NULL for a built-in rule. */
const gd_plugin_file *gd_plugin_of_rule(gd_rule r);
/* Plugin impl k's name (impl GD_IMPL_PLUGIN_FIRST + k), or NULL. */
const char *gd_plugin_impl_name(int k);

/* ctx.plugins = [{path, rows, verified[, rules]}] when any plugin is loaded. */
void gd_plugin_context(json_t *ctx);

#endif
