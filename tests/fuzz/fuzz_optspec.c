/* The --opt parser (name:key=value..., sweeps) and the --schedule parser on the input as text. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "optspec.h"
#include "schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char text[4097];
	memcpy(text, data, size);
	text[size] = 0;
	static gd_optspec specs[256];
	char err[256] = "";
	int n = 0;
	if (gd_optspec_parse_list(text, specs, 256, &n, err, sizeof(err)) == 0) {
		if (n < 1 || n > 256)
			abort();
		for (int i = 0; i < n; i++)
			if (!(specs[i].hp.lr >= 0) || memchr(specs[i].label, 0, sizeof(specs[i].label)) == NULL)
				abort();
	} else if (!err[0]) {
		abort();
	}
	gd_schedule sch;
	const char *bad = NULL;
	(void)gd_schedule_parse(&sch, text, &bad);
	return 0;
}
