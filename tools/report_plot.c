/* gdbench-report: sections, page colours and interactive uPlot plots (report_plot.h). */
#include "report_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_js.h" /* report_js: tools/report.js, embedded by the build (tools/meson.build) */

void rp_section(rp_ctx *ctx, const char *id, const char *title)
{
	fprintf(ctx->html, "<h2 id=\"%s\">", id);
	rp_esc(ctx, title);
	fputs("</h2>\n", ctx->html);
	if (ctx->ntoc < RP_MAXTOC) {
		snprintf(ctx->toc_id[ctx->ntoc], sizeof(ctx->toc_id[0]), "%s", id);
		snprintf(ctx->toc_title[ctx->ntoc], sizeof(ctx->toc_title[0]), "%s", title);
		ctx->ntoc++;
	}
}

/* Distinct on white, none pale (no yellow): Tableau 10 with its yellow
 * replaced, then Kelly's colours of maximum contrast without the pale ones
 * and those too close to the first ten. */
static const char *const palette[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
	                               "#e377c2", "#7f7f7f", "#808000", "#604e97", "#882d17", "#222222", "#8db600",
	                               "#b3446c", "#654522", "#00429d", "#e25822", "#2b3d26", "#f99379" };
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* The colour of the i-th key: the palette, then golden-angle hues at one dark
 * enough lightness (HSL with s 0.65, l 0.40). */
static void nth_color(int i, char out[8])
{
	if ((size_t)i < NPALETTE) {
		snprintf(out, 8, "%s", palette[i]);
		return;
	}
	double h = fmod((double)i * 137.508, 360.0) / 60.0, c = (1 - fabs(2 * 0.40 - 1)) * 0.65;
	double x = c * (1 - fabs(fmod(h, 2.0) - 1)), m = 0.40 - c / 2, rgb[3];
	int sector = (int)h;
	rgb[0] = sector == 0 || sector == 5 ? c : sector == 1 || sector == 4 ? x : 0;
	rgb[1] = sector == 1 || sector == 2 ? c : sector == 0 || sector == 3 ? x : 0;
	rgb[2] = sector == 3 || sector == 4 ? c : sector == 2 || sector == 5 ? x : 0;
	snprintf(out, 8, "#%02x%02x%02x", (int)lround(255 * (rgb[0] + m)) & 255, (int)lround(255 * (rgb[1] + m)) & 255,
	         (int)lround(255 * (rgb[2] + m)) & 255);
}

const char *rp_color(rp_ctx *ctx, const char *key)
{
	for (int i = 0; i < ctx->ncolor; i++)
		if (!strcmp(ctx->color_key[i], key))
			return ctx->color[i];
	if (ctx->ncolor == RP_MAXCOLOR) /* past the table: the last one */
		return ctx->color[RP_MAXCOLOR - 1];
	int i = ctx->ncolor++;
	snprintf(ctx->color_key[i], sizeof(ctx->color_key[0]), "%s", key);
	nth_color(i, ctx->color[i]);
	return ctx->color[i];
}

json_t *rp_dash(int threads)
{
	static const int dashes[][4] = { { 0 }, { 10, 5 }, { 3, 4 }, { 12, 4, 3, 4 } }; /* T = 1, 2, 4, 8 and more */
	int k = threads <= 1 ? 0 : threads == 2 ? 1 : threads <= 4 ? 2 : 3;
	json_t *a = json_array();
	for (int j = 0; j < 4 && dashes[k][j]; j++)
		json_array_append_new(a, json_integer(dashes[k][j]));
	return a;
}

json_t *rp_series(rp_ctx *ctx, const char *label, const char *color_key, int threads)
{
	return json_pack("{s:s, s:s, s:o}", "label", label, "color", rp_color(ctx, color_key), "dash", rp_dash(threads));
}

void rp_plot(rp_ctx *ctx, json_t *spec, const char *caption)
{
	int id = ctx->nplot++;
	/* JSON_ESCAPE_SLASH: no "</script>" can end the block early */
	char *js = json_dumps(spec, JSON_COMPACT | JSON_ESCAPE_SLASH);
	json_decref(spec);
	fprintf(ctx->html, "<figure><div class=gdplot id=\"plot%d\"></div><script type=\"application/json\" "
	                   "class=gdspec data-for=\"plot%d\">%s</script><figcaption>", id, id, js ? js : "{}");
	rp_esc(ctx, caption);
	fputs("</figcaption></figure>\n", ctx->html);
	free(js);
}

/* path's bytes into out; -1 when it cannot be read. */
static int copy_file(FILE *out, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	int bad = ferror(f);
	fclose(f);
	return bad ? -1 : 0;
}

int rp_plot_assets(FILE *out, char *err, size_t errlen)
{
	const char *dir = getenv("GDBENCH_UPLOT_DIR");
	if (!dir || !*dir)
		dir = GD_UPLOT_DIR;
	char js[1024], css[1024];
	snprintf(js, sizeof(js), "%s/uPlot.iife.min.js", dir);
	snprintf(css, sizeof(css), "%s/uPlot.min.css", dir);
	fputs("<style>", out);
	if (copy_file(out, css)) {
		snprintf(err, errlen, "cannot read %s (uPlot, for the interactive plots): tools/setup.sh installs it "
		         "(npm), or set GDBENCH_UPLOT_DIR to uPlot's dist/ folder", css);
		return -1;
	}
	fputs("</style>\n<script>", out);
	if (copy_file(out, js)) {
		snprintf(err, errlen, "cannot read %s (uPlot, for the interactive plots): tools/setup.sh installs it "
		         "(npm), or set GDBENCH_UPLOT_DIR to uPlot's dist/ folder", js);
		return -1;
	}
	fputs("</script>\n<script>", out);
	fwrite(report_js, 1, sizeof(report_js) - 1, out);
	fputs("</script>\n", out);
	return 0;
}
