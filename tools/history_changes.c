/* gdbench-history show's printing, changes (E-Divisive over each series) and export (BMF, github-action-benchmark). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "history.h"

void hist_print_series(const hdb_series *s, size_t n, int json)
{
	json_t *all = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *pts = json ? json_array() : NULL;
		if (!json)
			printf("%s  %s  (%s, %s is better)\n%-20s %-20s %5s %12s %12s %12s\n", s[i].machine, s[i].key,
			       s[i].metric, s[i].higher_better ? "higher" : "lower", "revision", "commit time (UTC)", "reps",
			       "median", "min", "max");
		for (size_t k = 0; k < s[i].n; k++) {
			const hdb_point *p = &s[i].pt[k];
			if (json) {
				json_array_append_new(pts, json_pack("{s:s, s:I, s:I, s:f, s:f, s:f}", "revision", p->rev,
				                                     "commit_time", (json_int_t)p->commit_time, "repetitions",
				                                     (json_int_t)p->n, "median", p->median, "min", p->lo, "max", p->hi));
				continue;
			}
			char when[32];
			time_t t = (time_t)p->commit_time;
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
			printf("%-20s %-20s %5zu %12.6g %12.6g %12.6g\n", p->rev, when, p->n, p->median, p->lo, p->hi);
		}
		if (json)
			json_array_append_new(all, json_pack("{s:s, s:s, s:s, s:b, s:o}", "machine_id", s[i].machine, "key",
			                                     s[i].key, "metric", s[i].metric, "higher_better", s[i].higher_better,
			                                     "points", pts));
	}
	if (json) {
		json_dumpf(all, stdout, JSON_INDENT(1));
		putchar('\n');
		json_decref(all);
	}
}

enum { MAX_CP = 64 };

int hist_changes(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "machine-id", required_argument, NULL, 'm' }, { "key", required_argument, NULL, 'k' },
		{ "min-seg", required_argument, NULL, 'n' },    { "alpha", required_argument, NULL, 'a' },
		{ "permutations", required_argument, NULL, 'p' }, { "seed", required_argument, NULL, 's' },
		{ "fail-recent", required_argument, NULL, 'f' }, { "threshold", required_argument, NULL, 't' },
		{ 0, 0, 0, 0 },
	};
	const char *machine = NULL, *key = NULL;
	gd_ediv_opts o = gd_ediv_defaults();
	double v, recent = -1, threshold = NAN;
	int c;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'm': machine = optarg; break;
		case 'k': key = optarg; break;
		case 'n': if (hist_parse_double("--min-seg", optarg, 2, 1e6, &v)) return 2; o.min_seg = (size_t)v; break;
		case 'a': if (hist_parse_double("--alpha", optarg, 1e-9, 0.5, &o.alpha)) return 2; break;
		case 'p': if (hist_parse_double("--permutations", optarg, 19, 1e6, &v)) return 2; o.perms = (unsigned)v; break;
		case 's': if (hist_parse_double("--seed", optarg, 0, 1e18, &v)) return 2; o.seed = (uint64_t)v; break;
		case 'f': if (hist_parse_double("--fail-recent", optarg, 1, 1e9, &recent)) return 2; break;
		case 't': if (hist_parse_double("--threshold", optarg, 0, 100, &threshold)) return 2; break;
		default: return hist_usage(c == ':' ? "option '%s' needs a value" : "changes: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return hist_usage("changes: unexpected argument '%s'", argv[optind]);
	if ((recent > 0) != !isnan(threshold))
		return hist_usage("changes: --fail-recent K and --threshold X go together");
	hdb_series *s;
	size_t n;
	if (hist_load(db, machine, key, &s, &n))
		return 1;
	printf("E-Divisive with means: %zu series, at least %zu revisions each side, permutation test "
	       "(%u permutations, seed %llu), significant at p <= %g\n",
	       n, o.min_seg, o.perms, (unsigned long long)o.seed, o.alpha);
	int failing = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		gd_cp cp[MAX_CP];
		int k = hdb_changes(&s[i], &o, cp, MAX_CP);
		if (k < 0) {
			fprintf(stderr, "gdbench-history: out of memory\n");
			hdb_series_free(s, n);
			return 1;
		}
		for (int j = 0; j < k; j++) {
			size_t at = cp[j].at, from = j ? cp[j - 1].at : 0, to = j + 1 < k ? cp[j + 1].at : s[i].n;
			double before = hdb_level(&s[i], from, at), after = hdb_level(&s[i], at, to);
			/* a target no longer reached is an infinite regression; reached again, the most an
			 * improvement can be (-100%) */
			double change = isinf(before) && isinf(after) ? 0 : isinf(before) ? -1 : (after - before) / before;
			int worse = s[i].higher_better ? change < 0 : change > 0;
			int recent_bad = recent > 0 && worse && fabs(change) > threshold && (double)(s[i].n - at) <= recent;
			failing += recent_bad;
			total++;
			printf("%s %s (%s): change after %s, at %s: %.6g -> %.6g (%+.1f%%, %s), p = %.4f%s\n", s[i].machine,
			       s[i].key, s[i].metric, s[i].pt[at - 1].rev, s[i].pt[at].rev, before, after, 100 * change,
			       worse ? "regression" : "improvement", cp[j].p, recent_bad ? "  RECENT REGRESSION" : "");
		}
	}
	printf("%d change point%s", total, total == 1 ? "" : "s");
	if (recent > 0)
		printf("; %d regression%s larger than %g within the last %g revisions", failing, failing == 1 ? "" : "s",
		       threshold, recent);
	printf("\n");
	hdb_series_free(s, n);
	return failing ? 1 : 0;
}

/* the point of s at revision rev (NULL: the latest), or NULL */
static const hdb_point *point_at(const hdb_series *s, const char *rev)
{
	for (size_t k = s->n; k-- > 0;)
		if (!rev || !strcmp(s->pt[k].rev, rev))
			return &s->pt[k];
	return NULL;
}

int hist_export(sqlite3 *db, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' }, { "machine-id", required_argument, NULL, 'm' },
		{ "revision", required_argument, NULL, 'r' }, { 0, 0, 0, 0 },
	};
	const char *format = NULL, *machine = NULL, *rev = NULL;
	int c;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'm')
			machine = optarg;
		else if (c == 'r')
			rev = optarg;
		else
			return hist_usage(c == ':' ? "option '%s' needs a value" : "export: unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return hist_usage("export: unexpected argument '%s'", argv[optind]);
	if (!format || (strcmp(format, "bmf") && strcmp(format, "gab")))
		return hist_usage("export: --format '%s': expected bmf or gab", format ? format : "");
	int bmf = !strcmp(format, "bmf");
	hdb_series *s;
	size_t n;
	if (hist_load(db, machine, NULL, &s, &n))
		return 1;
	/* without --revision: the latest commit any selected series has */
	const hdb_point *latest = NULL;
	for (size_t i = 0; !rev && i < n; i++)
		if (s[i].n && (!latest || s[i].pt[s[i].n - 1].commit_time > latest->commit_time))
			latest = &s[i].pt[s[i].n - 1];
	const char *want = rev ? rev : latest ? latest->rev : "";
	json_t *out = bmf ? json_object() : json_array();
	for (size_t i = 0; i < n; i++) {
		const hdb_point *p = point_at(&s[i], want);
		if (!p)
			continue;
		/* one machine's keys stand alone; several are told apart by their id */
		char name[700];
		snprintf(name, sizeof(name), "%s%s%s", machine ? "" : s[i].machine, machine ? "" : " ", s[i].key);
		if (bmf) {
			json_t *b = json_object_get(out, name);
			if (!b)
				json_object_set_new(out, name, b = json_object());
			json_object_set_new(b, s[i].metric, json_pack("{s:f, s:f, s:f}", "value", p->median, "lower_value",
			                                              p->lo, "upper_value", p->hi));
		} else {
			int inv = s[i].higher_better;
			double m = inv ? 1 / p->median : p->median, lo = inv ? 1 / p->hi : p->lo, hi = inv ? 1 / p->lo : p->hi;
			char unit[40], range[64], full[740];
			snprintf(unit, sizeof(unit), "%s%s", inv ? "1/" : "", s[i].metric);
			snprintf(range, sizeof(range), "%.6g..%.6g", lo, hi);
			snprintf(full, sizeof(full), "%s (%s)", name, s[i].metric);
			json_array_append_new(out, json_pack("{s:s, s:s, s:f, s:s, s:s}", "name", full, "unit", unit, "value", m,
			                                     "range", range, "extra", p->rev));
		}
	}
	hdb_series_free(s, n);
	if (!(bmf ? json_object_size(out) : json_array_size(out))) {
		json_decref(out);
		fprintf(stderr, "gdbench-history: export: no series has revision '%s'\n", want);
		return 1;
	}
	json_dumpf(out, stdout, JSON_INDENT(1));
	putchar('\n');
	json_decref(out);
	return 0;
}
