/* Parameter sets: building one, the built-in names, the MLP and flat sets (see params.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "params_priv.h"

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

void gd__pb_begin(gd_pbuild *b, gd_param_set *ps, const char *name, const char *source)
{
	memset(ps, 0, sizeof(*ps));
	b->ps = ps;
	b->rc = 0;
	ps->name = dup_str(name);
	ps->source = dup_str(source);
	if (!ps->name || !ps->source)
		b->rc = GD_ENOMEM;
}

void gd__pb_add(gd_pbuild *b, const size_t *shape, int ndim, const char *fmt, ...)
{
	if (b->rc)
		return;
	gd_param_set *ps = b->ps;
	if (ndim < 1 || ndim > GD_PARAM_MAXDIM) {
		b->rc = GD_EINVAL;
		return;
	}
	size_t numel = 1;
	for (int k = 0; k < ndim; k++) {
		if (shape[k] == 0) {
			b->rc = GD_EINVAL;
			return;
		}
		if (numel > SIZE_MAX / shape[k]) {
			b->rc = GD_ERANGE;
			return;
		}
		numel *= shape[k];
	}
	if (ps->total > SIZE_MAX - numel) {
		b->rc = GD_ERANGE;
		return;
	}
	/* The capacity is not stored: it is 8, then the power of two at or above
	 * ntensors, so the array grows exactly when ntensors reaches one. */
	size_t n = ps->ntensors;
	if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) {
		size_t cap = n ? 2 * n : 8;
		gd_tensor *t = cap <= SIZE_MAX / sizeof(*t) ? realloc(ps->t, cap * sizeof(*t)) : NULL;
		if (!t) {
			b->rc = GD_ENOMEM;
			return;
		}
		ps->t = t;
	}
	gd_tensor *t = &ps->t[n];
	memset(t, 0, sizeof(*t));
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	t->name = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (t->name)
		vsnprintf(t->name, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
	if (!t->name) {
		b->rc = GD_ENOMEM;
		return;
	}
	t->ndim = ndim;
	memcpy(t->shape, shape, (size_t)ndim * sizeof(*shape));
	t->numel = numel;
	t->off = ps->total;
	ps->total += numel;
	ps->ntensors = n + 1;
}

int gd__pb_end(gd_pbuild *b)
{
	if (b->rc)
		gd_params_free(b->ps);
	return b->rc;
}

size_t gd_params_builtin_count(void)
{
	return gd__params_nbuiltins;
}

const char *gd_params_builtin_name(size_t i)
{
	return i < gd__params_nbuiltins ? gd__params_builtins[i].name : NULL;
}

int gd_params_load(const char *name_or_path, gd_param_set *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = 0;
	for (size_t i = 0; i < gd__params_nbuiltins; i++)
		if (!strcmp(name_or_path, gd__params_builtins[i].name))
			return gd__params_builtins[i].build(out);
	return gd__params_read_json(name_or_path, out, err, errlen);
}

int gd_params_mlp(size_t d, size_t h, size_t c, gd_param_set *out)
{
	memset(out, 0, sizeof(*out));
	if (!d || !h || !c)
		return GD_EINVAL;
	char source[128];
	snprintf(source, sizeof(source), "gdbench run's MLP: d = %zu, h = %zu, c = %zu (kernels/grad.h)", d, h, c);
	gd_pbuild b;
	gd__pb_begin(&b, out, "mlp", source);
	/* the order and shapes of gd_mlp_offsets: W1 is h rows of d, W2 c rows of h */
	gd__pb_add(&b, GD_SHAPE(h, d), "W1");
	gd__pb_add(&b, GD_SHAPE(h), "b1");
	gd__pb_add(&b, GD_SHAPE(c, h), "W2");
	gd__pb_add(&b, GD_SHAPE(c), "b2");
	return gd__pb_end(&b);
}

int gd_params_flat(const char *name, size_t n, gd_param_set *out)
{
	memset(out, 0, sizeof(*out));
	if (!name || !*name || !n)
		return GD_EINVAL;
	char source[64];
	snprintf(source, sizeof(source), "a flat vector of %zu elements", n);
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source);
	gd__pb_add(&b, GD_SHAPE(n), "%s", name);
	return gd__pb_end(&b);
}

void gd_params_free(gd_param_set *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->ntensors; i++)
		free(ps->t[i].name);
	free(ps->t);
	free(ps->name);
	free(ps->source);
	memset(ps, 0, sizeof(*ps));
}
