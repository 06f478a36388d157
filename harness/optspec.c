/* --opt parsing: one place that maps torch.optim's vocabulary onto the registry's rules. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "optspec.h"

static int num(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return end != s && !*end && !errno && isfinite(*out) ? 0 : -1;
}

static int pair(const char *s, double *a, double *b)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", s);
	char *slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = 0;
	return num(buf, a) || num(slash + 1, b) ? -1 : 0;
}

/* Whether key k as set in hp differs from what rule defaults d would have
 * (nesterov and amsgrad, which have no field: whether they were turned on). */
static int key_changes(int k, const gd_hparams *hp, const gd_hparams *d, int nesterov, int amsgrad)
{
	if (k == GD_KI_NESTEROV || k == GD_KI_AMSGRAD)
		return k == GD_KI_NESTEROV ? nesterov : amsgrad;
	double x[2] = { 0, 0 }, y[2] = { 0, 0 };
	int n = gd_key_get(hp, k, x, NULL);
	gd_key_get(d, k, y, NULL);
	return x[0] != y[0] || (n == 2 && x[1] != y[1]);
}

/* GD_EINVAL with a message when the text set a key the rule does not read to
 * a value the rule would not have anyway, else 0 */
static int unread_key(const char *spec, const char *rule, unsigned keys, const gd_hparams *defaults,
                      const gd_hparams *hp, unsigned given, int nesterov, int amsgrad, char *err, size_t errlen)
{
	for (int q = 0; q < GD_NKEYS; q++) {
		if (!(given & (1u << q)) || (keys & (1u << q)) || !key_changes(q, hp, defaults, nesterov, amsgrad))
			continue;
		char names[256] = "";
		for (int p = 0; p < GD_NKEYS; p++)
			if (keys & (1u << p))
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", *names ? ", " : "",
				         gd_key_name(p));
		snprintf(err, errlen, "%s: %s does not read '%s' (it reads %s)", spec, rule, gd_key_name(q), names);
		return GD_EINVAL;
	}
	return 0;
}

/* The end of gd_optspec_parse for a per-tensor rule: its keys, its ranges. */
static int tensor_rule_finish(gd_optspec *o, const char *spec, unsigned given, int nesterov, int amsgrad, char *err,
                              size_t errlen)
{
	const gd_trule_info *ti = gd_trule_info_of(o->trule);
	if (unread_key(spec, ti->name, ti->keys, &ti->defaults, &o->hp, given, nesterov, amsgrad, err, errlen))
		return GD_EINVAL;
	const char *what = NULL;
	if (gd_trule_check(o->trule, &o->hp, &what)) {
		snprintf(err, errlen, "%s: bad %s", spec, what);
		return GD_ERANGE;
	}
	return 0;
}

int gd_optspec_parse(const char *spec, gd_optspec *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->label, sizeof(o->label), "%s", spec);
	char buf[256];
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "optimizer specification too long");
		return GD_EINVAL;
	}
	strcpy(buf, spec);
	char *save, *name = strtok_r(buf, ":", &save);
	if (!name) {
		snprintf(err, errlen, "empty optimizer (expected e.g. sgd:lr=0.1)");
		return GD_EINVAL;
	}
	int r = gd_rule_from_name(name), tr = gd_trule_from_name(name);
	if (tr >= 0) {
		o->kind = GD_OPT_TENSOR;
		o->trule = (gd_trule)tr;
		o->rule = GD_RULE_SGD; /* unused */
	} else if (!strcmp(name, "lbfgs")) {
		o->kind = GD_OPT_LBFGS;
		o->lbfgs_m = 10;
		o->rule = GD_RULE_SGD; /* unused */
	} else if (!strcmp(name, "newton")) {
		o->kind = GD_OPT_NEWTON;
		o->rule = GD_RULE_SGD;
	} else if (r < 0) {
		char names[512] = "";
		for (int q = 0; q < gd_rule_count(); q++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s, ", gd_rule_name((gd_rule)q));
		for (int q = 0; q < GD_NTRULES; q++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s, ", gd_trule_name((gd_trule)q));
		snprintf(err, errlen, "unknown optimizer '%s' (expected %slbfgs or newton)", name, names);
		return GD_EINVAL;
	} else {
		o->rule = (gd_rule)r;
	}
	if (o->kind == GD_OPT_TENSOR)
		gd_trule_defaults(o->trule, &o->hp);
	else
		gd_hparams_default(o->rule, &o->hp);
	int nesterov = 0, amsgrad = 0, momentum_given = 0;
	unsigned given = 0; /* the keys the text set */
	for (char *kv = strtok_r(NULL, ":", &save); kv; kv = strtok_r(NULL, ":", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq || eq == kv || !eq[1]) {
			snprintf(err, errlen, "'%s' in '%s': expected key=value", kv, spec);
			return GD_EINVAL;
		}
		*eq = 0;
		const char *k = kv, *v = eq + 1;
		double x = 0;
		if (o->kind == GD_OPT_LBFGS) {
			if (!strcmp(k, "m") && !num(v, &x) && x >= 1 && x <= 100 && x == floor(x))
				o->lbfgs_m = (int)x;
			else {
				snprintf(err, errlen, "lbfgs: '%s=%s': the only key is m, the history length (1..100)", k, v);
				return GD_EINVAL;
			}
			continue;
		}
		if (o->kind == GD_OPT_NEWTON) {
			snprintf(err, errlen, "newton takes no hyperparameters (got '%s')", k);
			return GD_EINVAL;
		}
		int key = -1;
		for (int q = 0; q < GD_NKEYS && key < 0; q++)
			if (!strcmp(k, gd_key_name(q)))
				key = q;
		if (key < 0) {
			char names[512] = "";
			for (int q = 0; q < GD_NKEYS; q++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", q ? ", " : "",
				         gd_key_name(q));
			snprintf(err, errlen, "unknown hyperparameter '%s' in '%s' (torch.optim names: %s)", k, spec, names);
			return GD_EINVAL;
		}
		given |= 1u << key;
		double v2[2] = { 0, 0 };
		int two = key == GD_KI_BETAS || key == GD_KI_ETAS || key == GD_KI_STEP_SIZES;
		if (two ? pair(v, &v2[0], &v2[1]) : num(v, &v2[0])) {
			if (two)
				snprintf(err, errlen, "%s '%s': expected two numbers as a/b, e.g. 0.9/0.999", k, v);
			else
				snprintf(err, errlen, "%s '%s': expected a number", k, v);
			return GD_EINVAL;
		}
		if (key == GD_KI_NESTEROV)
			nesterov = v2[0] != 0;
		else if (key == GD_KI_AMSGRAD)
			amsgrad = v2[0] != 0;
		else
			gd_key_set(&o->hp, key, v2);
		momentum_given |= key == GD_KI_MOMENTUM;
	}
	if (o->kind == GD_OPT_TENSOR)
		return tensor_rule_finish(o, spec, given, nesterov, amsgrad, err, errlen);
	if (o->kind != GD_OPT_FIRST_ORDER)
		return 0;
	/* torch's SGD is one class; here its flavours are separate rules */
	if (o->rule == GD_RULE_SGD && momentum_given && o->hp.momentum > 0)
		o->rule = nesterov ? GD_RULE_NESTEROV : GD_RULE_MOMENTUM;
	else if (o->rule == GD_RULE_MOMENTUM && nesterov)
		o->rule = GD_RULE_NESTEROV;
	else if (nesterov && o->rule != GD_RULE_NESTEROV) {
		snprintf(err, errlen, "nesterov=1 needs momentum > 0 (sgd:momentum=0.9:nesterov=1)");
		return GD_EINVAL;
	}
	if (amsgrad) {
		if (o->rule != GD_RULE_ADAM && o->rule != GD_RULE_AMSGRAD) {
			snprintf(err, errlen, "amsgrad=1 applies to adam only");
			return GD_EINVAL;
		}
		o->rule = GD_RULE_AMSGRAD;
	}
	/* a key the rule does not read is refused (adam:rho=0.3 would run as plain Adam), unless it
	 * leaves the value the rule has anyway (sgd:momentum=0 is plain sgd, as in torch) */
	const gd_rule_info *ri = gd_rule_info_of(o->rule);
	if (unread_key(spec, ri->name, ri->keys, &ri->defaults, &o->hp, given, nesterov, amsgrad, err, errlen))
		return GD_EINVAL;
	const char *what = NULL;
	if (gd_hparams_check(o->rule, &o->hp, &what)) {
		snprintf(err, errlen, "%s: bad %s", spec, what);
		return GD_ERANGE;
	}
	return 0;
}

#define MAX_SWEPT 8
#define MAX_POINTS 64

int gd_optspec_expand(const char *spec, char (*out)[96], int max, int *n, char *err, size_t errlen)
{
	char buf[256];
	*n = 0;
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "optimizer specification too long");
		return GD_EINVAL;
	}
	strcpy(buf, spec);
	/* split into tokens; a ":logN"/":linN" token belongs to the range before it */
	char *tok[64];
	int nt = 0;
	for (char *save, *t = strtok_r(buf, ":", &save); t && nt < 64; t = strtok_r(NULL, ":", &save))
		tok[nt++] = t;
	if (!nt) {
		snprintf(err, errlen, "empty optimizer");
		return GD_EINVAL;
	}
	char keys[MAX_SWEPT][48], vals[MAX_SWEPT][MAX_POINTS][32];
	int npts[MAX_SWEPT], nsw = 0;
	char fixed[256];
	snprintf(fixed, sizeof(fixed), "%s", tok[0]);
	for (int i = 1; i < nt; i++) {
		char *eq = strchr(tok[i], '=');
		if (!eq) {
			snprintf(err, errlen, "'%s' in '%s': expected key=value (a log/lin count follows a range A..B)", tok[i], spec);
			return GD_EINVAL;
		}
		const char *v = eq + 1;
		const char *dots = strstr(v, "..");
		int is_list = strchr(v, '|') != NULL;
		if (!dots && !is_list) {
			snprintf(fixed + strlen(fixed), sizeof(fixed) - strlen(fixed), ":%s", tok[i]);
			continue;
		}
		if (nsw == MAX_SWEPT) {
			snprintf(err, errlen, "'%s': more than %d swept hyperparameters", spec, MAX_SWEPT);
			return GD_ERANGE;
		}
		snprintf(keys[nsw], sizeof(keys[nsw]), "%.*s", (int)(eq - tok[i]), tok[i]);
		int k = 0;
		if (is_list) {
			char lb[128];
			snprintf(lb, sizeof(lb), "%s", v);
			for (char *s2, *w = strtok_r(lb, "|", &s2); w; w = strtok_r(NULL, "|", &s2)) {
				if (k == MAX_POINTS) {
					snprintf(err, errlen, "'%s': more than %d values", tok[i], MAX_POINTS);
					return GD_ERANGE;
				}
				snprintf(vals[nsw][k++], sizeof(vals[0][0]), "%s", w);
			}
			if (!k) {
				snprintf(err, errlen, "'%s': empty list", tok[i]);
				return GD_EINVAL;
			}
		} else {
			char a[32], *end;
			snprintf(a, sizeof(a), "%.*s", (int)(dots - v), v);
			double lo = strtod(a, &end), hi;
			int bad = end == a || *end;
			hi = strtod(dots + 2, &end);
			bad |= end == dots + 2 || *end || !isfinite(lo) || !isfinite(hi);
			const char *mod = i + 1 < nt ? tok[i + 1] : "";
			int logsp = !strncmp(mod, "log", 3), linsp = !strncmp(mod, "lin", 3);
			long cnt = (logsp || linsp) ? strtol(mod + 3, &end, 10) : 0;
			if (bad || !(logsp || linsp) || *end || cnt < 1) {
				snprintf(err, errlen, "'%s%s%s' in '%s': expected A..B:logN or A..B:linN with numbers A, B and N >= 1",
				         tok[i], *mod ? ":" : "", mod, spec);
				return GD_EINVAL;
			}
			if (cnt > MAX_POINTS || (logsp && !(lo > 0 && hi > 0)) || lo > hi) {
				snprintf(err, errlen, "'%s:%s': %s", tok[i], mod,
				         cnt > MAX_POINTS ? "more than 64 points"
				         : lo > hi      ? "the range must go from low to high"
				                        : "a log range needs A, B > 0");
				return GD_ERANGE;
			}
			for (k = 0; k < cnt; k++) {
				double f = cnt == 1 ? 0 : (double)k / (double)(cnt - 1);
				double x = logsp ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
				snprintf(vals[nsw][k], sizeof(vals[0][0]), "%.6g", x);
			}
			i++; /* the modifier token */
		}
		npts[nsw++] = k;
	}
	long total = 1;
	for (int j = 0; j < nsw; j++)
		total *= npts[j];
	if (total > max) {
		snprintf(err, errlen, "'%s' expands to %ld settings, more than %d", spec, total, max);
		return GD_ERANGE;
	}
	for (long c = 0; c < total; c++) {
		int w = snprintf(out[*n], 96, "%s", fixed);
		long rem = c;
		int idx[MAX_SWEPT];
		for (int j = nsw - 1; j >= 0; j--) { /* the last key varies fastest */
			idx[j] = (int)(rem % npts[j]);
			rem /= npts[j];
		}
		for (int j = 0; j < nsw && w >= 0 && w < 96; j++)
			w += snprintf(out[*n] + w, 96 - (size_t)w, ":%s=%s", keys[j], vals[j][idx[j]]);
		if (w < 0 || w >= 96) {
			snprintf(err, errlen, "'%s': an expanded specification is longer than 95 characters", spec);
			return GD_ERANGE;
		}
		(*n)++;
	}
	return 0;
}

int gd_optspec_parse_list(const char *list, gd_optspec *out, int max, int *n, char *err, size_t errlen)
{
	char buf[8192];
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "--opt list too long");
		return GD_EINVAL;
	}
	strcpy(buf, list);
	*n = 0;
	for (char *save, *s = strtok_r(buf, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		char ex[64][96];
		int ne, rc = gd_optspec_expand(s, ex, 64, &ne, err, errlen);
		if (rc)
			return rc;
		for (int k = 0; k < ne; k++) {
			if (*n >= max) {
				snprintf(err, errlen, "more than %d optimizer settings", max);
				return GD_ERANGE;
			}
			if ((rc = gd_optspec_parse(ex[k], &out[*n], err, errlen)))
				return rc;
			(*n)++;
		}
	}
	if (!*n) {
		snprintf(err, errlen, "empty --opt list");
		return GD_EINVAL;
	}
	return 0;
}
