/*
 * gdbench-report's interactive page: sections with a table of contents, the
 * page-wide colour of each series, and interactive plots. A plot is a JSON
 * spec written next to an empty <div>; tools/report.js (compiled into the
 * binary) draws it with uPlot, both inlined at the end of the page, so the
 * page opens offline. The spec (what report.js reads):
 *   {"title", "ylabel", "ylog": bool,
 *    "x": [{"key", "label", "log": bool}, ...]  x axes to switch between (the first shown),
 *    "series": [{"label", "color", "dash": [..], "width",
 *                "x": {key: [..], ...}, "y": {key: [..], ...}, "lo": {..}, "hi": {..}}, ...]
 *                                                 (per x axis; lo/hi optional: the repetitions' range),
 *    "points": bool                               markers on the points,
 *    "hlines": [{"y", "label"}, ...]}             targets, drawn as dashed lines.
 */
#ifndef GD_REPORT_PLOT_H
#define GD_REPORT_PLOT_H
#include <stddef.h>

#include <jansson.h>

#include "report_fig.h"

/* Where tools/setup.sh installs uPlot (npm), unless GDBENCH_UPLOT_DIR names another dist/ folder. */
#ifndef GD_UPLOT_DIR
#define GD_UPLOT_DIR "/usr/local/share/gdbench/node_modules/uplot/dist"
#endif

/* A section heading <h2 id=ID>, listed in the table of contents. */
void rp_section(rp_ctx *ctx, const char *id, const char *title);
/* The colour of key ("#rrggbb"), the same everywhere on the page: the first
 * keys take a fixed palette with no pale colours, later ones spread hues. */
const char *rp_color(rp_ctx *ctx, const char *key);
/* The dash pattern of a thread count, as a JSON array (solid for 1). */
json_t *rp_dash(int threads);
/* A plot from spec (taken over) with a caption. */
void rp_plot(rp_ctx *ctx, json_t *spec, const char *caption);
/* A series object with its label, colour and dash; the caller adds x/y. */
json_t *rp_series(rp_ctx *ctx, const char *label, const char *color_key, int threads);
/* Write uPlot's script and style and report.js into out; 0, or -1 with the
 * missing file and what installs it in err. */
int rp_plot_assets(FILE *out, char *err, size_t errlen);
#endif
