/*
 * What a convergence run (`gdbench run`) trains on and how: mode
 * specifications ("full", "minibatch:B", "sample", "hogwild:B",
 * "hogwild-locked:B", "mpi:full", "mpi:minibatch:B") and data specifications
 * ("fashion-mnist", "libsvm:PATH[:features=D]", "synth-regression[:n=N:d=D:
 * kappa=K:noise=S]", "synth-blobs[:n=N:d=D:c=C:spread=S]"). Nothing here
 * prints: functions return 0 or a negative GD_E* code (gd_error.h) and say
 * what was wrong in the caller's err buffer.
 */
#ifndef GD_RUNSPEC_H
#define GD_RUNSPEC_H
#include <stddef.h>

#include "dataset.h"
#include "train.h"

typedef struct gd_modespec {
	gd_mode mode;
	size_t batch;   /* 0 for full, 1 for sample */
	int mpi;        /* mpi:full, mpi:minibatch:B */
	int lock;       /* hogwild-locked:B: the updates under one mutex */
	char label[32]; /* the text as given, for result files and tables */
} gd_modespec;

/* Parse a comma-separated list of at most max modes into out[0..*n).
 * Returns 0, or GD_EINVAL with a message in err. */
int gd_modespec_parse_list(const char *list, gd_modespec *out, int max, int *n, char *err, size_t errlen);

typedef enum { GD_DATA_FASHION_MNIST, GD_DATA_LIBSVM, GD_DATA_SYNTH_REGRESSION, GD_DATA_SYNTH_BLOBS } gd_data_kind;

typedef struct gd_dataspec {
	const char *text;    /* the specification as given (not copied: it must outlive this) */
	gd_data_kind kind;
	const char *split;   /* fashion-mnist: "train", or "t10k" for "fashion-mnist:t10k" */
	char path[4096];     /* libsvm */
	size_t features;     /* libsvm: features=D, 0 when not given */
	double n, d, c, spread, kappa, noise; /* synthetic: c and spread for blobs, kappa and noise for regression */
} gd_dataspec;

/* Parse a data specification, defaults filled in (synthetic: n = 10000,
 * d = 50, kappa = 100, noise = 0.1 or d = 20, c = 4, spread = 2). Returns 0,
 * or GD_EINVAL with a message in err that starts with the quoted spec: an
 * unknown source, a bad number, or values the generator refuses. */
int gd_dataspec_parse(const char *spec, gd_dataspec *out, char *err, size_t errlen);

/*
 * Load parsed data (generated from seed 1 for synthetic sources).
 * fashion-mnist: from dir (NULL: GD_FASHION_MNIST_DIR), converting only
 * shard part of nparts; the other sources are loaded whole (the caller
 * shards them). libsvm: regression keeps the labels as targets; features
 * (0: the largest index) unless the spec sets them; storage as
 * gd_libsvm_load_as. name gets what the result file calls the data
 * ("fashion-mnist/train", else the spec). Returns 0, or the loader's error
 * with "file:line:column: why" (or "file: byte N: why", "file: why") in err.
 */
int gd_dataspec_load(const gd_dataspec *s, const char *dir, int regression, int part, int nparts, gd_storage storage,
                     size_t features, gd_dataset *ds, char *name, size_t namelen, char *err, size_t errlen);
#endif
