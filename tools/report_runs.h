/*
 * gdbench-report's convergence runs grouped into configurations: what
 * report_runs.c (the loss plots) and report_ttt.c (time to target, the
 * summary's answers) share.
 */
#ifndef GD_REPORT_RUNS_H
#define GD_REPORT_RUNS_H
#include <jansson.h>

#include "report_fig.h"

#define RP_MAXREP 64    /* repetitions per configuration */
#define RP_MAXTARGET 8  /* targets per problem */

/* One configuration of a problem: the runs that differ only in seed (repetitions). */
typedef struct rp_cfg {
	char label[200]; /* "adam:lr=0.01 T=2 [scalar]": optimizer, threads when more than 1, scalar update kernel */
	char opt[160];   /* the optimizer as given: the colour key, shared by its thread counts and kernels */
	char rule[32];   /* its update rule ("sgd", "momentum", ...) */
	char mode[48];   /* as --mode spells it */
	int threads, scalar;
	json_t *runs[RP_MAXREP];
	int n;
	/* per target: the median training seconds to reach it (INFINITY: not reached
	 * by the median run), and the median resolution of that time, the training
	 * seconds between the evaluation that saw the target and the one before */
	double t[RP_MAXTARGET], res[RP_MAXTARGET];
} rp_cfg;

/* Time-to-target table of one problem's nc configurations (sorted here, fastest
 * to the first target first) and its lines in the summary block. */
void rp_ttt_section(rp_ctx *ctx, const char *problem, rp_cfg *cs, int nc, json_t *targets);
#endif
