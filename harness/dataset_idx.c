/* The IDX loader (gzip or plain) and Fashion-MNIST's splits. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dataset_priv.h"
#include "gd_error.h"

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
		return gd__data_fail(e, path, -1, -1, -1, GD_EIO, "cannot open: %s", strerror(errno ? errno : ENOENT));
	return 0;
}

static int gz_error(gzFile f, const char *path, long off, gd_dataerr *e)
{
	int zerr;
	const char *m = gzerror(f, &zerr);
	return gd__data_fail(e, path, -1, -1, off, GD_EFORMAT, "corrupt gzip stream: %s", m ? m : "unknown zlib error");
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
		return gd__data_fail(e, path, -1, -1, 0, GD_EFORMAT, "empty file (expected a %zu-byte IDX header)",
		                     hlen);
	if (got < 4 || be32(h) != want_magic)
		return gd__data_fail(e, path, -1, -1, 0, GD_EFORMAT, "wrong IDX magic 0x%08x (expected 0x%08x: %s)",
		                     got >= 4 ? be32(h) : 0, want_magic,
		                     want_magic == 0x803 ? "unsigned-byte images, 3 dimensions"
		                                         : "unsigned-byte labels, 1 dimension");
	if ((size_t)got < hlen)
		return gd__data_fail(e, path, -1, -1, got, GD_EFORMAT, "truncated header: %ld of %zu bytes", got, hlen);
	for (int i = 0; i < ndims; i++)
		dims[i] = be32(h + 4 + 4 * i);
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
		rc = gd__data_fail(err, labels, -1, -1, 4, GD_EFORMAT, "%u labels for %u images in %s", dl[0], di[0],
		                   images);
		goto out;
	}
	size_t n = di[0], d = (size_t)di[1] * di[2];
	if ((rc = gd__data_check_size(n, d, d, err, images)))
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
			rc = gd__data_fail(err, images, -1, -1, -1, GD_ENOMEM, "out of memory reading %zu x %zu", n, d);
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
		rc = gd__data_fail(err, images, -1, -1, 16 + got, GD_EFORMAT,
		                   "truncated: %ld of %zu pixel bytes (%zu images of %ux%u) after the 16-byte header",
		                   got, want, n, di[1], di[2]);
		goto out;
	}
	size_t lo, hi;
	gd_shard_rows(n, part, nparts, &lo, &hi);
	if (hi == lo) {
		rc = gd__data_fail(err, images, -1, -1, -1, GD_EINVAL,
		                   "%zu rows cannot be split into %d non-empty shards", n, nparts);
		goto out;
	}
	if (gd__data_alloc(out, hi - lo, d, 0)) {
		rc = gd__data_fail(err, images, -1, -1, -1, GD_ENOMEM, "out of memory for %zu x %zu", hi - lo, d);
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
		rc = gd__data_fail(err, labels, -1, -1, 8 + got, GD_EFORMAT,
		                   "truncated: %ld of %zu labels after the 8-byte header", got, n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (buf[i] >= nclasses) {
			rc = gd__data_fail(err, labels, -1, -1, 8 + (long)i, GD_EFORMAT,
			                   "label %u of image %zu out of range 0..%d", buf[i], i, nclasses - 1);
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
		return gd__data_fail(err, split, -1, -1, -1, GD_EINVAL, "unknown split '%s' (expected train or t10k)",
		                     split);
	if (!dir)
		dir = GD_FASHION_MNIST_DIR;
	snprintf(im, sizeof(im), "%s/%s-images-idx3-ubyte.gz", dir, split);
	snprintf(lb, sizeof(lb), "%s/%s-labels-idx1-ubyte.gz", dir, split);
	int rc = gd_idx_load_shard(im, lb, 10, part, nparts, out, err);
	if (!rc)
		snprintf(out->name, sizeof(out->name), "fashion-mnist/%s", split);
	return rc;
}
