/* Helpers shared by the subcommands: the one place that words errors and picks exit codes. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "gd_error.h"
#include "params.h"
#include "grad.h"
#include "registry.h"
#include "trules.h"

static void vmsg(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "gdbench%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'gdbench %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return GD_EXIT_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(cmd, fmt, ap);
	va_end(ap);
	return GD_EXIT_FAIL;
}

int cli_isa(const char *cmd, const char *request, gd_isa *out)
{
	int rc = gd_isa_resolve(request, out);
	const gd_cpu *cpu = gd_cpu_get();
	const char *shown = cpu->cap_bad ? cpu->cap_env : request;
	const char *from = cpu->cap_bad ? "GDBENCH_ISA" : "--isa";
	if (rc == GD_EINVAL)
		return cli_usage(cmd, "%s '%s' is not an ISA level; expected one of: %s", from, shown,
		                 GD_ISA_CHOICES);
	if (rc == GD_ENOCPU)
		return cli_usage(cmd, "%s %s: this CPU cannot run it (%s; best available: %s)", from, shown,
		                 cpu->refused, gd_isa_name(cpu->max));
	if (cpu->stream_bad)
		return cli_usage(cmd, "GDBENCH_STREAM_AHEAD '%s' is not a prefetch distance; expected an integer 0..%d (floats)",
		                 cpu->stream_env, GD_STREAM_AHEAD_MAX);
	/* the commands that time something say so once; their files carry context.emulated */
	if (cpu->emulated[0] && strcmp(cmd, "list") && strcmp(cmd, "gradcheck"))
		fprintf(stderr, "gdbench %s: warning: emulated (%s): timings are not measurements\n", cmd,
		        cpu->emulated);
	return 0;
}

int cli_int_list(const char *s, int lo, int hi, int *out, int max, int *n)
{
	*n = 0;
	const char *p = s;
	while (*p) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p || errno || v < lo || v > hi || (*end && *end != ',') || *n >= max)
			return -1;
		out[(*n)++] = (int)v;
		p = *end ? end + 1 : end;
		if (*end == ',' && !*p)
			return -1;
	}
	return *n ? 0 : -1;
}

gd_build_info cli_build_info(void)
{
	return (gd_build_info){ GD_VERSION, GD_GIT_REVISION, GD_COMPILER, GD_BUILD_TYPE,
		                GD_CFLAGS };
}

int cli_models(const char *cmd, const char *list, int *on)
{
	for (int k = 0; k < GD_NMODELS; k++)
		on[k] = !list;
	if (!list)
		return 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		int k = gd_model_from_name(w);
		if (k < 0)
			return cli_usage(cmd, "--models: unknown model '%s' (expected one of: %s)", w, cli_model_names());
		on[k] = 1;
	}
	return 0;
}

int cli_duration(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !(v > 0))
		return -1;
	if (!strcmp(end, "ms"))
		v *= 1e-3;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		v *= 60;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = v;
	return isfinite(v) ? 0 : -1;
}

int cli_dtypes(const char *cmd, const char *list, gd_dtype *out, int *n)
{
	char buf[256];
	*n = 0;
	if (strlen(list) >= sizeof(buf))
		return cli_usage(cmd, "--dtype: list too long");
	strcpy(buf, list);
	for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		gd_dtype d;
		int rc = gd_dtype_parse(w, &d);
		if (rc)
			return cli_usage(cmd, "--dtype: '%s' %s; expected PARAM/GRAD/STATE[+sr], one of" GD_DTYPE_CHOICES, w,
			                 rc == GD_ENOTSUP ? "has no kernels in this build" : "is not a storage type");
		int seen = 0;
		for (int j = 0; j < *n; j++)
			seen |= out[j] == d;
		if (!seen)
			out[(*n)++] = d;
	}
	if (!*n)
		return cli_usage(cmd, "--dtype: empty list; expected PARAM/GRAD/STATE[+sr]");
	return 0;
}

int cli_params(const char *cmd, const char *list, gd_param_set *sets, int max, int *n)
{
	char buf[1024];
	if (strlen(list) >= sizeof(buf))
		return cli_usage(cmd, "--params: list too long");
	strcpy(buf, list);
	for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		if (*n == max)
			return cli_usage(cmd, "--params: more than %d sets", max);
		char perr[512] = "";
		int lrc = gd_params_load(w, &sets[*n], perr, sizeof(perr));
		if (lrc == GD_ENOENT)
			return cli_usage(cmd, "--params: '%s' is neither a built-in set (see 'gdbench list --kind params') "
			                 "nor a readable file", w);
		if (lrc == GD_EFORMAT || lrc == GD_ERANGE)
			return cli_usage(cmd, "--params: %s", perr);
		if (lrc)
			return cli_fail(cmd, "--params '%s': %s", w, gd_strerror(lrc));
		++*n;
	}
	return 0;
}

/* The names a bad --rules/--models/--impl word is told to choose from, generated from the
 * registry (kernels/update.h, kernels/grad.h, harness/registry.h) so they never go stale. */
const char *cli_rule_names(void)
{
	static char buf[512];
	buf[0] = 0;
	for (int r = 0; r < gd_rule_count(); r++) /* built-in, then plugins' (plugin.h) */
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", r ? ", " : "", gd_rule_name((gd_rule)r));
	for (int r = 0; r < GD_NTRULES; r++) /* the per-tensor rules (kernels/trules.h) */
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), ", %s", gd_trule_name((gd_trule)r));
	return buf;
}

const char *cli_model_names(void)
{
	static char buf[256];
	buf[0] = 0;
	for (int k = 0; k < GD_NMODELS; k++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", k ? ", " : "",
		         gd_model_name((gd_model_kind)k));
	return buf;
}

const char *cli_impl_names(int gradient_only)
{
	static char buf[128];
	buf[0] = 0;
	for (int i = 0; i < GD_NIMPL; i++)
		if (!(gradient_only && i == GD_IMPL_AUTO))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s, ", gd_impl_name((gd_impl)i));
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), gradient_only ? "best" : "best, all");
	return buf;
}
