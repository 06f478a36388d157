/* The "context" block of every result: what makes a figure reproducible (machine, build, libraries). */
#ifndef GD_CONTEXT_H
#define GD_CONTEXT_H
#include <jansson.h>

#include "cpu.h"
#include "roofline.h"
#include "topo.h"

/* Build information, filled by the caller from the generated config.h, so
 * harness/ does not depend on the build layout. */
typedef struct gd_build_info {
	const char *version, *git_revision, *compiler, *build_type;
	const char *cflags; /* every kernel library's flags, per ISA level */
} gd_build_info;

/* A new JSON object with CPU, ISA (chosen = isa), topology, caches, OpenBLAS,
 * build, host, date and load average; NULL on allocation failure. */
json_t *gd_context_new(const gd_topo *t, gd_isa isa, const gd_build_info *b);
/* Add a measured roofline under key (e.g. "roofline_1t"). */
int gd_context_add_roofline(json_t *ctx, const char *key, const gd_roofline *r);
#endif
