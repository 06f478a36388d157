/* Loading plugins (plugin.h) into the registry: their rows follow the built-in table's (registry.h). */
#ifndef GD_PLUGINS_H
#define GD_PLUGINS_H

#include <stddef.h>

#include <jansson.h>

#include "verify.h"

/* A loaded plugin file. */
typedef struct gd_plugin_file {
	char path[4096];
	size_t first, count; /* its rows: gd_update_row(gd_update_count + first ...) */
	int verified;        /* 1 once gd_plugin_verify passed; 0 under --no-verify */
} gd_plugin_file;

#define GD_PLUGIN_MAX_FILES 16
#define GD_PLUGIN_MAX_ROWS 256

/*
 * dlopen path (RTLD_NOW | RTLD_LOCAL), check gdbench_plugin_abi, call
 * gdbench_plugin_init and take its rows. All or nothing: a plugin with one
 * bad row adds none. Returns 0, or after writing why into why[len]:
 * GD_EPLUGIN (dlopen error, missing symbol, duplicate row name, unknown
 * rule, ISA or CPU feature, impl clashing with a built-in one, null f32
 * function, init failed, too many), GD_EABI.
 */
int gd_plugin_load(const char *path, char *why, size_t len);

/* Verify every loaded row this process may run (gd_cpu_get()->max) at each
 * dtype it has against the scalar row (gd_verify_update). 0, or the first
 * failure's code with *mm filled for GD_EVERIFY. */
int gd_plugin_verify(gd_mismatch *mm);

size_t gd_plugin_nfiles(void);
const gd_plugin_file *gd_plugin_file_at(size_t i);
/* The file that registered row e, or NULL for a built-in row. */
const gd_plugin_file *gd_plugin_of(const gd_update_entry *e);
/* Plugin impl k's name (impl GD_IMPL_PLUGIN_FIRST + k), or NULL. */
const char *gd_plugin_impl_name(int k);

/* ctx.plugins = [{path, rows, verified}] when any plugin is loaded. */
void gd_plugin_context(json_t *ctx);

#endif
