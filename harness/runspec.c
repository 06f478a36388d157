/* Mode and data specifications of convergence runs (runspec.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "runspec.h"

int gd_modespec_parse_list(const char *list, gd_modespec *out, int max, int *n, char *err, size_t errlen)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	*n = 0;
	for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
		if (*n >= max)
			return snprintf(err, errlen, "too many modes"), GD_EINVAL;
		gd_modespec *m = &out[(*n)++];
		*m = (gd_modespec){ .mode = GD_MODE_FULL, .batch = 0 }; /* full has no batch: 0, never garbage */
		snprintf(m->label, sizeof(m->label), "%s", w);
		if (!strncmp(w, "mpi:", 4)) {
			m->mpi = 1;
			w += 4;
			if (strncmp(w, "full", 4) && strncmp(w, "minibatch", 9))
				return snprintf(err, errlen, "mode '%s': expected mpi:full or mpi:minibatch:B", m->label), GD_EINVAL;
		}
		char *colon = strchr(w, ':');
		if (colon)
			*colon = 0;
		if (!strcmp(w, "full") && !colon) {
			m->mode = GD_MODE_FULL;
		} else if (!strcmp(w, "sample") && !colon) {
			m->mode = GD_MODE_SAMPLE;
			m->batch = 1;
		} else if (!strcmp(w, "minibatch") || !strcmp(w, "hogwild") || !strcmp(w, "hogwild-locked")) {
			char *end;
			unsigned long b = colon ? strtoul(colon + 1, &end, 10) : 0;
			if (!colon || end == colon + 1 || *end || b < 1 || colon[1] == '-')
				return snprintf(err, errlen, "mode '%s': expected %s:B with a batch size B >= 1", m->label, w),
				       GD_EINVAL;
			m->mode = !strncmp(w, "hogwild", 7) ? GD_MODE_HOGWILD : GD_MODE_MINIBATCH;
			m->lock = !strcmp(w, "hogwild-locked");
			m->batch = b;
		} else {
			return snprintf(err, errlen, "unknown mode '%s' (expected full, minibatch:B, sample, hogwild:B, "
			                "hogwild-locked:B, mpi:full, mpi:minibatch:B)", m->label), GD_EINVAL;
		}
	}
	return *n ? 0 : (snprintf(err, errlen, "empty --mode list"), GD_EINVAL);
}

/* ":key=value" of a synthetic spec into *v (left alone when absent); 0 or GD_EINVAL. */
static int synth_opt(const char *opts, const char *key, double *v)
{
	char pat[32];
	snprintf(pat, sizeof(pat), ":%s=", key);
	const char *p = strstr(opts, pat);
	if (!p)
		return 0;
	char *end;
	*v = strtod(p + strlen(pat), &end);
	return (*end && *end != ':') || !isfinite(*v) ? GD_EINVAL : 0;
}

int gd_dataspec_parse(const char *spec, gd_dataspec *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->text = spec;
	if (!strcmp(spec, "fashion-mnist") || !strcmp(spec, "fashion-mnist:t10k")) {
		out->kind = GD_DATA_FASHION_MNIST;
		out->split = strchr(spec, ':') ? "t10k" : "train";
	} else if (!strncmp(spec, "libsvm:", 7)) {
		out->kind = GD_DATA_LIBSVM;
		snprintf(out->path, sizeof(out->path), "%s", spec + 7);
		char *fe = strstr(out->path, ":features=");
		if (fe) {
			char *end;
			unsigned long long v = strtoull(fe + 10, &end, 10);
			if (*end || v < 1 || v > (1ull << 28))
				return snprintf(err, errlen, "'%s': features must be 1..2^28", spec), GD_EINVAL;
			out->features = (size_t)v;
			*fe = 0;
		}
	} else if (!strncmp(spec, "synth-regression", 16) && (!spec[16] || spec[16] == ':')) {
		out->kind = GD_DATA_SYNTH_REGRESSION;
		out->n = 10000, out->d = 50, out->kappa = 100, out->noise = 0.1;
		if (synth_opt(spec, "n", &out->n) || synth_opt(spec, "d", &out->d) || synth_opt(spec, "kappa", &out->kappa) ||
		    synth_opt(spec, "noise", &out->noise))
			return snprintf(err, errlen, "'%s': bad number in the options", spec), GD_EINVAL;
		/* what gd_synth_regression refuses (n and d are truncated to whole rows and features) */
		if (!(out->n >= 1) || !(out->d >= 1) || !(out->kappa >= 1) || !(out->noise >= 0))
			return snprintf(err, errlen, "'%s': need n, d >= 1, kappa >= 1, noise >= 0", spec), GD_EINVAL;
	} else if (!strncmp(spec, "synth-blobs", 11) && (!spec[11] || spec[11] == ':')) {
		out->kind = GD_DATA_SYNTH_BLOBS;
		out->n = 10000, out->d = 20, out->c = 4, out->spread = 2;
		if (synth_opt(spec, "n", &out->n) || synth_opt(spec, "d", &out->d) || synth_opt(spec, "c", &out->c) ||
		    synth_opt(spec, "spread", &out->spread))
			return snprintf(err, errlen, "'%s': bad number in the options", spec), GD_EINVAL;
		if (!(out->n >= 1) || !(out->d >= 1) || !(out->c >= 2) || !(out->spread >= 0))
			return snprintf(err, errlen, "'%s': need n, d >= 1, c >= 2, spread >= 0", spec), GD_EINVAL;
	} else {
		return snprintf(err, errlen,
		                "'%s': expected fashion-mnist, libsvm:PATH, synth-regression[:...] or synth-blobs[:...]",
		                spec), GD_EINVAL;
	}
	return 0;
}

int gd_dataspec_load(const gd_dataspec *s, const char *dir, int regression, int part, int nparts, gd_storage storage,
                     size_t features, gd_dataset *ds, char *name, size_t namelen, char *err, size_t errlen)
{
	gd_dataerr e = { .line = -1, .column = -1, .offset = -1 };
	int rc = 0;
	snprintf(name, namelen, "%s", s->text);
	switch (s->kind) {
	case GD_DATA_FASHION_MNIST:
		rc = gd_fashion_mnist_load_shard(dir, s->split, part, nparts, ds, &e);
		snprintf(name, namelen, "fashion-mnist/%s", s->split);
		break;
	case GD_DATA_LIBSVM:
		rc = gd_libsvm_load_as(s->path, regression, s->features ? s->features : features, storage, ds, &e);
		break;
	case GD_DATA_SYNTH_REGRESSION:
		rc = gd_synth_regression((size_t)s->n, (size_t)s->d, s->kappa, s->noise, 1, ds, NULL);
		break;
	case GD_DATA_SYNTH_BLOBS:
		rc = gd_synth_blobs((size_t)s->n, (size_t)s->d, (size_t)s->c, s->spread, 1, ds);
		break;
	}
	if (!rc)
		return 0;
	if (e.line > 0)
		snprintf(err, errlen, "%s:%ld:%ld: %s", e.file, e.line, e.column, e.msg);
	else if (e.offset >= 0)
		snprintf(err, errlen, "%s: byte %ld: %s", e.file, e.offset, e.msg);
	else
		snprintf(err, errlen, "%s: %s", e.file[0] ? e.file : s->text, e.msg[0] ? e.msg : gd_strerror(rc));
	return rc;
}
