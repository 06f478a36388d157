/* The problem `gdbench run` trains: its data (runspec.h) and the model that fits it (run_data.h). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "registry.h"
#include "run_data.h"
#include "run_mpi.h"
#include "runspec.h"

/* Parse and load data spec; part/nparts: keep only that contiguous shard of
 * the rows (MPI ranks). Returns 0, GD_EXIT_USAGE or GD_EXIT_FAIL with the
 * message in err. */
static int load_data(const char *spec, const char *dir, int regression, int part, int nparts, gd_storage storage,
                     size_t features, gd_dataset *ds, char *what, size_t wl, char *err, size_t errlen)
{
	gd_dataspec ds_spec;
	size_t k = (size_t)snprintf(err, errlen, "--data "); /* the reason follows */
	if (gd_dataspec_parse(spec, &ds_spec, err + k, errlen - k))
		return GD_EXIT_USAGE;
	if (gd_dataspec_load(&ds_spec, dir, regression, part, nparts, storage, features, ds, what, wl, err, errlen))
		return GD_EXIT_FAIL;
	if (nparts > 1 && ds->n_all == ds->n && gd_dataset_shard(ds, part, nparts)) {
		snprintf(err, errlen, "--data '%s': %zu rows cannot be split into %d non-empty shards", spec, ds->n, nparts);
		gd_dataset_free(ds);
		return GD_EXIT_USAGE;
	}
	return 0;
}

/* The training data and, on rank 0, the test split: 0, or GD_EXIT_USAGE / GD_EXIT_FAIL with the message in err. */
static int load_both(const run_data_args *a, const gd_comm *cm, run_problem *p, char *err, size_t errlen)
{
	int regression = a->model && !strcmp(a->model, "lsq");
	if (!a->model && !strncmp(a->data, "synth-regression", 16))
		regression = 1;
	int rc = load_data(a->data, a->dir, regression, cm ? cm->rank : 0, cm ? cm->size : 1, a->storage, 0, &p->train,
	                   p->train_name, sizeof(p->train_name), err, errlen);
	if (rc || a->no_test || !(a->test || !strcmp(a->data, "fashion-mnist")) || (cm && cm->rank != 0))
		return rc;
	char terr[1024];
	/* the test split is rank 0's alone: only it evaluates test metrics */
	/* the training set's storage and width: a test file may not use the last features */
	rc = load_data(a->test ? a->test : "fashion-mnist:t10k", a->dir, regression, 0, 1,
	               p->train.rowptr ? GD_STORE_CSR : GD_STORE_DENSE, p->train.d, &p->test, p->test_name,
	               sizeof(p->test_name), terr, sizeof(terr));
	p->have_test = !rc;
	if (rc)
		snprintf(err, errlen, "--test-data: %.1000s", terr);
	else if (p->test.d != p->train.d) {
		rc = GD_EXIT_FAIL;
		snprintf(err, errlen, "test data has %zu features, training data %zu", p->test.d, p->train.d);
	}
	return rc;
}

int run_problem_load(const char *me, const run_data_args *a, gd_comm *cm, run_problem *p)
{
	char err[1024] = "";
	int rc = load_both(a, cm, p, err, sizeof(err));
	if (cm) { /* one rank's bad path or memory stops every rank, each saying which and why */
		char why_rank[512];
		if (run_mpi_agree(cm, rc, err, why_rank, sizeof(why_rank)) >= 0)
			return cli_fail(me, "[rank %d] stopping: %s", cm->rank, why_rank);
	}
	if (rc)
		return rc == GD_EXIT_USAGE ? cli_usage(me, "%s", err) : cli_fail(me, "%s", err);
	const gd_dataset *train = &p->train;
	int mk = a->model ? gd_model_from_name(a->model) : (train->y ? GD_MODEL_LSQ : GD_MODEL_SOFTMAX);
	const char *why = NULL;
	gd_model *model = &p->model;
	*model = (gd_model){ .kind = (gd_model_kind)(mk < 0 ? 0 : mk), .d = train->d, .l1 = a->l1, .l2 = a->l2 };
	if (mk >= 0) {
		model->c = mk == GD_MODEL_LSQ || mk == GD_MODEL_LOGISTIC ? 1 : train->c;
		model->h = mk == GD_MODEL_MLP ? (size_t)a->hidden : 0;
	}
	if (mk < 0 || (mk == GD_MODEL_LSQ) != (train->y != NULL) || (mk == GD_MODEL_LOGISTIC && train->c != 2) ||
	    gd_model_check(model, &why))
		return cli_usage(me, "--model '%s' does not fit the data (%s, %zu classes)%s%s", a->model ? a->model : "?",
		                 train->y ? "regression targets" : "class labels", train->c, why ? ": " : "", why ? why : "");
	if (train->rowptr) { /* what the CSR path runs (gd_train refuses the rest) */
		const char *no = !gd_model_has_csr(model->kind) ? "the model (CSR kernels: lsq, logistic, softmax)"
		                 : a->l1 > 0 ? "--l1 (lazy steps need a penalty that vanishes with the gradient: use --l2)"
		                 : a->noise_eta > 0 ? "--noise" : a->clip > 0 ? "--clip" : cm ? "mpi modes"
		                 : a->second_order ? "lbfgs and newton" : NULL;
		if (no)
			return cli_usage(me, "%s: sparse (CSR) data does not support %s; --storage dense densifies it",
			                 p->train_name, no);
	}
	return 0;
}

void run_problem_free(run_problem *p)
{
	gd_dataset_free(&p->train);
	gd_dataset_free(&p->test);
}
