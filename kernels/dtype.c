/* Storage types: the --dtype names, their parser and whole-array conversions (dtype.h). */
#include <string.h>

#include "dtype.h"
#include "gd_error.h"


typedef struct dt_row {
	const char *name, *label;
	gd_store p, g, s;
	int sr;
} dt_row;

static const dt_row rows[GD_NDT] = {
#define GD__ROW(up, lo, p, g, s, sr, ...)                                         \
	{ GD__DT_NAME(p, g, s, sr), #lo, GD_ST_##p, GD_ST_##g, GD_ST_##s, sr },
	GD_DTYPE_MAP(GD__ROW, 0)
#undef GD__ROW
};

static const char *const store_names[GD_NSTORE] = { "f32", "bf16", "f16" };

static const dt_row *row(gd_dtype d) { return &rows[(unsigned)d < GD_NDT ? d : GD_DT_F32]; }

const char *gd_dtype_name(gd_dtype d) { return (unsigned)d < GD_NDT ? rows[d].name : "?"; }
const char *gd_dtype_label(gd_dtype d) { return (unsigned)d < GD_NDT ? rows[d].label : "?"; }
gd_store gd_dtype_param(gd_dtype d) { return row(d)->p; }
gd_store gd_dtype_grad(gd_dtype d) { return row(d)->g; }
gd_store gd_dtype_state(gd_dtype d) { return row(d)->s; }
int gd_dtype_sr(gd_dtype d) { return row(d)->sr; }
const char *gd_store_name(gd_store s) { return (unsigned)s < GD_NSTORE ? store_names[s] : "?"; }
size_t gd_store_size(gd_store s) { return s == GD_ST_F32 ? 4 : 2; }

/* One storage word of s[0..len), or GD_EINVAL. */
static int store_word(const char *s, size_t len, gd_store *out)
{
	for (int k = 0; k < GD_NSTORE; k++)
		if (strlen(store_names[k]) == len && !memcmp(s, store_names[k], len)) {
			*out = (gd_store)k;
			return 0;
		}
	return GD_EINVAL;
}

int gd_dtype_parse(const char *s, gd_dtype *out)
{
	if (!s)
		return GD_EINVAL;
	gd_store st[3];
	const char *p = s;
	for (int k = 0; k < 3; k++) {
		size_t len = strcspn(p, k < 2 ? "/" : "+");
		if (store_word(p, len, &st[k]))
			return GD_EINVAL;
		p += len;
		if (k < 2) {
			if (*p != '/')
				return GD_EINVAL;
			p++;
		}
	}
	int sr = 0;
	if (*p) {
		if (strcmp(p, "+sr"))
			return GD_EINVAL;
		sr = 1;
	}
	/* Stochastic rounding is for bf16 stores only: an f16 significand has
	 * 3 bits more than bf16's, and fp16 training keeps fp32 master weights
	 * (loss scaling) instead; no +sr rows with f16 parameters are built. */
	for (int d = 0; d < GD_NDT; d++)
		if (rows[d].p == st[0] && rows[d].g == st[1] && rows[d].s == st[2] && rows[d].sr == sr) {
			*out = (gd_dtype)d;
			return 0;
		}
	return GD_ENOTSUP;
}

void gd_store_from_f32(gd_store s, void *dst, const float *src, size_t n)
{
	switch (s) {
	case GD_ST_BF16:
		for (size_t i = 0; i < n; i++)
			((gd_bf16 *)dst)[i] = gd_bf16_rne(src[i]);
		break;
	case GD_ST_F16:
		for (size_t i = 0; i < n; i++)
			((gd_f16 *)dst)[i] = gd_f16_rne(src[i]);
		break;
	default:
		if (n)
			memmove(dst, src, n * sizeof(float));
		break;
	}
}

void gd_store_to_f32(gd_store s, float *dst, const void *src, size_t n)
{
	switch (s) {
	case GD_ST_BF16:
		for (size_t i = 0; i < n; i++)
			dst[i] = gd_bf16_to_f32(((const gd_bf16 *)src)[i]);
		break;
	case GD_ST_F16:
		for (size_t i = 0; i < n; i++)
			dst[i] = gd_f16_to_f32(((const gd_f16 *)src)[i]);
		break;
	default:
		if (n)
			memmove(dst, src, n * sizeof(float));
		break;
	}
}
