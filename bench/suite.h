/*
 * Suite files: {"name": ..., "description": ..., "groups": [{key: value, ...}, ...]}.
 * Each group's keys are `gdbench run` long options; a list becomes a comma-
 * separated value (opt: one --opt per entry), true a bare flag. The parser
 * checks every group before anything runs and never prints: it fills err.
 */
#ifndef GD_SUITE_H
#define GD_SUITE_H

#include <stddef.h>

#include <jansson.h>

enum { SUITE_MAX_GROUPS = 64, SUITE_MAX_ARGS = 256, SUITE_POOL = 8192 };

typedef struct suite_plan {
	int ngroups;
	int argc[SUITE_MAX_GROUPS];
	/* argv[g] = "run", base..., the group's options, NULL; strings in pool[g] or base */
	char *argv[SUITE_MAX_GROUPS][SUITE_MAX_ARGS];
	char pool[SUITE_MAX_GROUPS][SUITE_POOL];
} suite_plan;

/* Expand suite s into one argv per group, base (nbase arguments: the command
 * line's own flags) in front of each group's. Returns 0, or -1 with the reason in err. */
int suite_expand(const json_t *s, char *const *base, int nbase, suite_plan *plan, char *err, size_t errlen);

#endif
