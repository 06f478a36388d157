/*
 * gdbench-report: a self-contained HTML report from result files. Reads JSON
 * only (run results, kernel microbenchmarks, optimizer paths). Measurements
 * are interactive uPlot plots (report_plot.c; uPlot is inlined, installed by
 * tools/setup.sh) and HTML bar tables; gnuplot draws only the contour plots
 * and the tuning's static charts, as inlined SVG, so DIR/index.html reads
 * offline.
 *
 * This file: options, reading the files, and the page: summary, contents,
 * the sections each file's kind calls for, the context, the scripts. The
 * sections live in report_runs.c and report_ttt.c (convergence runs),
 * report_tune.c (tuning), report_kernels.c (microbenchmarks),
 * report_paths.c (optimizer paths) and report_context.c; the figure plumbing
 * and the context they all write through (rp_ctx: no file-level state) in
 * report_fig.c and report_plot.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonread.h"
#include "report_fig.h"
#include "report_history.h"
#include "report_plot.h"
#include "report_sections.h"

#define MAXFILES 256

static const char help[] =
	"Usage: gdbench-report [--title T] [--force] [--history DB] -o DIR FILE...\n"
	"Write DIR/index.html, one self-contained page that opens offline, from gdbench result\n"
	"files. It opens with a summary (the fastest configuration to each target, how close the\n"
	"kernels come to the memory ceiling and the FMA peak, the noisy and diverged runs) and\n"
	"contents, and ends with the machine's context. `gdbench run` results: loss against\n"
	"training seconds or epochs per mode (interactive: hover, drag to zoom, click the legend),\n"
	"repetitions as median with a min-max band, the targets as lines, scalar runs in their own\n"
	"panel, a time-to-target table; `gdbench tune` files also the grid; `gdbench kernels` files\n"
	"(fraction of the ceiling, speedup over scalar, thread scaling, gradient kernels' fraction\n"
	"of FMA peak per batch size); `gdbench paths` files (optimizer paths over contours).\n"
	"The plots are drawn by uPlot, inlined into the page from the copy tools/setup.sh installs\n"
	"(npm) in " GD_UPLOT_DIR "\n"
	"($GDBENCH_UPLOT_DIR names another); the contours by gnuplot.\n"
	"\n"
	"  -o, --out DIR   output directory (created if needed)\n"
	"  --force         overwrite the report DIR already holds\n"
	"  --title T       report title\n"
	"  --history DB    also each series of a `gdbench history` database over commits, change\n"
	"                  points marked (FILE... may then be left out)\n"
	"  -h, --help      this text;  --version\n"
	"Exit status: 0 written, 1 failure (uPlot or gnuplot missing, writing), 2 usage or input\n"
	"error (a DIR that holds a report, without --force).\n";

/* What a file holds, from its schema (kernels files are Google Benchmark's format). */
enum { KIND_RUNS, KIND_KERNELS, KIND_PATHS };

/* Load the nd files, each with its kind; 0, or -1 with a message and nothing kept. */
static int load_docs(char **files, int nd, json_t **docs, int *kinds)
{
	for (int d = 0; d < nd; d++) {
		char err[1024];
		docs[d] = gd_json_load_lenient(files[d], err, sizeof(err));
		if (!docs[d])
			fprintf(stderr, "gdbench-report: %s\n", err);
		const char *schema = docs[d] ? rp_str(docs[d], "schema") : "";
		kinds[d] = !docs[d] ? -1 : !strcmp(schema, "gdbench-results") ? KIND_RUNS
		           : !strcmp(schema, "gdbench-paths")                 ? KIND_PATHS
		           : json_is_array(json_object_get(docs[d], "benchmarks")) ? KIND_KERNELS
		                                                                   : -1;
		if (docs[d] && kinds[d] < 0)
			fprintf(stderr, "gdbench-report: %s: not a gdbench result, kernels or paths file\n", files[d]);
		if (kinds[d] < 0) {
			for (int k = 0; k <= d; k++)
				json_decref(docs[k]);
			return -1;
		}
	}
	return 0;
}

/* The head of the page, up to the title and the list of files. */
static void page_head(FILE *out, rp_ctx *ctx, const char *title, char **files, int nd)
{
	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	FILE *keep = ctx->html;
	ctx->html = out;
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>", out);
	rp_esc(ctx, title);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:1.5em auto;color:#222}"
	      "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;"
	      "text-align:left}th{background:#f3f3f3}.nr{color:#c00000}.noisy{color:#b36b00}.err{color:#c00000}"
	      "figure{margin:1.5em 0}figcaption{font-size:0.85em;color:#555}svg{max-width:100%;height:auto}"
	      ".note{font-size:0.85em;color:#555}td.bar{white-space:nowrap}table.ttt{font-size:0.8em;display:block;overflow-x:auto}table.ttt td:first-child{white-space:nowrap}"
	      ".b{display:inline-block;height:0.75em;margin-right:6px;vertical-align:middle;opacity:0.8}"
	      ".sw{display:inline-block;width:0.8em;height:0.8em;margin-right:5px;vertical-align:middle}"
	      "#summary table{width:100%}#summary th{width:30%;font-weight:normal}"
	      "#toc ol{display:flex;flex-wrap:wrap;gap:0.3em 1.5em;padding-left:1.2em;margin:0.3em 0}"
	      ".gdxswitch{font-size:0.85em;margin:0.3em 0}.gdxswitch button{margin-right:0.4em}"
	      ".u-title{font-size:14px !important;white-space:normal}"
	      "</style></head><body>\n<h1>", out);
	rp_esc(ctx, title);
	fprintf(out, "</h1>\n<p class=note>Generated %s by gdbench-report %s from:", date, VERSION);
	for (int d = 0; d < nd; d++) {
		fputs(d ? ", " : " ", out);
		rp_esc(ctx, files[d]);
	}
	fputs(". Loss is the mean training loss plus the penalty, against training time (evaluation excluded).</p>\n", out);
	ctx->html = keep;
}

/* The sections each file's kind calls for, in page order, into ctx->html (the
 * body); each adds its answers to the summary (ctx->sum, ctx->diverged, ctx->noisy). */
static void write_sections(rp_ctx *ctx, json_t **docs, const int *kinds, int nd, const char *history)
{
	json_t *rdocs[MAXFILES];
	int nr = 0;
	for (int d = 0; d < nd; d++)
		if (kinds[d] == KIND_RUNS)
			rdocs[nr++] = docs[d];
	if (nr)
		rp_runs_section(ctx, rdocs, nr);
	int ntuned = 0;
	for (int d = 0; d < nr; d++)
		if (json_object_get(rdocs[d], "tune")) {
			rp_sensitivity_section(ctx, rdocs[d]);
			ntuned++;
		}
	if (ntuned)
		rp_profile_section(ctx, rdocs, nr);
	for (int d = 0; d < nd; d++)
		if (kinds[d] == KIND_KERNELS)
			rp_kernels_section(ctx, docs[d]);
	for (int d = 0; d < nd; d++)
		if (kinds[d] == KIND_PATHS)
			rp_paths_section(ctx, docs[d]);
	if (history)
		rp_history_section(ctx, history);
	/* the context last: of every run and kernels file, the rooflines of every thread count used */
	json_t *contexts[MAXFILES];
	int nctx = 0, threads[64], nthreads = 0;
	for (int d = 0; d < nd; d++) {
		if (kinds[d] == KIND_PATHS || !json_object_get(docs[d], "context"))
			continue;
		contexts[nctx++] = json_object_get(docs[d], "context");
		size_t i;
		json_t *r;
		json_t *rows = json_object_get(docs[d], kinds[d] == KIND_RUNS ? "runs" : "benchmarks");
		json_array_foreach(rows, i, r) {
			int t = (int)json_integer_value(json_object_get(r, "threads")), seen = 0;
			for (int k = 0; k < nthreads; k++)
				seen |= threads[k] == t;
			if (t > 0 && !seen && nthreads < 64) {
				int k = nthreads++; /* kept sorted */
				while (k > 0 && threads[k - 1] > t)
					threads[k] = threads[k - 1], k--;
				threads[k] = t;
			}
		}
	}
	if (nctx)
		rp_context_section(ctx, contexts, nctx, threads, nthreads);
}

/* stream's bytes (a memstream, closed here) into out. */
static void splice(FILE *out, FILE *stream, char **buf, size_t *len)
{
	fclose(stream);
	fwrite(*buf, 1, *len, out);
	free(*buf);
	*buf = NULL;
}

/* The whole page into out: head, summary, contents, sections, context, the
 * plots' scripts. 0, or -1 with what is missing in err. */
static int write_report(FILE *out, rp_ctx *ctx, const char *title, char **files, json_t **docs, const int *kinds,
                        int nd, const char *history, char *err, size_t errlen)
{
	char *body = NULL, *sum = NULL, *diverged = NULL, *noisy = NULL;
	size_t nbody = 0, nsum = 0, ndiverged = 0, nnoisy = 0;
	ctx->html = open_memstream(&body, &nbody);
	ctx->sum = open_memstream(&sum, &nsum);
	ctx->diverged = open_memstream(&diverged, &ndiverged);
	ctx->noisy = open_memstream(&noisy, &nnoisy);
	if (!ctx->html || !ctx->sum || !ctx->diverged || !ctx->noisy) {
		snprintf(err, errlen, "out of memory");
		return -1; /* the process ends: nothing to free */
	}
	write_sections(ctx, docs, kinds, nd, history);
	page_head(out, ctx, title, files, nd);
	fputs("<section id=summary><h2>Summary</h2>\n", out);
	fflush(ctx->sum);
	if (nsum) {
		fputs("<table>", out);
		splice(out, ctx->sum, &sum, &nsum);
		fputs("</table>\n", out);
	} else {
		fclose(ctx->sum);
		free(sum);
	}
	fprintf(out, "<p>Diverged: %s", ctx->ndiverged ? "<span class=nr>" : "none");
	splice(out, ctx->diverged, &diverged, &ndiverged);
	fputs(ctx->ndiverged ? "</span>.</p>\n" : ".</p>\n", out);
	/* a long list of noisy runs (a loaded machine flags them all) folds away under its count */
	fprintf(out, ctx->nnoisy > 8 ? "<details class=noisy><summary>Noisy (another process competed for the CPUs): "
	                               "%d of %d runs</summary>" : "<p class=noisy>Noisy (another process competed for "
	                                                           "the CPUs): %d of %d runs%s",
	        ctx->nnoisy, ctx->nruns, ctx->nnoisy && ctx->nnoisy <= 8 ? ": " : "");
	splice(out, ctx->noisy, &noisy, &nnoisy);
	fputs(ctx->nnoisy > 8 ? ".</details>\n</section>\n" : ".</p>\n</section>\n", out);
	fputs("<nav id=toc><h2>Contents</h2><ol>", out);
	FILE *keep = ctx->html;
	ctx->html = out;
	for (int k = 0; k < ctx->ntoc; k++) {
		fprintf(out, "<li><a href=\"#%s\">", ctx->toc_id[k]);
		rp_esc(ctx, ctx->toc_title[k]);
		fputs("</a></li>", out);
	}
	ctx->html = keep;
	fputs("</ol></nav>\n", out);
	fflush(ctx->html);
	splice(out, ctx->html, &body, &nbody);
	ctx->html = out;
	int rc = rp_plot_assets(out, err, errlen);
	fputs("</body></html>\n", out);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' }, { "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },      { "version", no_argument, NULL, 'V' },
		{ "force", no_argument, NULL, 'f' },     { "history", required_argument, NULL, 'H' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *title = "gdbench report", *history = NULL;
	int c, force = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': title = optarg; break;
		case 'f': force = 1; break;
		case 'H': history = optarg; break;
		case 'h': fputs(help, stdout); return 0;
		case 'V': printf("gdbench-report %s\n", VERSION); return 0;
		case ':': fprintf(stderr, "gdbench-report: option '%s' needs a value\n", argv[optind - 1]); return 2;
		default: fprintf(stderr, "gdbench-report: unknown option '%s'\nTry 'gdbench-report --help'.\n", argv[optind - 1]); return 2;
		}
	}
	if (!out || (optind >= argc && !history)) {
		fprintf(stderr, "gdbench-report: need -o DIR and at least one result file\nTry 'gdbench-report --help'.\n");
		return 2;
	}
	int nd = argc - optind;
	if (nd > MAXFILES) {
		fprintf(stderr, "gdbench-report: at most %d files\n", MAXFILES);
		return 2;
	}
	char **files = argv + optind;
	char final[4096], part[4200];
	snprintf(final, sizeof(final), "%s/index.html", out);
	if (!force && access(final, F_OK) == 0) { /* as `gdbench run` refuses to overwrite its results */
		fprintf(stderr, "gdbench-report: '%s' already holds a report (%s): pass --force to overwrite it, or choose "
		        "another -o DIR\n", out, final);
		return 2;
	}
	json_t *docs[MAXFILES];
	int kinds[MAXFILES];
	if ((history && rp_history_check(history)) || load_docs(files, nd, docs, kinds))
		return 2;
	rp_ctx ctx = { 0 };
	snprintf(part, sizeof(part), "%s/index.html.tmp.%ld", out, (long)getpid());
	snprintf(ctx.tmpdir, sizeof(ctx.tmpdir), "/tmp/gdreport.XXXXXX");
	const char *what = NULL;
	if (mkdir(out, 0755) && errno != EEXIST)
		what = "cannot create";
	else if (!mkdtemp(ctx.tmpdir))
		what = "cannot create a temporary directory for";
	FILE *html = NULL;
	if (!what && !(html = fopen(part, "w")))
		what = "cannot write into";
	if (what) {
		fprintf(stderr, "gdbench-report: %s '%s': %s\n", what, out, strerror(errno));
		if (ctx.tmpdir[strlen(ctx.tmpdir) - 1] != 'X')
			rmdir(ctx.tmpdir);
		for (int k = 0; k < nd; k++)
			json_decref(docs[k]);
		return 1;
	}
	char err[1200] = "";
	int missing = write_report(html, &ctx, title, files, docs, kinds, nd, history, err, sizeof(err));
	int werr = ferror(html);
	werr |= fclose(html) != 0;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ctx.tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "gdbench-report: warning: could not remove %s\n", ctx.tmpdir);
	for (int d = 0; d < nd; d++)
		json_decref(docs[d]);
	if (missing) {
		unlink(part);
		fprintf(stderr, "gdbench-report: %s\n", err);
		return 1;
	}
	if (werr || rename(part, final) != 0) {
		unlink(part);
		fprintf(stderr, "gdbench-report: cannot write '%s'\n", final);
		return 1;
	}
	if (ctx.failed) {
		fprintf(stderr, "gdbench-report: %d figure%s failed (is gnuplot installed? tools/setup.sh installs gnuplot-nox)\n",
		        ctx.failed, ctx.failed == 1 ? "" : "s");
		return 1;
	}
	printf("%s\n", final);
	return 0;
}
