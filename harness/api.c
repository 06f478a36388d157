/* The installed library's lookup API (api.h) over the registry and the plugin loader. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "plugins.h"

int gdbench_update_find(const char *name, gdbench_update_kernel *k)
{
	const gd_update_entry *e = name ? gd_update_by_name(name) : NULL;
	if (!e)
		return GD_ENOENT;
	if (e->isa > gd_cpu_get()->max)
		return GD_ENOCPU;
	k->name = e->name;
	k->rule = e->rule;
	memcpy(k->fn, e->fn, sizeof(k->fn));
	return 0;
}

int gdbench_grad_find(const char *name, gdbench_grad_kernel *k)
{
	const gd_grad_entry *e = name ? gd_grad_by_name(name) : NULL;
	if (!e)
		return GD_ENOENT;
	if (e->isa > gd_cpu_get()->max)
		return GD_ENOCPU;
	k->name = e->name;
	k->model = e->model;
	k->fn = e->fn;
	return 0;
}

const char *gdbench_update_name(size_t i)
{
	const gd_update_entry *e = gd_update_row(i);
	return e ? e->name : NULL;
}

int gdbench_plugin_load(const char *path, char *why, size_t len)
{
	int rc = gd_plugin_load(path, why, len);
	if (rc)
		return rc;
	gd_mismatch mm;
	rc = gd_plugin_verify(&mm);
	if (rc == GD_EVERIFY)
		gd_mismatch_describe(&mm, why, len);
	else if (rc)
		snprintf(why, len, "%s", gd_strerror(rc));
	return rc;
}
