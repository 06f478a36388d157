/*
 * IDX loader (images + labels, plain or gzip). Input: 2 bytes little-endian
 * L, then L bytes of the images file, then the labels file; nclasses from
 * the length's top bits so both 10 and small counts are reached.
 */
#include <stdlib.h>

#include "dataset.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* what a user sets to cap a loader; below libFuzzer's -rss_limit_mb */
	setenv("GDBENCH_MEM_LIMIT_MB", "64", 0);
	static fuzz_file img, lab;
	if (size < 2)
		return 0;
	size_t l = (size_t)data[0] | (size_t)(data[1] & 0x3f) << 8;
	int nclasses = data[1] >> 6 == 0 ? 10 : 1 << (data[1] >> 6);
	data += 2, size -= 2;
	if (l > size)
		l = size;
	gd_dataset ds;
	gd_dataerr err;
	if (gd_idx_load(fuzz_file_set(&img, data, l), fuzz_file_set(&lab, data + l, size - l), nclasses, &ds, &err) == 0) {
		/* a loaded set must be what the header promised */
		if (ds.n == 0 || ds.d == 0 || !ds.x || !ds.label)
			abort();
		for (size_t i = 0; i < ds.n; i++)
			if (ds.label[i] < 0 || ds.label[i] >= nclasses)
				abort();
		gd_dataset_free(&ds);
	}
	return 0;
}
