/*
 * Dataset loaders and generators: hand-written fixtures under tests/data load
 * to the expected arrays; every malformed case fails with its message and
 * location and leaves nothing allocated; the real Fashion-MNIST loads when
 * Debian's dataset-fashion-mnist is installed (skipped visibly otherwise).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "gd_error.h"
#include "testutil.h"

static const char *data_dir(void)
{
	const char *d = getenv("GD_TEST_DATA");
	return d ? d : "tests/data";
}

static char tmpdir[64];

static const char *fixture(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", data_dir(), name);
	return buf[k];
}

/* write bytes to a temp file and return its path */
static const char *tmpfile_with(const char *name, const void *bytes, size_t len)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", tmpdir, name);
	FILE *f = fopen(buf[k], "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
	return buf[k];
}

static int setup(void **unused)
{
	(void)unused;
	strcpy(tmpdir, "/tmp/gdtest.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **unused)
{
	(void)unused;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_idx_fixture(void **unused)
{
	(void)unused;
	const char *pairs[2][2] = {
		{ "tiny-images-idx3-ubyte", "tiny-labels-idx1-ubyte" },
		{ "tiny-images-idx3-ubyte.gz", "tiny-labels-idx1-ubyte.gz" },
	};
	for (int p = 0; p < 2; p++) {
		gd_dataset ds;
		gd_dataerr e;
		int rc = gd_idx_load(fixture(pairs[p][0]), fixture(pairs[p][1]), 10, &ds, &e);
		if (rc)
			fail_msg("%s: %s", e.file, e.msg);
		assert_int_equal(ds.n, 3);
		assert_int_equal(ds.d, 6);
		assert_int_equal(ds.c, 10);
		assert_true(((uintptr_t)ds.x & 63) == 0);
		/* pixel k of image i was written as 10*i + k */
		for (int i = 0; i < 3; i++)
			for (int k = 0; k < 6; k++)
				assert_true(ds.x[i * 6 + k] == (float)(10 * i + k) * (1.0f / 255.0f));
		assert_int_equal(ds.label[0], 2);
		assert_int_equal(ds.label[1], 0);
		assert_int_equal(ds.label[2], 1);
		gd_dataset_free(&ds);
	}
}

/* IDX header bytes: magic, then dims, big-endian */
static size_t be(unsigned char *p, const unsigned *v, int n)
{
	for (int i = 0; i < n; i++) {
		p[4 * i] = (unsigned char)(v[i] >> 24);
		p[4 * i + 1] = (unsigned char)(v[i] >> 16);
		p[4 * i + 2] = (unsigned char)(v[i] >> 8);
		p[4 * i + 3] = (unsigned char)v[i];
	}
	return 4 * (size_t)n;
}

static void expect_idx_error(const char *images, const char *labels, int want, const char *msg, long offset)
{
	gd_dataset ds;
	gd_dataerr e;
	int rc = gd_idx_load(images, labels, 10, &ds, &e);
	if (rc != want || !strstr(e.msg, msg) || (offset >= 0 && e.offset != offset))
		fail_msg("%s / %s: rc %d (wanted %d), '%s' at offset %ld (wanted '%s' at %ld)", images, labels, rc, want,
		         rc ? e.msg : "", rc ? e.offset : -1, msg, offset);
	assert_null(ds.x); /* nothing half-loaded */
}

static void test_idx_malformed(void **unused)
{
	(void)unused;
	unsigned char b[64 + 6];
	const char *good_lab = fixture("tiny-labels-idx1-ubyte");
	const char *good_img = fixture("tiny-images-idx3-ubyte");
	size_t h;

	expect_idx_error(tmpfile_with("empty", "", 0), good_lab, GD_EFORMAT, "empty file", 0);
	h = be(b, (unsigned[]){ 0x801, 3, 2, 3 }, 4);
	expect_idx_error(tmpfile_with("magic", b, h), good_lab, GD_EFORMAT, "wrong IDX magic 0x00000801", 0);
	h = be(b, (unsigned[]){ 0x803, 3, 2 }, 3);
	expect_idx_error(tmpfile_with("shorthdr", b, h), good_lab, GD_EFORMAT, "truncated header", 12);
	h = be(b, (unsigned[]){ 0x803, 3, 2, 3 }, 4);
	memset(b + h, 7, 10);
	expect_idx_error(tmpfile_with("trunc", b, h + 10), good_lab, GD_EFORMAT, "truncated: 10 of 18 pixel bytes", 26);
	h = be(b, (unsigned[]){ 0x801, 4 }, 2);
	memset(b + h, 1, 4);
	expect_idx_error(good_img, tmpfile_with("count", b, h + 4), GD_EFORMAT, "4 labels for 3 images", 4);
	h = be(b, (unsigned[]){ 0x801, 3 }, 2);
	b[h] = 1, b[h + 1] = 12, b[h + 2] = 3;
	expect_idx_error(good_img, tmpfile_with("range", b, h + 3), GD_EFORMAT, "label 12 of image 1 out of range 0..9", 9);
	/* absurd dimensions are refused before any allocation */
	h = be(b, (unsigned[]){ 0x803, 0xffffffffu, 0xffff, 0xffff }, 4);
	expect_idx_error(tmpfile_with("huge", b, h), good_lab, GD_EFORMAT, "labels for", -1);
	h = be(b, (unsigned[]){ 0x803, 3, 0xffff, 0xffff }, 4);
	expect_idx_error(tmpfile_with("huge2", b, h), good_lab, GD_ENOMEM, "GiB available", -1);
	expect_idx_error("/nonexistent/images", good_lab, GD_EIO, "cannot open", -1);
	/* a corrupt gzip stream */
	expect_idx_error(tmpfile_with("bad.gz", "\x1f\x8b\x08\x00garbage-garbage", 19), good_lab, GD_EFORMAT, "", -1);
}

static void test_libsvm_fixture(void **unused)
{
	(void)unused;
	gd_dataset ds;
	gd_dataerr e;
	if (gd_libsvm_load(fixture("tiny.libsvm"), 0, 0, &ds, &e))
		fail_msg("%s:%ld:%ld: %s", e.file, e.line, e.column, e.msg);
	const float want[4][5] = {
		{ 0.5f, 0, -1.25f, 0, 0 }, { 0, 0, 0, 0, 2 }, { -0.5f, 0.3f, 0, 1, 0 }, { 0, 0, 0, 0, 0 },
	};
	assert_int_equal(ds.n, 4);
	assert_int_equal(ds.d, 5);
	assert_int_equal(ds.c, 3);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 5; j++)
			assert_true(ds.x[i * 5 + j] == want[i][j]);
	assert_int_equal(ds.label[0], 2);
	assert_int_equal(ds.label[1], 0);
	assert_int_equal(ds.label[2], 1);
	assert_int_equal(ds.label[3], 0);
	gd_dataset_free(&ds);
	/* a wider matrix on request; regression keeps the raw labels */
	assert_int_equal(gd_libsvm_load(fixture("tiny.libsvm"), 1, 8, &ds, &e), 0);
	assert_int_equal(ds.d, 8);
	assert_null(ds.label);
	assert_true(ds.y[0] == 2.0f);
	gd_dataset_free(&ds);
	/* -1/+1 map to 0/1 */
	assert_int_equal(gd_libsvm_load(fixture("tiny-pm1.libsvm"), 0, 0, &ds, &e), 0);
	assert_int_equal(ds.c, 2);
	assert_int_equal(ds.label[0], 1);
	assert_int_equal(ds.label[1], 0);
	gd_dataset_free(&ds);
}

static void expect_libsvm_error(const char *text, size_t nfeat, int want, const char *msg, long line, long col)
{
	gd_dataset ds;
	gd_dataerr e;
	const char *path = tmpfile_with("case.libsvm", text, strlen(text));
	int rc = gd_libsvm_load(path, 0, nfeat, &ds, &e);
	if (rc != want || !strstr(e.msg, msg) || e.line != line || e.column != col)
		fail_msg("'%s': rc %d (wanted %d), %ld:%ld '%s' (wanted %ld:%ld '%s')", text, rc, want, e.line, e.column,
		         rc ? e.msg : "", line, col, msg);
	assert_null(ds.x);
}

static void test_libsvm_malformed(void **unused)
{
	(void)unused;
	expect_libsvm_error("", 0, GD_EFORMAT, "empty file", -1, -1);
	expect_libsvm_error("# only a comment\n\n", 0, GD_EFORMAT, "empty file", -1, -1);
	expect_libsvm_error("1 1:2\nx 1:2\n", 0, GD_EFORMAT, "bad label 'x'", 2, 1);
	expect_libsvm_error("1 1:2\n0 3:1 4-5\n", 0, GD_EFORMAT, "malformed token '4-5'", 2, 7);
	expect_libsvm_error("1 0:2\n", 0, GD_EFORMAT, "index 0 (indices are 1-based)", 1, 3);
	expect_libsvm_error("1 1:2 7:1\n", 5, GD_ERANGE, "index 7 out of range 1..5", 1, 7);
	expect_libsvm_error("1 2:1 2:3\n", 0, GD_EFORMAT, "index 2 repeated", 1, 7);
	expect_libsvm_error("1 2:abc\n", 0, GD_EFORMAT, "bad value in '2:abc'", 1, 3);
	expect_libsvm_error("1 2:nan\n", 0, GD_EFORMAT, "bad value", 1, 3);
	expect_libsvm_error("1.5 2:1\n", 0, GD_EFORMAT, "label 1.5 out of range", 1, 1);
	expect_libsvm_error("-1 1:1\n2 1:1\n", 0, GD_EFORMAT, "label -1 with labels other than +1", -1, -1);
	expect_libsvm_error("1 999999999:1\n", 0, GD_ERANGE, "too large for a dense matrix", 1, 3);
	gd_dataset ds;
	gd_dataerr e;
	assert_int_equal(gd_libsvm_load("/nonexistent.libsvm", 0, 0, &ds, &e), GD_EIO);
	assert_non_null(strstr(e.msg, "cannot open"));
}

/* The regression generator's feature variances span [1, kappa]: the sample
 * variance ratio of the last to the first column is kappa within sampling
 * error (20000 rows: a few percent); the same seed gives the same data. */
static void test_synthetic(void **unused)
{
	(void)unused;
	gd_dataset a, b;
	float w[6];
	assert_int_equal(gd_synth_regression(20000, 5, 100.0, 0.0, 42, &a, w), 0);
	double v0 = 0, v4 = 0, res = 0;
	for (size_t i = 0; i < a.n; i++) {
		v0 += (double)a.x[i * 5] * a.x[i * 5];
		v4 += (double)a.x[i * 5 + 4] * a.x[i * 5 + 4];
		double t = w[5];
		for (int j = 0; j < 5; j++)
			t += (double)w[j] * a.x[i * 5 + j];
		res = fmax(res, fabs(t - a.y[i]));
	}
	assert_true(fabs(v4 / v0 / 100.0 - 1.0) < 0.06);
	assert_true(res < 1e-3); /* noise 0: y is exactly x.w* + b* up to float rounding */
	assert_int_equal(gd_synth_regression(20000, 5, 100.0, 0.0, 42, &b, NULL), 0);
	assert_memory_equal(a.x, b.x, 20000 * 5 * sizeof(float));
	gd_dataset_free(&b);
	assert_int_equal(gd_synth_regression(20000, 5, 100.0, 0.0, 43, &b, NULL), 0);
	assert_memory_not_equal(a.x, b.x, 5 * sizeof(float));
	gd_dataset_free(&a);
	gd_dataset_free(&b);

	assert_int_equal(gd_synth_blobs(3000, 4, 3, 5.0, 7, &a), 0);
	int count[3] = { 0 };
	for (size_t i = 0; i < a.n; i++) {
		assert_true(a.label[i] >= 0 && a.label[i] < 3);
		count[a.label[i]]++;
	}
	for (int k = 0; k < 3; k++)
		assert_true(count[k] > 800 && count[k] < 1200);
	gd_dataset_free(&a);
	assert_int_equal(gd_synth_regression(10, 5, 0.5, 0, 1, &a, NULL), GD_EINVAL);
	assert_int_equal(gd_synth_blobs(10, 5, 1, 1, 1, &a), GD_EINVAL);
}

static void test_fashion_mnist(void **unused)
{
	(void)unused;
	if (access(GD_FASHION_MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0) {
		printf("[ SKIP     ] Fashion-MNIST not installed at " GD_FASHION_MNIST_DIR
		       " (apt-get install dataset-fashion-mnist)\n");
		skip();
	}
	gd_dataset tr, te;
	gd_dataerr e;
	if (gd_fashion_mnist_load(NULL, "train", &tr, &e) || gd_fashion_mnist_load(NULL, "t10k", &te, &e))
		fail_msg("%s: %s", e.file, e.msg);
	assert_int_equal(tr.n, 60000);
	assert_int_equal(te.n, 10000);
	assert_int_equal(tr.d, 784);
	int count[10] = { 0 };
	float mx = 0;
	for (size_t i = 0; i < tr.n; i++)
		count[tr.label[i]]++;
	for (size_t i = 0; i < tr.n * tr.d; i++)
		mx = tr.x[i] > mx ? tr.x[i] : mx;
	for (int k = 0; k < 10; k++)
		assert_int_equal(count[k], 6000);
	assert_true(mx == 1.0f);
	gd_dataset_free(&tr);
	gd_dataset_free(&te);
	assert_int_equal(gd_fashion_mnist_load(NULL, "valid", &tr, &e), GD_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idx_fixture),      cmocka_unit_test(test_idx_malformed),
		cmocka_unit_test(test_libsvm_fixture),   cmocka_unit_test(test_libsvm_malformed),
		cmocka_unit_test(test_synthetic),        cmocka_unit_test(test_fashion_mnist),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
