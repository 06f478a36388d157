/* gdbench-report: figures through gnuplot, escaping, field readers (report_fig.h). */
#include "report_fig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *rp_str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : "";
}

double rp_num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

void rp_esc_to(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

void rp_esc(rp_ctx *ctx, const char *s)
{
	rp_esc_to(ctx->html, s);
}

void rp_gq(FILE *gp, const char *s)
{
	fputc('\'', gp);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', gp);
		fputc(*s, gp);
	}
	fputc('\'', gp);
}

void rp_fig_path(const rp_ctx *ctx, const rp_fig *f, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "%s/fig%d.%s", ctx->tmpdir, f->id, ext);
}

int rp_fig_begin(rp_ctx *ctx, rp_fig *f, int w, int h)
{
	f->id = ctx->nfig++;
	rp_fig_path(ctx, f, "svg", f->svg, sizeof(f->svg));
	rp_fig_path(ctx, f, "dat", f->datp, sizeof(f->datp));
	rp_fig_path(ctx, f, "gp", f->gpp, sizeof(f->gpp));
	f->gp = fopen(f->gpp, "w");
	f->dat = fopen(f->datp, "w");
	if (!f->gp || !f->dat) {
		if (f->gp)
			fclose(f->gp);
		if (f->dat)
			fclose(f->dat);
		f->gp = f->dat = NULL;
		return -1;
	}
	fprintf(f->gp, "set terminal svg size %d,%d dynamic enhanced font 'sans,11' background '#ffffff'\n", w, h);
	fprintf(f->gp, "set output '%s'\nset grid lc rgb '#dddddd'\nset key outside right top\n", f->svg);
	return 0;
}

void rp_fig_cancel(rp_ctx *ctx, rp_fig *f)
{
	if (!f->gp)
		return;
	fclose(f->gp);
	if (f->dat)
		fclose(f->dat);
	f->gp = f->dat = NULL;
	ctx->nfig--;
}

void rp_fig_end(rp_ctx *ctx, rp_fig *f, const char *caption)
{
	if (f->dat)
		fclose(f->dat);
	fclose(f->gp);
	f->gp = f->dat = NULL;
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "gnuplot '%s' 2>'%s.err'", f->gpp, f->gpp);
	if (system(cmd) != 0) {
		ctx->failed++;
		fprintf(ctx->html, "<p class=err>figure failed: gnuplot reported an error (%s)</p>\n", caption);
		return;
	}
	FILE *svg = fopen(f->svg, "r");
	if (!svg) {
		ctx->failed++;
		return;
	}
	fputs("<figure>", ctx->html);
	char buf[8192];
	size_t n;
	int skip_decl = 1;
	while ((n = fread(buf, 1, sizeof(buf) - 1, svg)) > 0) {
		char *p = buf;
		buf[n] = '\0'; /* for strstr */
		if (skip_decl) { /* drop the XML declaration and doctype: inline SVG needs neither */
			char *svgtag = strstr(buf, "<svg");
			if (svgtag) {
				n -= (size_t)(svgtag - buf);
				p = svgtag;
			}
			skip_decl = 0;
		}
		fwrite(p, 1, n, ctx->html);
	}
	fclose(svg);
	fputs("<figcaption>", ctx->html);
	rp_esc(ctx, caption);
	fputs("</figcaption></figure>\n", ctx->html);
}
