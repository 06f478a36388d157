/* Collectives of `gdbench run --mode mpi:...` (see run_mpi.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_mpi.h"

enum { MSG = 240 };

typedef struct {
	int rc;
	char host[64];
	char msg[MSG];
} status;

int run_mpi_agree(gd_comm *c, int rc, const char *msg, char *why, size_t len)
{
	status mine = { .rc = rc };
	snprintf(mine.host, sizeof(mine.host), "%s", c->host);
	snprintf(mine.msg, sizeof(mine.msg), "%s", msg ? msg : "");
	status *all = calloc((size_t)c->size, sizeof(status));
	if (!all || c->allgather(c, &mine, sizeof(mine), all)) {
		free(all);
		snprintf(why, len, "rank %d of %d (%s): cannot exchange setup status with the other ranks", c->rank, c->size,
		         c->host);
		return c->rank;
	}
	int bad = -1;
	for (int k = 0; k < c->size && bad < 0; k++)
		if (all[k].rc)
			bad = k;
	if (bad >= 0)
		snprintf(why, len, "rank %d of %d (%s): %s", bad, c->size, all[bad].host, all[bad].msg);
	free(all);
	return bad;
}

/* what each rank sends for one run */
enum { F_TRAIN, F_SAMPLE, F_GRAD, F_REDUCE, F_ALLRED, F_UPDATE, F_STEPS, F_NF };
typedef struct {
	double f[F_NF];
	char host[64];
	char pus[128];
} rank_stats;

json_t *run_mpi_json(gd_comm *c, const gd_run_out *o, const gd_pin *pins, int threads, size_t bucket_floats)
{
	rank_stats mine = { .f = { o->t_train, o->t_sample, o->t_grad, o->t_reduce, o->t_allreduce, o->t_update,
		                   (double)o->n_allreduce } };
	snprintf(mine.host, sizeof(mine.host), "%s", c->host);
	for (int i = 0; i < threads; i++) {
		size_t l = strlen(mine.pus);
		snprintf(mine.pus + l, sizeof(mine.pus) - l, "%s%d", i ? "," : "", pins[i].observed);
	}
	rank_stats *all = calloc((size_t)c->size, sizeof(rank_stats));
	int rc = !all || c->allgather(c, &mine, sizeof(mine), all);
	if (rc || c->rank != 0) {
		free(all);
		return NULL;
	}
	int R = c->size;
	double steps = mine.f[F_STEPS] > 0 ? mine.f[F_STEPS] : 1;
	json_t *per = json_array();
	double ar_max = 0, exposed_max = 0;
	for (int k = 0; k < R; k++) {
		const double *f = all[k].f;
		/* compute: rows + scalars, gradient, and the workers' own reduction
		 * (t_reduce less the allreduce); exposed = step - compute - update */
		double compute = f[F_SAMPLE] + f[F_GRAD] + (f[F_REDUCE] - f[F_ALLRED]);
		double exposed = f[F_TRAIN] - compute - f[F_UPDATE];
		ar_max = f[F_ALLRED] > ar_max ? f[F_ALLRED] : ar_max;
		exposed_max = exposed > exposed_max ? exposed : exposed_max;
		json_array_append_new(per, json_pack("{s:i, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f}", "rank", k, "host",
		                                     all[k].host, "pus", all[k].pus, "train_s", f[F_TRAIN], "compute_s",
		                                     compute, "allreduce_s", f[F_ALLRED], "update_s", f[F_UPDATE],
		                                     "exposed_comm_s", exposed, "step_s", f[F_TRAIN] / steps));
	}
	double bytes = o->allreduce_bytes, per_call = ar_max / steps;
	double algbw = per_call > 0 ? bytes / per_call : 0;
	double sps = o->t_train > 0 ? (double)o->samples / o->t_train : 0;
	json_t *j = json_pack("{s:i, s:s, s:I, s:o, s:{s:f, s:f, s:f, s:f, s:f, s:f}, s:{s:f, s:f}, s:o}", "ranks", R,
	                      "library", c->library, "bucket_bytes", (json_int_t)(bucket_floats * sizeof(float)), "steps",
	                      json_integer((json_int_t)steps), "per_step", "step_s", o->t_train / steps,
	                      "allreduce_max_s", per_call, "exposed_comm_max_s", exposed_max / steps,
	                      "comm_share", o->t_train > 0 ? exposed_max / o->t_train : 0.0, "allreduce_bytes", bytes,
	                      "bus_bw_GBps", algbw * 2.0 * (R - 1) / R * 1e-9, "samples_per_s", "all_ranks", sps,
	                      "per_rank", sps / R, "per_rank_timing", per);
	free(all);
	return j;
}
