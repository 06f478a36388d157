/* Datasets in memory: Fashion-MNIST (IDX), libsvm text files, and deterministic synthetic problems. */
#ifndef GD_DATASET_H
#define GD_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define GD_FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"

/* Rows are 64-byte aligned row-major float32 (ld = d), or, for sparse data,
 * CSR (x NULL): row i's nonzeros are col[rowptr[i]..rowptr[i+1]) (0-based,
 * ascending, no repeats) with values val[...], every array 64-byte aligned.
 * Exactly one of y (regression targets) and label (classes 0..c-1) is set. */
typedef struct gd_dataset {
	char name[64];
	size_t n, d, c;   /* rows, features, classes (0 for regression) */
	size_t row0, n_all; /* a shard holds rows row0..row0+n of n_all (else 0 and n) */
	size_t nnz;       /* CSR: nonzeros */
	int64_t *rowptr;  /* CSR: n + 1 offsets */
	int32_t *col;
	float *val;
	float *x;
	float *y;
	int32_t *label;
} gd_dataset;

/* Where and why a load failed: line (text) or byte offset (binary) are -1
 * when they do not apply. The loaders never print. */
typedef struct gd_dataerr {
	char file[256];
	long line, column, offset;
	char msg[256];
} gd_dataerr;

/*
 * IDX files (images: magic 0x803, n x rows x cols unsigned bytes, scaled to
 * [0, 1]; labels: magic 0x801, n bytes in 0..nclasses-1), gzip-compressed or
 * plain (zlib reads both). On error nothing is left allocated.
 */
int gd_idx_load(const char *images, const char *labels, int nclasses, gd_dataset *out, gd_dataerr *err);
/* The same, keeping only shard `part` of `nparts` (gd_shard_rows) as float32:
 * the whole file is still read and checked, its other rows never converted. */
int gd_idx_load_shard(const char *images, const char *labels, int nclasses, int part, int nparts, gd_dataset *out,
                      gd_dataerr *err);
/* Fashion-MNIST split "train" (60000 rows) or "t10k" (10000) from dir
 * (NULL: GD_FASHION_MNIST_DIR, where Debian's dataset-fashion-mnist puts it). */
int gd_fashion_mnist_load(const char *dir, const char *split, gd_dataset *out, gd_dataerr *err);
int gd_fashion_mnist_load_shard(const char *dir, const char *split, int part, int nparts, gd_dataset *out,
                                gd_dataerr *err);

/* Contiguous shards: part p of P holds rows [p*n/P, (p+1)*n/P) (sizes differ by
 * at most one row; every row in exactly one shard). */
void gd_shard_rows(size_t n, int part, int nparts, size_t *lo, size_t *hi);
/* Keep only shard `part` of `nparts` of a loaded dataset (row0, n_all set);
 * GD_EINVAL for a bad part or an empty shard. */
int gd_dataset_shard(gd_dataset *ds, int part, int nparts);

/*
 * libsvm / svmlight text: "label index:value ..." per line, indices 1-based
 * in any order (a repeated index is an error), '#' starts a comment, blank
 * lines are skipped. Densified to n x d with d = nfeatures, or the largest
 * index when nfeatures is 0. Labels: regression keeps them as targets;
 * otherwise {-1, +1} map to {0, 1} and anything else must be 0..C-1.
 */
int gd_libsvm_load(const char *path, int regression, size_t nfeatures, gd_dataset *out, gd_dataerr *err);
/*
 * The same with a storage choice: dense, CSR (never densified), or auto:
 * CSR when fewer than a quarter of the entries are nonzero or the dense
 * matrix would pass 1 GiB. In CSR a row's indices may come in any order
 * (they are sorted); a repeated index on one line is an error either way;
 * a line with a label and no features is an empty row.
 */
typedef enum { GD_STORE_AUTO, GD_STORE_DENSE, GD_STORE_CSR } gd_storage;
int gd_libsvm_load_as(const char *path, int regression, size_t nfeatures, gd_storage storage, gd_dataset *out,
                      gd_dataerr *err);
/* A dense copy of CSR data (tests, small problems); GD_ENOMEM, GD_EINVAL if not CSR. */
int gd_dataset_densify(const gd_dataset *csr, gd_dataset *out);

/*
 * Linear regression with a chosen condition number: feature j is N(0, s_j^2)
 * with s_j^2 log-spaced from 1 to kappa, so the population Hessian of the
 * least-squares loss is diag(s^2) (condition number kappa; the sample's is
 * close for n >> d). y = x . w* + b* + noise * N(0, 1); w* (d) and b* are
 * written to w_star (d + 1 floats) when it is not NULL.
 */
int gd_synth_regression(size_t n, size_t d, double kappa, double noise, uint64_t seed, gd_dataset *out,
                        float *w_star);
/* Gaussian blobs: c centers uniform in [-spread, spread]^d, unit-variance points. */
int gd_synth_blobs(size_t n, size_t d, size_t c, double spread, uint64_t seed, gd_dataset *out);

void gd_dataset_free(gd_dataset *ds);
#endif
