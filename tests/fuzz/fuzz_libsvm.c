/* libsvm loader: the input is the file, read as classification, as regression, with 8 features
 * (dense), and into CSR. */
#include <math.h>
#include <stdlib.h>

#include "dataset.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* what a user sets to cap a loader; below libFuzzer's -rss_limit_mb */
	setenv("GDBENCH_MEM_LIMIT_MB", "64", 0);
	static fuzz_file f;
	const char *path = fuzz_file_set(&f, data, size);
	static const struct { int regression; size_t nfeatures; gd_storage st; } modes[] = {
		{ 0, 0, GD_STORE_DENSE }, { 1, 0, GD_STORE_DENSE }, { 0, 8, GD_STORE_DENSE }, { 0, 0, GD_STORE_CSR },
	};
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		gd_dataset ds;
		gd_dataerr err;
		if (gd_libsvm_load_as(path, modes[m].regression, modes[m].nfeatures, modes[m].st, &ds, &err))
			continue;
		if (ds.n == 0 || ds.d == 0 || (modes[m].nfeatures && ds.d != modes[m].nfeatures))
			abort();
		for (size_t i = 0; ds.x && i < ds.n * ds.d; i++)
			if (!isfinite(ds.x[i]))
				abort();
		for (size_t i = 0; ds.rowptr && i < ds.n; i++) /* CSR: offsets ascend, columns ascend and fit */
			for (int64_t k = ds.rowptr[i]; k < ds.rowptr[i + 1]; k++)
				if (ds.rowptr[i + 1] < ds.rowptr[i] || ds.col[k] < 0 || (size_t)ds.col[k] >= ds.d ||
				    (k > ds.rowptr[i] && ds.col[k] <= ds.col[k - 1]) || !isfinite(ds.val[k]))
					abort();
		if (ds.rowptr && (size_t)ds.rowptr[ds.n] != ds.nnz)
			abort();
		for (size_t i = 0; !modes[m].regression && i < ds.n; i++)
			if (ds.label[i] < 0 || (size_t)ds.label[i] >= ds.c)
				abort();
		gd_dataset_free(&ds);
	}
	return 0;
}
