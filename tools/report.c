/*
 * gdbench-report: a self-contained HTML report from result files. Reads JSON
 * only (run results, kernel microbenchmarks, optimizer paths); plots are
 * drawn by gnuplot into SVG and inlined, so DIR/index.html reads offline.
 *
 * This file: options, reading the files, the context block, and which section
 * each file gets. The sections live in report_runs.c (convergence runs),
 * report_tune.c (tuning), report_kernels.c (microbenchmarks) and
 * report_paths.c (optimizer paths); the figure plumbing and the context they
 * all write through (rp_ctx: no file-level state) in report_fig.c.
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
#include "report_sections.h"

#define VERSION "0.1.0"
#define MAXFILES 256

/* The context block of the first run or kernels file: the machine and build
 * the figures come from, its rooflines, and how many runs were noisy or diverged. */
static void context_section(rp_ctx *ctx, json_t *context, int noisy_runs, int diverged_runs)
{
	static const char *const keys[] = { "cpu_model", "isa", "isa_max", "topology", "pus", "cores", "cache_l1d",
		                            "cache_l2", "cache_l3", "openblas_corename", "openblas_threads_used",
		                            "compiler", "build_type", "gdbench_version", "git_revision", "date", "host",
		                            "load_avg_1m" };
	fputs("<h2>Context</h2>\n<table class=ctx>", ctx->html);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = json_object_get(context, keys[k]);
		if (!v)
			continue;
		char *s = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_ENCODE_ANY);
		fprintf(ctx->html, "<tr><th>%s</th><td>", keys[k]);
		rp_esc(ctx, s ? s : "");
		fputs("</td></tr>", ctx->html);
		free(s);
	}
	for (int t = 1; t <= 64; t++) {
		char key[32];
		snprintf(key, sizeof(key), "roofline_%dt", t);
		json_t *r = json_object_get(context, key);
		if (r)
			fprintf(ctx->html, "<tr><th>roofline, %d thread%s</th><td>copy %.1f GB/s, triad %.1f GB/s, FMA peak %.1f GFLOP/s"
			              "</td></tr>", t, t > 1 ? "s" : "", rp_num(r, "copy_GBps"), rp_num(r, "triad_GBps"),
			        rp_num(r, "fma_GFLOPs"));
	}
	fputs("</table>\n", ctx->html);
	if (noisy_runs || diverged_runs)
		fprintf(ctx->html, "<p class=noisy>%d run%s flagged noisy (another process competed for the CPUs), %d diverged.</p>\n",
		        noisy_runs, noisy_runs == 1 ? "" : "s", diverged_runs);
}

static const char help[] =
	"Usage: gdbench-report [--title T] -o DIR FILE...\n"
	"Write DIR/index.html, a self-contained report (plots inlined as SVG, drawn by gnuplot)\n"
	"from gdbench result files: `gdbench run` results (loss vs training time and epochs per\n"
	"mode, repetitions as median with a min-max band, time-to-target table and chart),\n"
	"`gdbench kernels` files (throughput against the ceiling, SIMD speedups, thread scaling,\n"
	"gradient kernels) and `gdbench paths` files (optimizer paths over contour plots).\n"
	"\n"
	"  -o, --out DIR   output directory (created if needed)\n"
	"  --title T       report title\n"
	"  --history DB    also each series of a `gdbench history` database over commits, change\n"
	"                  points marked (FILE... may then be left out)\n"
	"  -h, --help      this text;  --version\n"
	"Exit status: 0 written, 1 failure (gnuplot, writing), 2 usage or input error.\n";

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

/* The whole page: head, context block, then the sections each file's kind calls for. */
static void write_report(rp_ctx *ctx, const char *title, char **files, json_t **docs, const int *kinds, int nd,
                         const char *history)
{
	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>", ctx->html);
	rp_esc(ctx, title);
	fputs("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
	      "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}td,th{border:1px solid #ccc;padding:3px 8px;"
	      "text-align:left}th{background:#f3f3f3}.nr{color:#c00000}.noisy{color:#b36b00}.err{color:#c00000}"
	      "figure{margin:1.5em 0}figcaption{font-size:0.85em;color:#555}svg{max-width:100%;height:auto}"
	      "</style></head><body>\n<h1>", ctx->html);
	rp_esc(ctx, title);
	fprintf(ctx->html, "</h1>\n<p>Generated %s by gdbench-report %s from:", date, VERSION);
	for (int d = 0; d < nd; d++) {
		fputs(d ? ", " : " ", ctx->html);
		rp_esc(ctx, files[d]);
	}
	fputs(". Loss is the mean training loss plus the penalty, against training time (evaluation excluded).</p>\n", ctx->html);
	int noisy = 0, diverged = 0;
	json_t *context = NULL;
	for (int d = 0; d < nd; d++) {
		if (!context && kinds[d] != KIND_PATHS)
			context = json_object_get(docs[d], "context");
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(docs[d], "runs"), i, r) {
			noisy += json_is_true(json_object_get(json_object_get(r, "noise"), "noisy"));
			diverged += json_is_true(json_object_get(json_object_get(r, "summary"), "diverged"));
		}
	}
	if (context)
		context_section(ctx, context, noisy, diverged);
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
	fputs("</body></html>\n", ctx->html);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' }, { "title", required_argument, NULL, 't' },
		{ "history", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },      { "version", no_argument, NULL, 'V' },
		{ 0, 0, 0, 0 },
	};
	const char *out = NULL, *title = "gdbench report", *history = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': title = optarg; break;
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
	json_t *docs[MAXFILES];
	int kinds[MAXFILES];
	if ((history && rp_history_check(history)) || load_docs(files, nd, docs, kinds))
		return 2;
	rp_ctx ctx = { 0 };
	char final[4096], part[4200];
	snprintf(final, sizeof(final), "%s/index.html", out);
	snprintf(part, sizeof(part), "%s/index.html.tmp.%ld", out, (long)getpid());
	snprintf(ctx.tmpdir, sizeof(ctx.tmpdir), "/tmp/gdreport.XXXXXX");
	const char *what = NULL;
	if (mkdir(out, 0755) && errno != EEXIST)
		what = "cannot create";
	else if (!mkdtemp(ctx.tmpdir))
		what = "cannot create a temporary directory for";
	else if (!(ctx.html = fopen(part, "w")))
		what = "cannot write into";
	if (what) {
		fprintf(stderr, "gdbench-report: %s '%s': %s\n", what, out, strerror(errno));
		if (ctx.tmpdir[strlen(ctx.tmpdir) - 1] != 'X')
			rmdir(ctx.tmpdir);
		for (int k = 0; k < nd; k++)
			json_decref(docs[k]);
		return 1;
	}
	write_report(&ctx, title, files, docs, kinds, nd, history);
	int werr = ferror(ctx.html);
	werr |= fclose(ctx.html) != 0;
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ctx.tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "gdbench-report: warning: could not remove %s\n", ctx.tmpdir);
	for (int d = 0; d < nd; d++)
		json_decref(docs[d]);
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
