/* Parameter-set files (harness/params_json.c): load the input as a set, check what a loaded set promises. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "gd_error.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static fuzz_file f;
	const char *path = fuzz_file_set(&f, data, size);
	gd_param_set ps;
	char err[512] = "";
	int rc = gd_params_load(path, &ps, err, sizeof(err));
	if (rc == 0) {
		/* tensors laid out back to back, each 1..4-D with numel the product of its shape */
		size_t off = 0;
		for (size_t i = 0; i < ps.ntensors; i++) {
			const gd_tensor *t = &ps.t[i];
			size_t n = 1;
			for (int d = 0; d < t->ndim; d++)
				n *= t->shape[d];
			if (t->ndim < 1 || t->ndim > GD_PARAM_MAXDIM || !t->name || t->off != off || t->numel != n || !n)
				abort();
			off += t->numel;
		}
		if (off != ps.total || !ps.ntensors)
			abort();
	} else if ((rc == GD_EFORMAT || rc == GD_ERANGE) && strncmp(err, path, strlen(path))) {
		abort(); /* a bad file's message starts with its path:line:column */
	}
	gd_params_free(&ps);
	return 0;
}
