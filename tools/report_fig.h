/*
 * gdbench-report's plumbing: the context every section writes through (no
 * file-level state anywhere in the report), HTML and gnuplot escaping, the
 * result-file field readers, and figures. A figure is a gnuplot script and its
 * data file in the context's temporary directory; gnuplot draws it into SVG,
 * which is inlined into the HTML with a caption.
 */
#ifndef GD_REPORT_FIG_H
#define GD_REPORT_FIG_H
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define RP_MAXTOC 64
#define RP_MAXCOLOR 256

typedef struct rp_ctx {
	FILE *html;       /* the sections being written (the page's body, report.c assembles the page) */
	FILE *sum;        /* the summary block's answers, which the sections add as they find them */
	FILE *diverged, *noisy; /* the summary's lists of diverged and of noisy runs, by name */
	int ndiverged, nnoisy, nruns; /* runs in each, runs seen */
	char tmpdir[256]; /* the figures' scripts, data and SVG files */
	int nfig;         /* figures started so far: the number of the next one */
	int failed;       /* figures gnuplot did not draw */
	int nplot;        /* interactive plots written (report_plot.c) */
	/* the table of contents, in page order: anchor and heading of each section */
	char toc_id[RP_MAXTOC][48], toc_title[RP_MAXTOC][160];
	int ntoc;
	/* the page's colours: one per key (optimizer configuration, kernel variant), in order of first use */
	char color_key[RP_MAXCOLOR][160], color[RP_MAXCOLOR][8];
	int ncolor;
} rp_ctx;

typedef struct rp_fig {
	FILE *gp;       /* the gnuplot script, written by the section */
	FILE *dat;      /* its data file ("datp"), NULL once closed */
	int id;         /* figN */
	char gpp[512];  /* script path */
	char svg[512];  /* output path */
	char datp[512]; /* data path, for the script's plot commands */
} rp_fig;

/* A string field of o ("" when missing), a number field (NAN when missing). */
const char *rp_str(json_t *o, const char *k);
double rp_num(json_t *o, const char *k);

/* s into the HTML (or into f), with <, > and & escaped. */
void rp_esc(rp_ctx *ctx, const char *s);
void rp_esc_to(FILE *f, const char *s);
/* s as a gnuplot string literal: single quotes, doubled inside. */
void rp_gq(FILE *gp, const char *s);

/* Start figure number c->nfig (counted even on failure) of w x h pixels: opens
 * its script, with the terminal and the common settings written, and its data
 * file. Returns 0, or -1 with nothing left open. */
int rp_fig_begin(rp_ctx *ctx, rp_fig *f, int w, int h);
/* Path of another file of figure f: DIR/figN.ext. */
void rp_fig_path(const rp_ctx *ctx, const rp_fig *f, const char *ext, char *buf, size_t len);
/* Drop a started figure that has nothing to draw: its number is reused. */
void rp_fig_cancel(rp_ctx *ctx, rp_fig *f);
/* Close the data file (if still open) and the script, run gnuplot and inline
 * the SVG with caption; a failure is written into the HTML and counted. */
void rp_fig_end(rp_ctx *ctx, rp_fig *f, const char *caption);
#endif
