/* gdbench-report: the context block at the end of the page, with units, and the rooflines of every thread count used (report_sections.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_fig.h"
#include "report_plot.h"
#include "report_sections.h"

/* A context value as text: gdbench's run files hold numbers, kernels files
 * (Google Benchmark's context) the same values as strings. */
static double ctx_num(json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : json_is_string(v) ? atof(json_string_value(v)) : NAN;
}

/* bytes as "32 KiB", "512 KiB", "32 MiB". */
static void bytes(double b, char *buf, size_t len)
{
	if (b >= 1 << 30)
		snprintf(buf, len, "%g GiB", b / (1 << 30));
	else if (b >= 1 << 20)
		snprintf(buf, len, "%g MiB", b / (1 << 20));
	else if (b >= 1 << 10)
		snprintf(buf, len, "%g KiB", b / (1 << 10));
	else
		snprintf(buf, len, "%g B", b);
}

/* roofline_<t>t of any of the nd contexts (an object, or in a kernels file the
 * object as a JSON string); NULL when none measured it. A new reference. */
static json_t *roofline(json_t **contexts, int nd, int t)
{
	char key[32];
	snprintf(key, sizeof(key), "roofline_%dt", t);
	for (int d = 0; d < nd; d++) {
		json_t *r = json_object_get(contexts[d], key);
		if (json_is_object(r))
			return json_incref(r);
		if (json_is_string(r)) {
			json_t *o = json_loads(json_string_value(r), 0, NULL);
			if (json_is_object(o))
				return o;
			json_decref(o);
		}
	}
	return NULL;
}

void rp_context_section(rp_ctx *ctx, json_t **contexts, int nd, const int *threads_used, int nthreads)
{
	json_t *c = contexts[0];
	static const char *const keys[] = { "cpu_model", "machine_id", "isa", "isa_max", "isa_refused", "cpu_flags",
		                            "topology", "pus", "cores", "cache_l1d", "cache_l2", "cache_l3",
		                            "openblas_corename", "openblas_threads", "openblas_threads_used", "compiler",
		                            "build_type", "cflags", "gdbench_version", "git_revision", "date", "host",
		                            "kernel", "load_avg_1m" };
	rp_section(ctx, "context", "Context: the machine and build");
	fputs("<table class=ctx>", ctx->html);
	for (int t = 0; t < nthreads; t++) {
		json_t *r = roofline(contexts, nd, threads_used[t]);
		fprintf(ctx->html, "<tr><th>roofline, %d thread%s</th><td>", threads_used[t], threads_used[t] > 1 ? "s" : "");
		if (r)
			fprintf(ctx->html, "copy %.1f GB/s, triad %.1f GB/s, FMA peak %.1f GFLOP/s (%s)", ctx_num(json_object_get(r, "copy_GBps")),
			        ctx_num(json_object_get(r, "triad_GBps")), ctx_num(json_object_get(r, "fma_GFLOPs")),
			        rp_str(r, "isa"));
		else
			fprintf(ctx->html, "<span class=nr>not measured</span> (<code>gdbench info --threads %d</code> measures it)",
			        threads_used[t]);
		fputs("</td></tr>", ctx->html);
		json_decref(r);
	}
	double peak = ctx_num(json_object_get(c, "fma_peak_GFLOPs_1core"));
	if (isfinite(peak))
		fprintf(ctx->html, "<tr><th>FMA peak, 1 core (kernels)</th><td>%.1f GFLOP/s</td></tr>", peak);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = json_object_get(c, keys[k]);
		if (!v || json_is_null(v))
			continue;
		char buf[64], *s = NULL;
		if (!strncmp(keys[k], "cache_", 6) && isfinite(ctx_num(v)))
			bytes(ctx_num(v), buf, sizeof(buf));
		else if (!strcmp(keys[k], "load_avg_1m"))
			snprintf(buf, sizeof(buf), "%.2f", ctx_num(v));
		else
			s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
		fprintf(ctx->html, "<tr><th>%s</th><td>", keys[k]);
		rp_esc(ctx, s ? s : buf);
		fputs("</td></tr>", ctx->html);
		free(s);
	}
	fputs("</table>\n", ctx->html);
}
