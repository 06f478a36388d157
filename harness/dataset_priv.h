/* What the dataset files (dataset.c, dataset_idx.c, dataset_libsvm.c, dataset_synth.c) share;
 * not part of the harness API. */
#ifndef GD_DATASET_PRIV_H
#define GD_DATASET_PRIV_H

#include <stddef.h>

#include "dataset.h"

/* Fill e (when not NULL) with where and why a load failed; returns code. */
int gd__data_fail(gd_dataerr *e, const char *file, long line, long col, long off, int code, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
/* Refuse sizes this machine cannot hold before allocating anything:
 * extra bytes per row on top of the float32 matrix and the labels. */
int gd__data_check_size(size_t n, size_t d, size_t extra, gd_dataerr *e, const char *file);
/* A dense n x d dataset with targets (regression) or labels; GD_ENOMEM leaves nothing allocated. */
int gd__data_alloc(gd_dataset *ds, size_t n, size_t d, int regression);
#endif
