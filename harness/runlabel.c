/* A run's --mode text from its result record (see runlabel.h). */
#include <stdio.h>
#include <string.h>

#include "runlabel.h"

void gd_run_mode_label(const json_t *r, char *buf, size_t len)
{
	const char *m = json_string_value(json_object_get(r, "mode"));
	if (!m) {
		snprintf(buf, len, "?");
		return;
	}
	const char *pre = json_object_get(r, "mpi") ? "mpi:" : "";
	int locked = json_is_true(json_object_get(r, "hogwild_lock"));
	long b = (long)json_integer_value(json_object_get(r, "batch"));
	if (!strcmp(m, "full") || !strcmp(m, "sample"))
		snprintf(buf, len, "%s%s", pre, m);
	else
		snprintf(buf, len, "%s%s%s:%ld", pre, m, locked ? "-locked" : "", b);
}
