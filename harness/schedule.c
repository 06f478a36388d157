/* Learning-rate schedules: the formulas of the course material plus warm-up and reduce-on-plateau. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "schedule.h"

static const char *const names[GD_NSCHED] = { "const", "step", "exp", "invt", "quad", "plateau" };

const char *gd_schedule_name(gd_sched_kind kind)
{
	return (unsigned)kind < GD_NSCHED ? names[kind] : "?";
}

void gd_schedule_init(gd_schedule *s, gd_sched_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->k = 0.01;
	s->step_size = 30;
	s->gamma = 0.1;
	s->factor = 0.1;
	s->patience = 10;
	s->threshold = 1e-4;
	s->scale = 1.0;
	s->best = INFINITY;
}

static int parse_num(const char *v, size_t len, double *out)
{
	char buf[64], *end;
	if (len == 0 || len >= sizeof(buf))
		return GD_EINVAL;
	memcpy(buf, v, len);
	buf[len] = 0;
	errno = 0;
	*out = strtod(buf, &end);
	if (*end || errno || !isfinite(*out))
		return GD_EINVAL;
	return 0;
}

int gd_schedule_parse(gd_schedule *s, const char *spec, const char **bad)
{
	size_t nlen = strcspn(spec, ":");
	int kind = -1;
	for (int i = 0; i < GD_NSCHED; i++)
		if (strlen(names[i]) == nlen && !strncmp(spec, names[i], nlen))
			kind = i;
	if (kind < 0) {
		*bad = spec;
		return GD_EINVAL;
	}
	gd_schedule_init(s, (gd_sched_kind)kind);
	for (const char *p = spec + nlen; *p == ':';) {
		const char *key = p + 1;
		size_t klen = strcspn(key, "=:");
		if (key[klen] != '=') {
			*bad = key;
			return GD_EINVAL;
		}
		const char *val = key + klen + 1;
		size_t vlen = strcspn(val, ":");
		double x;
		if (parse_num(val, vlen, &x)) {
			*bad = key;
			return GD_EINVAL;
		}
/* a whole number in [lo, 1e15]: checked before the cast, which is undefined out of range */
#define WHOLE(x, lo) ((x) >= (lo) && (x) <= 1e15 && (x) == floor(x))
#define KEY(name) (klen == strlen(name) && !strncmp(key, name, klen))
		int ok = 1;
		if (KEY("k"))
			ok = (s->k = x) >= 0;
		else if (KEY("step_size"))
			ok = WHOLE(x, 1) && (s->step_size = (long)x);
		else if (KEY("gamma"))
			ok = (s->gamma = x) > 0 && x <= 1;
		else if (KEY("warmup"))
			ok = WHOLE(x, 0) && ((s->warmup = (long)x), 1);
		else if (KEY("factor"))
			ok = (s->factor = x) > 0 && x < 1;
		else if (KEY("patience"))
			ok = WHOLE(x, 0) && ((s->patience = (long)x), 1);
		else if (KEY("threshold"))
			ok = (s->threshold = x) >= 0;
		else if (KEY("min_lr"))
			ok = (s->min_lr = x) >= 0;
		else {
			*bad = key;
			return GD_EINVAL;
		}
#undef KEY
		if (!ok) {
			*bad = key;
			return GD_ERANGE;
		}
		p = val + vlen;
	}
	return 0;
}

double gd_schedule_lr(const gd_schedule *s, double a0, long t)
{
	if (t < s->warmup)
		return a0 * (double)(t + 1) / (double)s->warmup;
	double u = (double)(t - s->warmup);
	switch (s->kind) {
	case GD_SCHED_CONSTANT: return a0;
	case GD_SCHED_STEP: return a0 * pow(s->gamma, floor(u / (double)s->step_size));
	case GD_SCHED_EXP: return a0 * exp(-s->k * u);
	case GD_SCHED_INVT: return a0 / (1.0 + s->k * u);
	case GD_SCHED_QUAD: return a0 / ((u + 1.0) * (u + 1.0));
	case GD_SCHED_PLATEAU: {
		double lr = a0 * s->scale;
		return lr > s->min_lr ? lr : s->min_lr;
	}
	case GD_NSCHED: break;
	}
	return a0;
}

void gd_schedule_feed(gd_schedule *s, double loss)
{
	if (s->kind != GD_SCHED_PLATEAU)
		return;
	if (loss < s->best * (1.0 - s->threshold)) { /* NaN never improves */
		s->best = loss;
		s->bad = 0;
	} else if (++s->bad > s->patience) {
		s->scale *= s->factor;
		s->bad = 0;
	}
}
