/* Suite files (bench/suite.c): parse the input as JSON and expand it behind one command-line flag. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static suite_plan plan;
	json_error_t e;
	json_t *s = json_loadb((const char *)data, size, 0, &e);
	if (!s)
		return 0;
	char *base[] = { "--quiet" };
	char err[512];
	if (suite_expand(s, base, 1, &plan, err, sizeof(err)) == 0) {
		for (int g = 0; g < plan.ngroups; g++) {
			/* every argv is "run", the base, then --key [value] pairs, NULL-terminated with room for 3 more */
			if (plan.argc[g] < 2 || plan.argc[g] > SUITE_MAX_ARGS - 4 || plan.argv[g][plan.argc[g]] ||
			    strcmp(plan.argv[g][0], "run"))
				abort();
			for (int i = 2; i < plan.argc[g]; i++)
				if (!plan.argv[g][i])
					abort();
		}
	} else if (!err[0]) {
		abort(); /* a refusal always says why */
	}
	json_decref(s);
	return 0;
}
