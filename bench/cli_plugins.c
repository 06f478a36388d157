/* --plugin PATH, GDBENCH_PLUGINS and --no-verify for list, kernels, run, tune and gradcheck: load, verify, or say why not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gd_error.h"
#include "plugins.h"

static int load(const char *cmd, const char *from, const char *path)
{
	char why[512];
	if (gd_plugin_load(path, why, sizeof(why)))
		return cli_fail(cmd, "%s %s: %s", from, path, why);
	return 0;
}

int cli_plugins(const char *cmd, int *argc, char **argv, int verify)
{
	int no_verify = 0, n = 1, rc;
	const char *env = getenv("GDBENCH_PLUGINS");
	if (env && *env) {
		char *list = strdup(env);
		if (!list)
			return cli_fail(cmd, "%s", gd_strerror(GD_ENOMEM));
		rc = 0;
		for (char *sv, *p = strtok_r(list, ":", &sv); p && !rc; p = strtok_r(NULL, ":", &sv))
			rc = load(cmd, "GDBENCH_PLUGINS:", p);
		free(list);
		if (rc)
			return rc;
	}
	/* ours out of argv, the rest kept in order for the command's own parser */
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--no-verify")) {
			no_verify = 1;
		} else if (!strcmp(a, "--plugin") || !strncmp(a, "--plugin=", 9)) {
			const char *path = a[8] == '=' ? a + 9 : i + 1 < *argc ? argv[++i] : NULL;
			if (!path || !*path)
				return cli_usage(cmd, "option '--plugin' needs a value: the path of a plugin's shared object");
			/* dlopen searches the library path for a bare name: never load from there implicitly */
			char shown[4200];
			snprintf(shown, sizeof(shown), "%s%s", strchr(path, '/') ? "" : "./", path);
			if ((rc = load(cmd, "--plugin", shown)))
				return rc;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	*argc = n;
	if (!verify || no_verify)
		return 0;
	gd_mismatch mm;
	rc = gd_plugin_verify(&mm);
	if (rc == GD_EVERIFY) {
		char msg[512];
		gd_mismatch_describe(&mm, msg, sizeof(msg));
		return cli_fail(cmd, "refusing a plugin row that disagrees with the scalar reference: %s (--no-verify runs it anyway)",
		                msg);
	}
	if (rc)
		return cli_fail(cmd, "verifying the plugin rows: %s", gd_strerror(rc));
	return 0;
}

int cli_plugins_context_unstring(json_t *doc)
{
	json_t *ctx = json_object_get(doc, "context");
	const char *text = json_string_value(json_object_get(ctx, "plugins"));
	json_t *arr = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return 0;
	}
	json_object_set_new(ctx, "plugins", arr);
	return 1;
}
