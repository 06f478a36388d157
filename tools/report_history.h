/* gdbench-report --history DB: each series of a gdbench history database over commits (report_history.c). */
#ifndef GD_REPORT_HISTORY_H
#define GD_REPORT_HISTORY_H
#include "report_fig.h"

/* 0 when path opens as a gdbench history database; else -1, the reason printed. */
int rp_history_check(const char *path);
/* The section: per series, the median per revision in commit order with its min-max range, the
 * change points (E-Divisive, gdbench-history's defaults) marked, and a table of them. */
void rp_history_section(rp_ctx *ctx, const char *path);
#endif
