/* Parsing optimizer specifications: "name[:key=value...]" with torch.optim's hyperparameter names. */
#ifndef GD_OPTSPEC_H
#define GD_OPTSPEC_H
#include <stddef.h>

#include "trules.h"
#include "update.h"

/* GD_OPT_TENSOR: a per-tensor rule of kernels/trules.h (lamb, lars, adafactor, sfadamw, muon) */
typedef enum { GD_OPT_FIRST_ORDER, GD_OPT_LBFGS, GD_OPT_NEWTON, GD_OPT_TENSOR } gd_opt_kind;

typedef struct gd_optspec {
	char label[96];    /* the text as given, for result files and tables */
	gd_opt_kind kind;
	gd_rule rule;      /* first-order: the update rule (sgd:momentum=0.9 -> momentum) */
	gd_hparams hp;
	int lbfgs_m;       /* L-BFGS history (default 10) */
	gd_trule trule;    /* GD_OPT_TENSOR: the rule (hp holds its hyperparameters) */
} gd_optspec;

/*
 * Parse one specification, e.g. "adam:lr=1e-3:betas=0.9/0.999" or
 * "sgd:lr=0.1:momentum=0.9:nesterov=1". Keys: lr, momentum, dampening,
 * nesterov, weight_decay, decoupled, lr_decay, initial_accumulator_value,
 * alpha, centered, rho, betas, eps, amsgrad, momentum_decay, etas,
 * step_sizes, and for the per-tensor rules (trules.h) trust_coefficient,
 * beta2_decay, eps2, d, warmup_steps, r, weight_lr_power, ns_steps; lbfgs
 * takes m. A key the rule does not read is refused. Returns 0, or GD_EINVAL / GD_ERANGE with a
 * message in err (what was wrong and what was expected).
 */
int gd_optspec_parse(const char *spec, gd_optspec *out, char *err, size_t errlen);
/*
 * Expand sweeps in one specification into concrete ones: a value may be a
 * list "0.01|0.03|0.1", or a range "A..B" followed by ":logN" (N points
 * log-spaced, A and B > 0) or ":linN" (N points evenly spaced), for any
 * hyperparameter; several swept keys give their cross product, in order
 * (the last key varies fastest). "adam:lr=1e-4..1e-1:log4" ->
 * adam:lr=0.0001, adam:lr=0.001, adam:lr=0.01, adam:lr=0.1. Writes at most
 * max specifications of 96 bytes into out; returns 0 or GD_EINVAL / GD_ERANGE
 * with a message in err (bad range, zero points, too many).
 */
int gd_optspec_expand(const char *spec, char (*out)[96], int max, int *n, char *err, size_t errlen);
/* A comma-separated list of specifications (the --opt flag), sweeps expanded. */
int gd_optspec_parse_list(const char *list, gd_optspec *out, int max, int *n, char *err, size_t errlen);
#endif
