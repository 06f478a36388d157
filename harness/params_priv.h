/* Building parameter sets: shared by params.c (the API), params_models.c (the
 * built-in architectures) and params_json.c (user files). */
#ifndef GD_PARAMS_PRIV_H
#define GD_PARAMS_PRIV_H

#include <stddef.h>

#include "params.h"

/*
 * A set under construction with a sticky error: after the first failed add
 * (GD_ENOMEM, or GD_ERANGE when a tensor's or the set's element count would
 * overflow size_t) every later add does nothing and rc keeps that code, so
 * the builders list their tensors without checking each call.
 */
typedef struct gd_pbuild {
	gd_param_set *ps;
	int rc;
} gd_pbuild;

/* Start an empty set named name, from source (both copied). */
void gd__pb_begin(gd_pbuild *b, gd_param_set *ps, const char *name, const char *source);
/* Append a tensor of the given shape (ndim 1..GD_PARAM_MAXDIM, every dimension
 * >= 1) at the end of the flat vector; its name is printf(fmt, ...). */
void gd__pb_add(gd_pbuild *b, const size_t *shape, int ndim, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Finish: 0, or the first error (the set is then freed and left empty). */
int gd__pb_end(gd_pbuild *b);

/* GD_SHAPE(a, b, ...): the shape and ndim arguments of gd__pb_add. */
#define GD_SHAPE(...) (const size_t[]){ __VA_ARGS__ }, \
	(int)(sizeof((const size_t[]){ __VA_ARGS__ }) / sizeof(size_t))

/* The built-in sets (params_models.c), in listing order. */
typedef struct gd_params_builtin {
	const char *name;
	int (*build)(gd_param_set *out);
} gd_params_builtin;
extern const gd_params_builtin gd__params_builtins[];
extern const size_t gd__params_nbuiltins;

/* Read a user set file (params_json.c); gd_params_load's contract. */
int gd__params_read_json(const char *path, gd_param_set *out, char *err, size_t errlen);

#endif
