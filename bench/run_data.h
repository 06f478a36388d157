/* The problem `gdbench run` trains (run_data.c): the data of --data and --test-data
 * (runspec.h) and the model that fits it. */
#ifndef GD_RUN_DATA_H
#define GD_RUN_DATA_H

#include "comm.h"
#include "dataset.h"
#include "grad.h"

typedef struct run_data_args {
	const char *data;  /* --data */
	const char *test;  /* --test-data; NULL: fashion-mnist's t10k split for fashion-mnist, else none */
	const char *dir;   /* --data-dir; NULL: GD_FASHION_MNIST_DIR */
	const char *model; /* --model; NULL: lsq for regression targets, else softmax */
	int no_test;
	gd_storage storage;
	long hidden;
	double l1, l2;
	double clip, noise_eta; /* what sparse (CSR) data cannot run with, */
	int second_order;       /* like lbfgs and newton among the optimizers */
} run_data_args;

typedef struct run_problem {
	gd_dataset train, test;
	int have_test;
	char train_name[128], test_name[128]; /* what the result file calls them */
	gd_model model;
} run_problem;

/* Load the training data (this rank's shard under cm, which may be NULL)
 * and, on rank 0, the test split; under MPI every rank agrees before going
 * on, so one rank's bad path or memory stops all. Then fit the model to the
 * data. Returns 0, or the exit status after a message (me: the command's
 * name). Free p with run_problem_free either way. */
int run_problem_load(const char *me, const run_data_args *a, gd_comm *cm, run_problem *p);
void run_problem_free(run_problem *p);
#endif
