/* The libsvm / svmlight text loader, dense or CSR. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset_priv.h"
#include "gd_error.h"
#include "mem.h"

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
		return gd__data_fail(e, s->path, lineno, p - line + 1, -1, GD_EFORMAT,
		                     "bad label '%.*s' (expected a number)", (int)strcspn(p, " \t\r\n"), p);
	if (!s->regression && (lab != floor(lab) || lab < -1 || lab > 65535))
		return gd__data_fail(e, s->path, lineno, p - line + 1, -1, GD_EFORMAT,
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
			return gd__data_fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT,
			                     "malformed token '%.*s' (expected index:value)",
			                     (int)strcspn(tok, " \t\r\n"), tok);
		if (idx < 1)
			return gd__data_fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT,
			                     "index %lld (indices are 1-based)", idx);
		if (s->d_fixed && (size_t)idx > s->d_fixed)
			return gd__data_fail(e, s->path, lineno, tok - line + 1, -1, GD_ERANGE,
			                     "index %lld out of range 1..%zu", idx, s->d_fixed);
		if ((unsigned long long)idx > (1ull << 28))
			return gd__data_fail(e, s->path, lineno, tok - line + 1, -1, GD_ERANGE,
			                     "index %lld too large for a dense matrix (at most 2^28 features)", idx);
		p = end + 1;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno || !(fabs(v) <= FLT_MAX) || (*end && !strchr(" \t\r\n", *end)))
			return gd__data_fail(e, s->path, lineno, tok - line + 1, -1, GD_EFORMAT,
			                     "bad value in '%.*s' (expected a finite float32 number)",
			                     (int)strcspn(tok, " \t\r\n"), tok);
		p = end;
		size_t j = (size_t)idx - 1;
		if (ntok == s->tok_cap) {
			size_t cap = s->tok_cap ? 2 * s->tok_cap : 64;
			struct lsv_tok *nt = realloc(s->tok, cap * sizeof(*nt));
			if (!nt)
				return gd__data_fail(e, s->path, lineno, -1, -1, GD_ENOMEM, "out of memory");
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
				return gd__data_fail(e, s->path, lineno, s->tok[k].col, -1, GD_EFORMAT,
				                     "index %lld repeated on one line", s->tok[k].idx);
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
		return gd__data_fail(err, path, -1, -1, -1, GD_EIO, "cannot open: %s", strerror(errno));
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
		rc = gd__data_fail(err, path, lineno, -1, -1, GD_EIO, "read error: %s", strerror(errno));
		goto out;
	}
	if (s.n == 0) {
		rc = gd__data_fail(err, path, -1, -1, -1, GD_EFORMAT, "empty file: no data rows");
		goto out;
	}
	if (!regression && !s.only_pm1 && s.lab_min < 0) {
		rc = gd__data_fail(err, path, -1, -1, -1, GD_EFORMAT,
		                   "label -1 with labels other than +1 (classification expects -1/+1 or 0..C-1)");
		goto out;
	}
	size_t d = nfeatures ? nfeatures : s.dmax;
	if (d == 0) {
		rc = gd__data_fail(err, path, -1, -1, -1, GD_EFORMAT,
		                   "no features on any line (give the feature count)");
		goto out;
	}
	csr = storage == GD_STORE_CSR ||
	          (storage == GD_STORE_AUTO && ((double)s.nnz < 0.25 * (double)s.n * (double)d ||
	                                        (double)s.n * (double)d * sizeof(float) > 1073741824.0));
	if (csr) {
		size_t budget = gd_mem_budget();
		double need = (double)s.nnz * 8 + (double)(s.n + 1) * 8 + (double)s.n * 4;
		if (budget && need > (double)budget) {
			rc = gd__data_fail(err, path, -1, -1, -1, GD_ENOMEM,
			                   "%zu nonzeros need %.2f GiB in CSR, more than the %.2f GiB available", s.nnz,
			                   need / 1073741824.0, (double)budget / 1073741824.0);
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
			rc = gd__data_fail(err, path, -1, -1, -1, GD_ENOMEM, "out of memory for %zu nonzeros", s.nnz);
			goto out;
		}
		out->rowptr[0] = 0;
		s.ccol = out->col;
		s.cval = out->val;
		s.cn = 0;
	} else {
		if ((rc = gd__data_check_size(s.n, d, 0, err, path)))
			goto out;
		if (gd__data_alloc(out, s.n, d, regression)) {
			rc = gd__data_fail(err, path, -1, -1, -1, GD_ENOMEM, "out of memory for %zu x %zu", s.n, d);
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
		rc = gd__data_fail(err, path, lineno, -1, -1, GD_EIO, "file changed while reading (%zu of %zu rows)",
		                   row, s.n);
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
