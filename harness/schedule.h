/* Learning-rate schedules, evaluated once per step (never inside a kernel's element loop). */
#ifndef GD_SCHEDULE_H
#define GD_SCHEDULE_H

typedef enum {
	GD_SCHED_CONSTANT, /* a0 */
	GD_SCHED_STEP,     /* a0 * gamma^floor(t / step_size) */
	GD_SCHED_EXP,      /* a0 * e^(-k t) */
	GD_SCHED_INVT,     /* a0 / (1 + k t) */
	GD_SCHED_QUAD,     /* a0 / (t + 1)^2 */
	GD_SCHED_PLATEAU,  /* a0, times factor after patience evaluations without improvement */
	GD_NSCHED
} gd_sched_kind;

typedef struct gd_schedule {
	gd_sched_kind kind;
	double k;          /* exp, invt */
	long step_size;    /* step */
	double gamma;      /* step */
	long warmup;       /* linear warm-up steps in front of any schedule; 0 = none */
	/* plateau (torch ReduceLROnPlateau, mode "min", relative threshold) */
	double factor, threshold, min_lr;
	long patience;
	double scale;      /* plateau: current multiplier on a0 */
	double best;
	long bad;
} gd_schedule;

/* Defaults for a kind (step: 30 steps x 0.1; exp/invt: k = 0.01; plateau:
 * factor 0.1, patience 10, threshold 1e-4, min_lr 0). */
void gd_schedule_init(gd_schedule *s, gd_sched_kind kind);
/*
 * Parse "name[:key=value...]" (name: const, step, exp, invt, quad, plateau;
 * keys: k, step_size, gamma, warmup, factor, patience, threshold, min_lr).
 * Returns 0 or GD_EINVAL / GD_ERANGE with *bad pointing into spec.
 */
int gd_schedule_parse(gd_schedule *s, const char *spec, const char **bad);
const char *gd_schedule_name(gd_sched_kind kind);

/*
 * Learning rate at 0-based step t for base rate a0. With warm-up W the rate
 * ramps linearly, a0*(t+1)/W for t < W, and the schedule's clock starts
 * after it: base(t - W).
 */
double gd_schedule_lr(const gd_schedule *s, double a0, long t);
/* Feed an evaluated loss (plateau only; a no-op for the others). */
void gd_schedule_feed(gd_schedule *s, double loss);

#endif
