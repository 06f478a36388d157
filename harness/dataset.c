/* Dataset loaders and generators: validate everything before trusting a size, leave nothing half-loaded. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dataset.h"
#include "gd_error.h"
#include "mem.h"
#include "rng.h"

static int fail(gd_dataerr *e, const char *file, long line, long col, long off, int code, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static int fail(gd_dataerr *e, const char *file, long line, long col, long off, int code, const char *fmt, ...)
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
static int check_size(size_t n, size_t d, size_t extra, gd_dataerr *e, const char *file)
{
	if (n == 0 || d == 0)
		return fail(e, file, -1, -1, -1, GD_EFORMAT, "no data (%zu rows x %zu features)", n, d);
	size_t budget = gd_mem_budget();
	double need = (double)n * ((double)d * sizeof(float) + (double)extra + sizeof(float));
	if (d > SIZE_MAX / sizeof(float) / n || (budget && need > (double)budget))
		return fail(e, file, -1, -1, -1, GD_ENOMEM,
		            "%zu rows x %zu features need %.2f GiB as float32, more than the %.2f GiB available "
		            "(MemAvailable%s)", n, d, need / 1073741824.0, (double)budget / 1073741824.0,
		            getenv("GDBENCH_MEM_LIMIT_MB") ? " or GDBENCH_MEM_LIMIT_MB" : "");
	return 0;
}

static int alloc_ds(gd_dataset *ds, size_t n, size_t d, int regression)
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

/* ---- IDX ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read exactly len bytes; returns bytes read, or -1 with zlib's message in e. */
static long read_all(gzFile f, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		unsigned chunk = len - got > (1u << 30) ? (1u << 30) : (unsigned)(len - got);
		int r = gzread(f, (char *)buf + got, chunk);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

static int open_gz(const char *path, gzFile *f, gd_dataerr *e)
{
	*f = gzopen(path, "rb");
	if (!*f)
		return fail(e, path, -1, -1, -1, GD_EIO, "cannot open: %s", strerror(errno ? errno : ENOENT));
	return 0;
}

static int gz_error(gzFile f, const char *path, long off, gd_dataerr *e)
{
	int zerr;
	const char *m = gzerror(f, &zerr);
	return fail(e, path, -1, -1, off, GD_EFORMAT, "corrupt gzip stream: %s", m ? m : "unknown zlib error");
}

/* Header of an IDX file: magic and dims; *ndims as the magic says. */
static int idx_header(gzFile f, const char *path, uint32_t want_magic, uint32_t *dims, int ndims, gd_dataerr *e)
{
	unsigned char h[16];
	size_t hlen = 4 + 4 * (size_t)ndims;
	long got = read_all(f, h, hlen);
	if (got < 0)
		return gz_error(f, path, 0, e);
	if (got == 0)
		return fail(e, path, -1, -1, 0, GD_EFORMAT, "empty file (expected a %zu-byte IDX header)", hlen);
	if (got < 4 || be32(h) != want_magic)
		return fail(e, path, -1, -1, 0, GD_EFORMAT, "wrong IDX magic 0x%08x (expected 0x%08x: %s)",
		            got >= 4 ? be32(h) : 0, want_magic, want_magic == 0x803 ? "unsigned-byte images, 3 dimensions"
		                                                                   : "unsigned-byte labels, 1 dimension");
	if ((size_t)got < hlen)
		return fail(e, path, -1, -1, got, GD_EFORMAT, "truncated header: %ld of %zu bytes", got, hlen);
	for (int i = 0; i < ndims; i++)
		dims[i] = be32(h + 4 + 4 * i);
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

int gd_idx_load(const char *images, const char *labels, int nclasses, gd_dataset *out, gd_dataerr *err)
{
	return gd_idx_load_shard(images, labels, nclasses, 0, 1, out, err);
}

int gd_idx_load_shard(const char *images, const char *labels, int nclasses, int part, int nparts, gd_dataset *out,
                      gd_dataerr *err)
{
	gzFile fi = NULL, fl = NULL;
	unsigned char *buf = NULL;
	uint32_t di[3], dl[1];
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = open_gz(images, &fi, err)) || (rc = idx_header(fi, images, 0x803, di, 3, err)))
		goto out;
	if ((rc = open_gz(labels, &fl, err)) || (rc = idx_header(fl, labels, 0x801, dl, 1, err)))
		goto out;
	if (di[0] != dl[0]) {
		rc = fail(err, labels, -1, -1, 4, GD_EFORMAT, "%u labels for %u images in %s", dl[0], di[0], images);
		goto out;
	}
	size_t n = di[0], d = (size_t)di[1] * di[2];
	if ((rc = check_size(n, d, d, err, images)))
		goto out;
	/* read before allocating the matrix, growing the buffer as bytes arrive:
	 * a header that promises more than the file holds costs no more memory
	 * than the file (gzip hides the true size until the end) */
	size_t want = n * d, cap = 0;
	long got = 0;
	for (;;) {
		size_t next = cap ? 2 * cap : (size_t)1 << 20;
		next = next > want ? want : next;
		unsigned char *nb = realloc(buf, next); /* ends at want >= n: the labels fit too */
		if (!nb) {
			rc = fail(err, images, -1, -1, -1, GD_ENOMEM, "out of memory reading %zu x %zu", n, d);
			goto out;
		}
		buf = nb;
		long r = read_all(fi, buf + cap, next - cap);
		if (r < 0) {
			rc = gz_error(fi, images, 16, err);
			goto out;
		}
		got = (long)cap + r;
		cap = next;
		if ((size_t)got < cap || cap == want)
			break;
	}
	if ((size_t)got < want) {
		rc = fail(err, images, -1, -1, 16 + got, GD_EFORMAT,
		          "truncated: %ld of %zu pixel bytes (%zu images of %ux%u) after the 16-byte header", got, want, n,
		          di[1], di[2]);
		goto out;
	}
	size_t lo, hi;
	gd_shard_rows(n, part, nparts, &lo, &hi);
	if (hi == lo) {
		rc = fail(err, images, -1, -1, -1, GD_EINVAL, "%zu rows cannot be split into %d non-empty shards", n, nparts);
		goto out;
	}
	if (alloc_ds(out, hi - lo, d, 0)) {
		rc = fail(err, images, -1, -1, -1, GD_ENOMEM, "out of memory for %zu x %zu", hi - lo, d);
		goto out;
	}
	for (size_t i = 0; i < (hi - lo) * d; i++)
		out->x[i] = (float)buf[lo * d + i] * (1.0f / 255.0f);
	got = read_all(fl, buf, n);
	if (got < 0) {
		rc = gz_error(fl, labels, 8, err);
		goto out;
	}
	if ((size_t)got < n) {
		rc = fail(err, labels, -1, -1, 8 + got, GD_EFORMAT, "truncated: %ld of %zu labels after the 8-byte header",
		          got, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] >= nclasses) {
			rc = fail(err, labels, -1, -1, 8 + (long)i, GD_EFORMAT, "label %u of image %zu out of range 0..%d",
			          buf[i], i, nclasses - 1);
			goto out;
		}
		if (i >= lo && i < hi)
			out->label[i - lo] = buf[i];
	}
	out->row0 = lo;
	out->n_all = n;
	out->c = (size_t)nclasses;
	snprintf(out->name, sizeof(out->name), "idx");
	rc = 0;
out:
	if (rc)
		gd_dataset_free(out);
	free(buf);
	if (fi)
		gzclose(fi);
	if (fl)
		gzclose(fl);
	return rc;
}

int gd_fashion_mnist_load(const char *dir, const char *split, gd_dataset *out, gd_dataerr *err)
{
	return gd_fashion_mnist_load_shard(dir, split, 0, 1, out, err);
}

int gd_fashion_mnist_load_shard(const char *dir, const char *split, int part, int nparts, gd_dataset *out,
                                gd_dataerr *err)
{
	char im[512], lb[512];
	if (strcmp(split, "train") && strcmp(split, "t10k"))
		return fail(err, split, -1, -1, -1, GD_EINVAL, "unknown split '%s' (expected train or t10k)", split);
	if (!dir)
		dir = GD_FASHION_MNIST_DIR;
	snprintf(im, sizeof(im), "%s/%s-images-idx3-ubyte.gz", dir, split);
	snprintf(lb, sizeof(lb), "%s/%s-labels-idx1-ubyte.gz", dir, split);
	int rc = gd_idx_load_shard(im, lb, 10, part, nparts, out, err);
	if (!rc)
		snprintf(out->name, sizeof(out->name), "fashion-mnist/%s", split);
	return rc;
}

/* ---- libsvm ---- */

typedef struct lsv {
	const char *path;
	int regression;
	size_t d_fixed;
	size_t n, dmax, nnz;
	int32_t *ccol; /* CSR sink of the row being parsed (pass 2) */
	float *cval;
	size_t cn;
	double lab_min, lab_max;
	int only_pm1;  /* every label is -1 or +1 */
	struct lsv_tok { long long idx; long col; } *tok; /* the current line's indices (duplicates) */
	size_t tok_cap;
} lsv;

static int tok_cmp(const void *a, const void *b)
{
	const struct lsv_tok *x = a, *y = b;
	return x->idx != y->idx ? (x->idx > y->idx) - (x->idx < y->idx) : (x->col > y->col) - (x->col < y->col);
}

/* Parse one line; with x non-NULL, fill row x (d floats, zeroed) and *label. */
static int lsv_line(lsv *s, char *line, long lineno, float *x, double *label, int *is_row, gd_dataerr *e)
{
	char *p = line, *end;
	*is_row = 0;
	char *hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '\n' || *p == '\r')
		return 0;
	errno = 0;
	double lab = strtod(p, &end);
	if (end == p || errno || !isfinite(lab) || (*end && !strchr(" \t\r\n", *end)))
		return fail(e, s->path, lineno, p - line + 1, -1, GD_EFORMAT, "bad label '%.*s' (expected a number)",
		            (int)strcspn(p, " \t\r\n"), p);
	if (!s->regression && (lab != floor(lab) || lab < -1 || lab > 65535))
		return fail(e, s->path, lineno, p - line + 1, -1, GD_EFORMAT,
		            "label %g out of range (classification expects -1/+1 or 0..C-1)", lab);
	*label = lab;
	p = end;
	size_t ntok = 0;
	long long prev = 0;
	int ascending = 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n' || *p == '\r')
			break;
		char *tok = p;
		errno = 0;
		long long idx = strtoll(p, &end, 10);
		if (end == p || *end != ':' || errno)
			return fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT,
			            "malformed token '%.*s' (expected index:value)", (int)strcspn(tok, " \t\r\n"), tok);
		if (idx < 1)
			return fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT, "index %lld (indices are 1-based)", idx);
		if (s->d_fixed && (size_t)idx > s->d_fixed)
			return fail(e, s->path, lineno, tok - line + 1, -1, GD_ERANGE, "index %lld out of range 1..%zu", idx,
			            s->d_fixed);
		if ((unsigned long long)idx > (1ull << 28))
			return fail(e, s->path, lineno, tok - line + 1, -1, GD_ERANGE,
			            "index %lld too large for a dense matrix (at most 2^28 features)", idx);
		p = end + 1;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno || !(fabs(v) <= FLT_MAX) || (*end && !strchr(" \t\r\n", *end)))
			return fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT, "bad value in '%.*s' (expected a finite float32 number)",
			            (int)strcspn(tok, " \t\r\n"), tok);
		p = end;
		size_t j = (size_t)idx - 1;
		if (ntok == s->tok_cap) {
			size_t cap = s->tok_cap ? 2 * s->tok_cap : 64;
			struct lsv_tok *nt = realloc(s->tok, cap * sizeof(*nt));
			if (!nt)
				return fail(e, s->path, lineno, -1, -1, GD_ENOMEM, "out of memory");
			s->tok = nt;
			s->tok_cap = cap;
		}
		s->tok[ntok++] = (struct lsv_tok){ idx, tok - line + 1 };
		ascending &= idx > prev;
		prev = idx;
		if ((size_t)idx > s->dmax)
			s->dmax = (size_t)idx;
		if (x)
			x[j] = (float)v;
		if (s->ccol) {
			s->ccol[s->cn] = (int32_t)j;
			s->cval[s->cn++] = (float)v;
		}
	}
	/* a repeated index: impossible when the indices ascend (the usual case,
	 * O(1) per token); otherwise sort the line's (index, column) pairs */
	if (!ascending) {
		qsort(s->tok, ntok, sizeof(*s->tok), tok_cmp);
		for (size_t k = 1; k < ntok; k++)
			if (s->tok[k].idx == s->tok[k - 1].idx)
				return fail(e, s->path, lineno, s->tok[k].col, -1, GD_EFORMAT, "index %lld repeated on one line",
				            s->tok[k].idx);
		if (s->ccol) /* CSR rows ascend: insertion sort of the row (short, nearly sorted) */
			for (size_t a = s->cn - ntok + 1; a < s->cn; a++)
				for (size_t b = a; b > s->cn - ntok && s->ccol[b - 1] > s->ccol[b]; b--) {
					int32_t tc = s->ccol[b];
					float tv = s->cval[b];
					s->ccol[b] = s->ccol[b - 1], s->cval[b] = s->cval[b - 1];
					s->ccol[b - 1] = tc, s->cval[b - 1] = tv;
				}
	}
	if (!x && !s->ccol) /* pass 1 counts */
		s->nnz += ntok;
	*is_row = 1;
	return 0;
}

int gd_libsvm_load(const char *path, int regression, size_t nfeatures, gd_dataset *out, gd_dataerr *err)
{
	return gd_libsvm_load_as(path, regression, nfeatures, GD_STORE_DENSE, out, err);
}

int gd_libsvm_load_as(const char *path, int regression, size_t nfeatures, gd_storage storage, gd_dataset *out,
                      gd_dataerr *err)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(err, path, -1, -1, -1, GD_EIO, "cannot open: %s", strerror(errno));
	lsv s = { .path = path, .regression = regression, .d_fixed = nfeatures, .only_pm1 = 1,
		  .lab_min = INFINITY, .lab_max = -INFINITY };
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0, is_row, csr = 0;
	double lab;
	/* pass 1: validate, count rows, find the width and the label set */
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if ((rc = lsv_line(&s, line, lineno, NULL, &lab, &is_row, err)))
			goto out;
		if (!is_row)
			continue;
		s.n++;
		s.lab_min = fmin(s.lab_min, lab);
		s.lab_max = fmax(s.lab_max, lab);
		s.only_pm1 &= lab == -1 || lab == 1;
	}
	if (ferror(f)) {
		rc = fail(err, path, lineno, -1, -1, GD_EIO, "read error: %s", strerror(errno));
		goto out;
	}
	if (s.n == 0) {
		rc = fail(err, path, -1, -1, -1, GD_EFORMAT, "empty file: no data rows");
		goto out;
	}
	if (!regression && !s.only_pm1 && s.lab_min < 0) {
		rc = fail(err, path, -1, -1, -1, GD_EFORMAT,
		          "label -1 with labels other than +1 (classification expects -1/+1 or 0..C-1)");
		goto out;
	}
	size_t d = nfeatures ? nfeatures : s.dmax;
	if (d == 0) {
		rc = fail(err, path, -1, -1, -1, GD_EFORMAT, "no features on any line (give the feature count)");
		goto out;
	}
	csr = storage == GD_STORE_CSR ||
	          (storage == GD_STORE_AUTO && ((double)s.nnz < 0.25 * (double)s.n * (double)d ||
	                                        (double)s.n * (double)d * sizeof(float) > 1073741824.0));
	if (csr) {
		size_t budget = gd_mem_budget();
		double need = (double)s.nnz * 8 + (double)(s.n + 1) * 8 + (double)s.n * 4;
		if (budget && need > (double)budget) {
			rc = fail(err, path, -1, -1, -1, GD_ENOMEM, "%zu nonzeros need %.2f GiB in CSR, more than the %.2f GiB "
			          "available", s.nnz, need / 1073741824.0, (double)budget / 1073741824.0);
			goto out;
		}
		out->n = out->n_all = s.n;
		out->d = d;
		out->nnz = s.nnz;
		out->rowptr = gd_alloc64((s.n + 1) * sizeof(int64_t));
		out->col = gd_alloc64(s.nnz * sizeof(int32_t));
		out->val = gd_alloc64(s.nnz * sizeof(float));
		if (regression)
			out->y = gd_alloc64(s.n * sizeof(float));
		else
			out->label = gd_alloc64(s.n * sizeof(int32_t));
		if (!out->rowptr || !out->col || !out->val || !(out->y || out->label)) {
			rc = fail(err, path, -1, -1, -1, GD_ENOMEM, "out of memory for %zu nonzeros", s.nnz);
			goto out;
		}
		out->rowptr[0] = 0;
		s.ccol = out->col;
		s.cval = out->val;
		s.cn = 0;
	} else {
		if ((rc = check_size(s.n, d, 0, err, path)))
			goto out;
		if (alloc_ds(out, s.n, d, regression)) {
			rc = fail(err, path, -1, -1, -1, GD_ENOMEM, "out of memory for %zu x %zu", s.n, d);
			goto out;
		}
		memset(out->x, 0, s.n * d * sizeof(float));
	}
	/* pass 2: fill */
	rewind(f);
	size_t row = 0;
	lineno = 0;
	while (row < s.n && getline(&line, &cap, f) >= 0) {
		lineno++;
		if ((rc = lsv_line(&s, line, lineno, csr ? NULL : out->x + row * d, &lab, &is_row, err)))
			goto out;
		if (!is_row)
			continue;
		if (csr)
			out->rowptr[row + 1] = (int64_t)s.cn;
		if (regression)
			out->y[row] = (float)lab;
		else
			out->label[row] = s.only_pm1 ? (lab > 0) : (int32_t)lab;
		row++;
	}
	if (row != s.n || (csr && s.cn != s.nnz)) {
		rc = fail(err, path, lineno, -1, -1, GD_EIO, "file changed while reading (%zu of %zu rows)", row, s.n);
		goto out;
	}
	out->c = regression ? 0 : s.only_pm1 ? 2 : (size_t)s.lab_max + 1;
	snprintf(out->name, sizeof(out->name), "libsvm");
out:
	if (rc)
		gd_dataset_free(out);
	free(line);
	free(s.tok);
	fclose(f);
	return rc;
}

int gd_dataset_densify(const gd_dataset *in, gd_dataset *out)
{
	memset(out, 0, sizeof(*out));
	if (!in->rowptr)
		return GD_EINVAL;
	if (alloc_ds(out, in->n, in->d, in->y != NULL))
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

/* ---- synthetic ---- */

int gd_synth_regression(size_t n, size_t d, double kappa, double noise, uint64_t seed, gd_dataset *out,
                        float *w_star)
{
	memset(out, 0, sizeof(*out));
	if (!(kappa >= 1) || !(noise >= 0) || n == 0 || d == 0)
		return GD_EINVAL;
	if (check_size(n, d, 0, NULL, NULL))
		return GD_ENOMEM;
	if (alloc_ds(out, n, d, 1))
		return GD_ENOMEM;
	float *w = malloc((d + 1) * sizeof(float)), *sd = malloc(d * sizeof(float));
	if (!w || !sd) {
		free(w);
		free(sd);
		gd_dataset_free(out);
		return GD_ENOMEM;
	}
	/* streams: 0 weights, 1 features, 2 noise */
	for (size_t j = 0; j <= d; j++)
		w[j] = (float)gd_rng_normal(seed, 0, j);
	for (size_t j = 0; j < d; j++) /* variances log-spaced in [1, kappa] */
		sd[j] = (float)sqrt(d > 1 ? pow(kappa, (double)j / (double)(d - 1)) : 1.0);
	for (size_t i = 0; i < n; i++) {
		double t = w[d];
		for (size_t j = 0; j < d; j++) {
			float v = sd[j] * (float)gd_rng_normal(seed, 1, i * d + j);
			out->x[i * d + j] = v;
			t += (double)v * w[j];
		}
		out->y[i] = (float)(t + noise * gd_rng_normal(seed, 2, i));
	}
	if (w_star)
		memcpy(w_star, w, (d + 1) * sizeof(float));
	free(w);
	free(sd);
	snprintf(out->name, sizeof(out->name), "synth-regression");
	return 0;
}

int gd_synth_blobs(size_t n, size_t d, size_t c, double spread, uint64_t seed, gd_dataset *out)
{
	memset(out, 0, sizeof(*out));
	if (n == 0 || d == 0 || c < 2 || !(spread >= 0))
		return GD_EINVAL;
	if (check_size(n, d, 0, NULL, NULL))
		return GD_ENOMEM;
	if (alloc_ds(out, n, d, 0))
		return GD_ENOMEM;
	/* streams: 0 centers, 1 labels, 2 points */
	for (size_t i = 0; i < n; i++) {
		size_t k = gd_rng_u64(seed, 1, i) % c;
		out->label[i] = (int32_t)k;
		for (size_t j = 0; j < d; j++) {
			double center = spread * (2 * gd_rng_uniform(seed, 0, k * d + j) - 1);
			out->x[i * d + j] = (float)(center + gd_rng_normal(seed, 2, i * d + j));
		}
	}
	out->c = c;
	snprintf(out->name, sizeof(out->name), "synth-blobs");
	return 0;
}
