/*
 * Result files as gdbench-compare and gdbench-report read them: the lenient
 * JSON reader (NaN/Infinity tokens), then compare's pairing of entries.
 */
#include <math.h>
#include <stdlib.h>

#include "fuzz_input.h"
#include "jsonread.h"
#include "resultset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	json_t *doc = gd_json_parse_lenient((const char *)data, size, "fuzz", err, sizeof(err));
	if (!doc) {
		if (!err[0])
			abort();
		return 0;
	}
	rs_set s = { .path = "fuzz" };
	if (rs_add_doc(&s, doc, "fuzz", err, sizeof(err)) == 0) {
		for (size_t i = 0; i < s.n; i++)
			if (s.e[i].n == 0 || !s.e[i].key[0])
				abort();
	}
	rs_free(&s);
	return 0;
}
