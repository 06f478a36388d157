/* Gradient check: analytic gradients of a kernel against centered finite differences in double. */
#ifndef GD_GRADCHECK_H
#define GD_GRADCHECK_H
#include "grad.h"

/* Mean loss plus penalty in double, written straight from the equations in
 * grad.h and grad_link.h with no code shared with the kernels. */
double gd_ref_loss(const gd_model *m, const double *params, const gd_batch *b);

typedef struct gd_gradcheck_result {
	double max_rel_err;   /* max over parameters of |a - n| / max(|a|, |n|, 1e-3) */
	size_t worst;         /* index of that parameter */
	double analytic, numeric;
	double loss_rel_err;  /* the kernel's loss against gd_ref_loss */
} gd_gradcheck_result;

/* Check fn on (m, params, b) with step h (e.g. 1e-6): params are perturbed
 * one at a time in double. Allocates its buffers; returns 0 or GD_ENOMEM. */
int gd_gradcheck(gd_grad_fn fn, const gd_model *m, const float *params, const gd_batch *b, double h,
                 gd_gradcheck_result *out);
#endif
