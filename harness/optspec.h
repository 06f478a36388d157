/* Parsing optimizer specifications: "name[:key=value...]" with torch.optim's hyperparameter names. */
#ifndef GD_OPTSPEC_H
#define GD_OPTSPEC_H
#include <stddef.h>

#include "update.h"

typedef enum { GD_OPT_FIRST_ORDER, GD_OPT_LBFGS, GD_OPT_NEWTON } gd_opt_kind;

typedef struct gd_optspec {
	char label[96];    /* the text as given, for result files and tables */
	gd_opt_kind kind;
	gd_rule rule;      /* first-order: the update rule (sgd:momentum=0.9 -> momentum) */
	gd_hparams hp;
	int lbfgs_m;       /* L-BFGS history (default 10) */
} gd_optspec;

/*
 * Parse one specification, e.g. "adam:lr=1e-3:betas=0.9/0.999" or
 * "sgd:lr=0.1:momentum=0.9:nesterov=1". Keys: lr, momentum, dampening,
 * nesterov, weight_decay, decoupled, lr_decay, initial_accumulator_value,
 * alpha, centered, rho, betas, eps, amsgrad, momentum_decay, etas,
 * step_sizes; lbfgs takes m. Returns 0, or GD_EINVAL / GD_ERANGE with a
 * message in err (what was wrong and what was expected).
 */
int gd_optspec_parse(const char *spec, gd_optspec *out, char *err, size_t errlen);
/* A comma-separated list of specifications (the --opt flag). */
int gd_optspec_parse_list(const char *list, gd_optspec *out, int max, int *n, char *err, size_t errlen);
#endif
