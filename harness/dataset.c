/* Dataset pieces the loaders share: the error message (file:line:column), the
 * memory budget check, allocation and free; shards and densifying. The loaders
 * (dataset_idx.c, dataset_libsvm.c) and generators (dataset_synth.c) validate
 * everything before trusting a size and leave nothing half-loaded. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_priv.h"
#include "gd_error.h"
#include "mem.h"

int gd__data_fail(gd_dataerr *e, const char *file, long line, long col, long off, int code, const char *fmt, ...)
{
	if (e) {
		snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
		e->line = line;
		e->column = col;
		e->offset = off;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void gd_dataset_free(gd_dataset *ds)
{
	if (!ds)
		return;
	free(ds->x);
	free(ds->y);
	free(ds->label);
	free(ds->rowptr);
	free(ds->col);
	free(ds->val);
	memset(ds, 0, sizeof(*ds));
}

/* Refuse sizes this machine cannot hold before allocating anything:
 * extra bytes per row on top of the float32 matrix and the labels. */
int gd__data_check_size(size_t n, size_t d, size_t extra, gd_dataerr *e, const char *file)
{
	if (n == 0 || d == 0)
		return gd__data_fail(e, file, -1, -1, -1, GD_EFORMAT, "no data (%zu rows x %zu features)", n, d);
	size_t budget = gd_mem_budget();
	double need = (double)n * ((double)d * sizeof(float) + (double)extra + sizeof(float));
	if (d > SIZE_MAX / sizeof(float) / n || (budget && need > (double)budget))
		return gd__data_fail(e, file, -1, -1, -1, GD_ENOMEM,
		                     "%zu rows x %zu features need %.2f GiB as float32, more than the %.2f GiB "
		                     "available (MemAvailable%s)", n, d, need / 1073741824.0,
		                     (double)budget / 1073741824.0,
		                     getenv("GDBENCH_MEM_LIMIT_MB") ? " or GDBENCH_MEM_LIMIT_MB" : "");
	return 0;
}

int gd__data_alloc(gd_dataset *ds, size_t n, size_t d, int regression)
{
	memset(ds, 0, sizeof(*ds));
	ds->n = ds->n_all = n;
	ds->d = d;
	ds->x = gd_alloc64(n * d * sizeof(float));
	if (regression)
		ds->y = gd_alloc64(n * sizeof(float));
	else
		ds->label = gd_alloc64(n * sizeof(int32_t));
	if (!ds->x || !(ds->y || ds->label)) {
		gd_dataset_free(ds);
		return GD_ENOMEM;
	}
	return 0;
}

void gd_shard_rows(size_t n, int part, int nparts, size_t *lo, size_t *hi)
{
	*lo = n * (size_t)part / (size_t)nparts;
	*hi = n * (size_t)(part + 1) / (size_t)nparts;
}

int gd_dataset_shard(gd_dataset *ds, int part, int nparts)
{
	size_t lo, hi;
	if (nparts < 1 || part < 0 || part >= nparts)
		return GD_EINVAL;
	gd_shard_rows(ds->n, part, nparts, &lo, &hi);
	if (hi == lo)
		return GD_EINVAL;
	if (ds->rowptr) { /* CSR: the shard's nonzeros to the front, offsets from 0 */
		int64_t a = ds->rowptr[lo], z = ds->rowptr[hi];
		memmove(ds->col, ds->col + a, (size_t)(z - a) * sizeof(int32_t));
		memmove(ds->val, ds->val + a, (size_t)(z - a) * sizeof(float));
		for (size_t i = lo; i <= hi; i++)
			ds->rowptr[i - lo] = ds->rowptr[i] - a;
		ds->nnz = (size_t)(z - a);
	} else {
		memmove(ds->x, ds->x + lo * ds->d, (hi - lo) * ds->d * sizeof(float));
	}
	if (ds->y)
		memmove(ds->y, ds->y + lo, (hi - lo) * sizeof(float));
	if (ds->label)
		memmove(ds->label, ds->label + lo, (hi - lo) * sizeof(int32_t));
	ds->row0 = ds->row0 + lo;
	ds->n_all = ds->n_all ? ds->n_all : ds->n;
	ds->n = hi - lo;
	return 0;
}

int gd_dataset_densify(const gd_dataset *in, gd_dataset *out)
{
	memset(out, 0, sizeof(*out));
	if (!in->rowptr)
		return GD_EINVAL;
	if (gd__data_alloc(out, in->n, in->d, in->y != NULL))
		return GD_ENOMEM;
	memset(out->x, 0, in->n * in->d * sizeof(float));
	for (size_t i = 0; i < in->n; i++)
		for (int64_t k = in->rowptr[i]; k < in->rowptr[i + 1]; k++)
			out->x[i * in->d + (size_t)in->col[k]] = in->val[k];
	if (in->y)
		memcpy(out->y, in->y, in->n * sizeof(float));
	else
		memcpy(out->label, in->label, in->n * sizeof(int32_t));
	out->c = in->c;
	out->row0 = in->row0;
	out->n_all = in->n_all;
	snprintf(out->name, sizeof(out->name), "%s", in->name);
	return 0;
}
