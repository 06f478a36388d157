/* Gradient clipping by global L2 norm (torch.nn.utils.clip_grad_norm_): the harness computes the
 * factor once per step and passes it to the update kernel as gd_step.gscale. */
#ifndef GD_CLIP_H
#define GD_CLIP_H
#include <stddef.h>

/* ||g||_2 over n floats, accumulated in double. */
double gd_grad_norm(const float *g, size_t n);
/* The factor that scales the gradient to norm <= max_norm: 1 when max_norm <= 0
 * (no clipping) or norm <= max_norm, else max_norm / (norm + 1e-6) as torch
 * computes it. A NaN or infinite norm gives NaN or 0, so the run diverges
 * visibly instead of being masked. */
double gd_clip_scale(double norm, double max_norm);
#endif
