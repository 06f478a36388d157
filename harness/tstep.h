/*
 * The driver of the per-tensor rules (kernels/trules.h): steps a parameter
 * set tensor by tensor, each tensor's elementwise passes split over the
 * workers, the per-tensor sums reduced from per-worker partial slots in a
 * fixed order (no atomics; every worker computes the same total, and the
 * result does not depend on scheduling). f32 storage only.
 */
#ifndef GD_TSTEP_H
#define GD_TSTEP_H

#include <stddef.h>

#include "cpu.h"
#include "params.h"
#include "registry.h"
#include "trules.h"

/* The kernels of one variant: key "<rule>/<impl>[/<isa>]", best first, as gd_update_table. */
typedef struct gd_trule_entry {
	const char *name;
	gd_trule rule;
	gd_impl impl;
	gd_isa isa;
	const gd_tkernels *k;
	gd_update_fn adamw; /* the AdamW kernel of the same variant (Muon's non-2-D tensors) */
} gd_trule_entry;

extern const gd_trule_entry gd_trule_table[];
extern const size_t gd_trule_count;
const gd_trule_entry *gd_trule_best(gd_trule r, gd_isa cap);
const gd_trule_entry *gd_trule_scalar(gd_trule r);
const gd_trule_entry *gd_trule_by_name(const char *name);

/* What a tensor gets: the rule's own form, or (Muon) AdamW, or (Adafactor) unfactored. */
const char *gd_trule_tensor_form(gd_trule r, const gd_tensor *t);

#define GD_TSTEP_MAXT 64

typedef struct gd_topt {
	gd_trule rule;
	gd_hparams hp;
	const gd_param_set *ps;
	const gd_trule_entry *e;
	int T;              /* workers */
	float *state;       /* every tensor's state, back to back */
	size_t *soff;       /* tensor k's state starts at state + soff[k] */
	float *work;        /* Muon's update and Newton-Schulz workspace; Adafactor's
	                     * per-worker column partials, row sums and row scales */
	size_t colpart;     /* floats of one worker's column partials */
	size_t rowmax;      /* floats of the row sums (and of the row scales after them) */
	double part[2][GD_TSTEP_MAXT][8]; /* per-worker sums, by tensor parity */
	/* the step in progress (gd_topt_begin) */
	long t;             /* steps begun */
	double lr;          /* this step's lr (Schedule-Free: with warmup and sqrt(bc2)) */
	double ckp1;        /* Schedule-Free: weight of this step in the average */
	double lr_max, weight_sum;
	gd_step adamw_st;   /* Muon: the AdamW step of non-2-D tensors */
	int rc;             /* the first error of a step (Newton-Schulz) */
} gd_topt;

/*
 * Set up rule r with hyperparameters hp over set ps (which must outlive o),
 * kernels e (a row of gd_trule_table for r), T workers (1..GD_TSTEP_MAXT).
 * w0 is the starting point (Schedule-Free's z starts there). 0, GD_EINVAL
 * (hp out of range, e not r's, T out of range), GD_ENOTSUP (muon on a set
 * with no 2-D tensor) or GD_ENOMEM. *what (may be NULL) says what was wrong.
 */
int gd_topt_init(gd_topt *o, gd_trule r, const gd_hparams *hp, const gd_param_set *ps, const gd_trule_entry *e,
                 int T, const float *w0, const char **what);
void gd_topt_free(gd_topt *o);

/* One step: gd_topt_begin (one thread, before the workers) with the step's
 * scheduled lr, then gd_topt_job on every worker tid of T with barrier(arg)
 * synchronizing them (NULL when T is 1), then o->rc. gd_topt_step does all
 * three on one thread. g is the gradient at w. */
void gd_topt_begin(gd_topt *o, double lr);
void gd_topt_job(gd_topt *o, int tid, float *w, const float *g, void (*barrier)(void *), void *arg);
int gd_topt_step(gd_topt *o, float *w, const float *g, double lr);

/* The point evaluations use: Schedule-Free's x = (y - (1 - beta1) z)/beta1,
 * the others w itself. x may be w (then it is overwritten). */
void gd_topt_eval_point(const gd_topt *o, const float *w, float *x);

/* Floats of state per tensor, and over the set. */
size_t gd_trule_state_floats(gd_trule r, const gd_tensor *t);

#endif
