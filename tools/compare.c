/*
 * gdbench-compare: the CI gate. Two result files of the same kind (kernel
 * microbenchmarks from `gdbench kernels`, or convergence runs from
 * `gdbench run`), paired entry by entry; per pair the change of the median
 * and a two-sided Mann-Whitney U test over the repetitions (or, --paired, the
 * per-process ratios and a Wilcoxon signed-rank test over them); Holm-Bonferroni
 * across all pairs of the comparison. Exit status 0: no significant
 * regression, 1: at least one, 2: usage, input or output error.
 *
 * Metrics (higher or lower is better, never raw time for kernels):
 *   update-rule kernels: "roofline", throughput as a fraction of the
 *     memory-only ceiling timed alongside (immune to bandwidth drift);
 *   gradient kernels: "xread", against the streaming read timed alongside;
 *   convergence runs: training time to the first target (not reached = +inf),
 *     or samples/s when the runs have no target.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_paired.h"
#include "compare_peer.h"
#include "jsonfile.h"
#include "jsonread.h"
#include "resultset.h"
#include "stats.h"

/* Context keys whose difference makes two files incomparable machines or builds. */
static int warn_context(const rs_set *a, const rs_set *b)
{
	static const char *const keys[] = { "cpu_model", "isa", "openblas_corename", "topology", "compiler",
		                            "thread_pus", "build_type" };
	int n = 0;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *x = rs_str(a->ctx, keys[k]), *y = rs_str(b->ctx, keys[k]);
		if (strcmp(x, y)) {
			fprintf(stderr, "warning: %s differs: '%s' vs '%s' (not comparable machines or builds)\n", keys[k], x, y);
			n++;
		}
	}
	/* the simd kernels' contiguous-row prefetch (GDBENCH_STREAM_AHEAD): only where both files say */
	json_t *sa = json_object_get(a->ctx, "stream_ahead"), *sb = json_object_get(b->ctx, "stream_ahead");
	if (json_is_integer(sa) && json_is_integer(sb) && json_integer_value(sa) != json_integer_value(sb)) {
		fprintf(stderr, "warning: stream_ahead differs: %lld vs %lld (the simd kernels prefetched contiguous rows "
		        "differently)\n", (long long)json_integer_value(sa), (long long)json_integer_value(sb));
		n++;
	}
	return n;
}

/* "slower by 19.7%" / "faster by 5.0%": worse is NEW's time for the same work over BASE's, less 1
 * (pair.worse); a target reached on one side only says so. */
static void change_text(double ma, double mb, int higher_better, double worse, char *buf, size_t len)
{
	if (!higher_better && isinf(ma) != isinf(mb))
		snprintf(buf, len, isinf(mb) ? "not reached in NEW" : "reached only in NEW");
	else if (!isfinite(worse))
		snprintf(buf, len, "-");
	else if (fabs(worse) < 0.0005)
		snprintf(buf, len, "unchanged");
	else
		snprintf(buf, len, "%s by %.1f%%", worse > 0 ? "slower" : "faster", 100 * fabs(worse));
}

static const char help[] =
	"Usage: gdbench-compare [OPTIONS] BASE.json[,BASE2.json...] NEW.json[,NEW2.json...]\n"
	"Compare two sets of gdbench result files of one kind and gate on significant regressions.\n"
	"Several files on one side (comma-separated) pool their repetitions: measure in several\n"
	"processes, since repetitions inside one process miss the variation between processes.\n"
	"  kernel files (gdbench kernels --out): throughput as a fraction of the ceiling timed\n"
	"    alongside ('roofline' for update rules, 'xread' for gradient kernels), per benchmark;\n"
	"  run files (gdbench run --out): time to the first target (or samples/s), per\n"
	"    configuration (model, data, optimizer, mode, batch, threads, kernels).\n"
	"Each pair: change of the median and a two-sided Mann-Whitney U test over the\n"
	"repetitions (exact without ties, normal approximation with tie correction otherwise),\n"
	"Holm-Bonferroni over all pairs. A regression is a change worse than --threshold with\n"
	"adjusted p < --alpha; pairs too small for any p < alpha are 'not enough repetitions'.\n"
	"--paired takes file i of BASE and file i of NEW as a pair measured side by side (one\n"
	"process each, in turn, as tools/perf-gate.sh runs them); per entry, the change is the\n"
	"median over pairs of NEW's time for the same work over BASE's (per-file medians), and\n"
	"the test a two-sided Wilcoxon signed-rank test over the pairs' log ratios (exact without\n"
	"ties): drift from one process to the next cancels within a pair, so a step is seen far\n"
	"sooner than by pooling. n is then the pairs; below 2/2^n < alpha (6 pairs for 0.05) no\n"
	"test is possible.\n"
	"With a peer file on one side (tools/peer-torch.py: entries with \"peer\"), no gate: per\n"
	"rule, size or parameter set, threads and dtype, gdbench's best variant (Gelem/s, median over\n"
	"repetitions), each peer implementation and the ratio gdbench/peer; entries the peer cannot\n"
	"express show its reason. --filter matches RULE/SIZE/threads:T/DTYPE there; exit 0 or 2.\n"
	"\n"
	"  --threshold X   relative change that matters (default 0.05)\n"
	"  --alpha A       family-wise error rate (default 0.05)\n"
	"  --filter REGEX  only pairs whose key matches (POSIX extended)\n"
	"  --json PATH     write the verdict as JSON\n"
	"  --paired        pair the files of the two sides in order (see above)\n"
	"  --allow-other-machine  compare files whose context names different machine ids\n"
	"                  (gdbench info --machine-id: vendor, family/model/stepping or MIDR, ISA\n"
	"                  level, PUs); refused otherwise, with exit 2\n"
	"  -h, --help      this text;  --version\n"
	"Exit status: 0 no significant regression, 1 at least one, 2 usage, input or output error.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' }, { "alpha", required_argument, NULL, 'a' },
		{ "json", required_argument, NULL, 'j' },      { "filter", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },            { "version", no_argument, NULL, 'V' },
		{ "allow-other-machine", no_argument, NULL, 'M' }, { "paired", no_argument, NULL, 'P' },
		{ 0, 0, 0, 0 },
	};
	int other_machine_ok = 0, paired = 0;
	double threshold = 0.05, alpha = 0.05;
	const char *json_out = NULL, *filter = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 't':
			threshold = strtod(optarg, &end);
			if (*end || !(threshold >= 0 && threshold < 10)) {
				fprintf(stderr, "gdbench-compare: --threshold '%s': expected a fraction such as 0.05\n", optarg);
				return 2;
			}
			break;
		case 'a':
			alpha = strtod(optarg, &end);
			if (*end || !(alpha > 0 && alpha < 1)) {
				fprintf(stderr, "gdbench-compare: --alpha '%s': expected a probability in (0, 1)\n", optarg);
				return 2;
			}
			break;
		case 'j': json_out = optarg; break;
		case 'M': other_machine_ok = 1; break;
		case 'P': paired = 1; break;
		case 'f': filter = optarg; break;
		case 'h': fputs(help, stdout); return 0;
		case 'V': printf("gdbench-compare %s\n", VERSION); return 0;
		case ':': fprintf(stderr, "gdbench-compare: option '%s' needs a value\n", argv[optind - 1]); return 2;
		default: fprintf(stderr, "gdbench-compare: unknown option '%s'\nTry 'gdbench-compare --help'.\n", argv[optind - 1]); return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "gdbench-compare: expected two files, BASE and NEW\nTry 'gdbench-compare --help'.\n");
		return 2;
	}
	regex_t re;
	if (filter && regcomp(&re, filter, REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "gdbench-compare: --filter '%s': not a valid regular expression\n", filter);
		return 2;
	}
	if (json_out) { /* fail before the comparison, not after */
		int e = gd_can_write(json_out);
		if (e) {
			fprintf(stderr, "gdbench-compare: cannot write '%s': %s\n", json_out, strerror(-e));
			return 2;
		}
	}
	char err[1024];
	rs_set A = { 0 }, B = { 0 };
	int bad_kind = 0;
	if (rs_load(&A, argv[optind], err, sizeof(err)) || rs_load(&B, argv[optind + 1], err, sizeof(err)) ||
	    (bad_kind = A.conv != B.conv)) {
		if (bad_kind)
			fprintf(stderr, "gdbench-compare: %s is a %s file and %s a %s file: compare files of one kind\n", A.path,
			        A.conv ? "run" : "kernels", B.path, B.conv ? "run" : "kernels");
		else
			fprintf(stderr, "gdbench-compare: %s\n", err);
		rs_free(&A);
		rs_free(&B);
		if (filter)
			regfree(&re);
		return 2;
	}
	/* two CPUs that both call themselves "AMD EPYC" are not one machine: the ids say what changes the figures */
	const char *ida = rs_str(A.ctx, "machine_id"), *idb = rs_str(B.ctx, "machine_id");
	/* a file without an id (an older gdbench's, e.g. the Zen 5 baseline) is from an unknown machine */
	if (strcmp(ida, idb) && !other_machine_ok && !A.peer && !B.peer) {
		if (*ida && *idb)
			fprintf(stderr, "gdbench-compare: %s is from machine '%s' and %s from '%s': figures from different "
			        "machines do not compare (--allow-other-machine to compare anyway)\n", A.path, ida, B.path, idb);
		else
			fprintf(stderr, "gdbench-compare: %s names no machine id and %s is from '%s': figures from an unknown "
			        "machine do not compare (--allow-other-machine to compare anyway)\n", *ida ? B.path : A.path,
			        *ida ? A.path : B.path, *ida ? ida : idb);
		rs_free(&A);
		rs_free(&B);
		if (filter)
			regfree(&re);
		return 2;
	}
	if (A.peer || B.peer) { /* a gdbench file beside another program's: a table of ratios, no verdict */
		rs_free(&A);
		rs_free(&B);
		int prc = peer_compare(argv[optind], argv[optind + 1], filter ? &re : NULL, json_out);
		if (filter)
			regfree(&re);
		return prc;
	}
	/* pair, test, correct */
	typedef struct {
		rs_entry *a, *b;
		double ma, mb, worse, p, padj;
		size_t na, nb; /* values tested: repetitions, or (--paired) pairs of files */
		int decidable, exact;
		const char *verdict;
	} pair;
	cp_sides S = { 0 };
	int load_failed = paired && cp_load(&S, argv[optind], argv[optind + 1], err, sizeof(err));
	double *d = calloc(S.n + 1, sizeof(double)); /* --paired: one log ratio per pair */
	pair *P = calloc(A.n + 1, sizeof(pair));
	double *ps = calloc(A.n + 1, sizeof(double));
	if (load_failed || !P || !ps || !d) {
		fprintf(stderr, "gdbench-compare: %s\n", load_failed ? err : "out of memory");
		free(P), free(ps), free(d);
		cp_free(&S);
		rs_free(&A);
		rs_free(&B);
		if (filter)
			regfree(&re);
		return 2;
	}
	int mismatched = warn_context(&A, &B), write_failed = 0;
	size_t np = 0;
	size_t nd = 0;
	for (size_t i = 0; i < A.n; i++) {
		if (filter && regexec(&re, A.e[i].key, 0, NULL, 0))
			continue;
		rs_entry *eb = NULL;
		for (size_t j = 0; j < B.n && !eb; j++)
			if (!strcmp(B.e[j].key, A.e[i].key))
				eb = &B.e[j];
		if (!eb)
			continue;
		pair *q = &P[np++];
		q->a = &A.e[i];
		q->b = eb;
		q->ma = gd_median(q->a->v, q->a->n);
		q->mb = gd_median(eb->v, eb->n);
		/* > 0: worse in NEW by that fraction (slower, or a smaller fraction of the ceiling) */
		if (q->a->higher_better)
			q->worse = q->ma / q->mb - 1;
		else
			q->worse = isinf(q->mb) && isinf(q->ma) ? 0 : q->mb / q->ma - 1;
		if (paired) { /* the change and the test within pairs of files */
			size_t nd_pairs = cp_log_ratios(&S, q->a->key, d);
			q->na = q->nb = nd_pairs;
			q->worse = nd_pairs ? expm1(gd_median(d, nd_pairs)) : NAN;
			if ((q->decidable = gd_wsr_min_p(nd_pairs) < alpha)) {
				gd_wsr t = gd_wilcoxon_signed_rank(d, nd_pairs);
				q->p = t.p;
				q->exact = t.exact;
				ps[nd++] = t.p;
			}
			continue;
		}
		q->na = q->a->n;
		q->nb = eb->n;
		q->decidable = gd_mwu_min_p(q->a->n, eb->n) < alpha;
		if (q->decidable) {
			gd_mwu t = gd_mann_whitney(q->a->v, q->a->n, eb->v, eb->n);
			q->p = t.p;
			q->exact = t.exact;
			ps[nd++] = t.p;
		}
	}
	gd_holm(ps, nd);
	int regressions = 0, improvements = 0, undecided = 0;
	double logsum = 0;
	size_t nlog = 0;
	for (size_t i = 0, k = 0; i < np; i++) {
		pair *q = &P[i];
		if (q->decidable)
			q->padj = ps[k++];
		if (!q->decidable) {
			q->verdict = paired ? "not enough pairs" : "not enough repetitions";
			undecided++;
		} else if (q->worse > threshold && q->padj < alpha) {
			q->verdict = "REGRESSION";
			regressions++;
		} else if (q->worse < -threshold / (1 + threshold) && q->padj < alpha) {
			q->verdict = "improvement";
			improvements++;
		} else {
			q->verdict = "same";
		}
		if (isfinite(q->worse) && q->worse > -1) {
			logsum += log1p(q->worse);
			nlog++;
		}
	}
	double geo = nlog ? expm1(logsum / (double)nlog) : NAN;

	char tests[64];
	if (nd)
		snprintf(tests, sizeof(tests), "Holm-Bonferroni over %zu test%s", nd, nd == 1 ? "" : "s");
	else
		snprintf(tests, sizeof(tests), np ? "no pair has the repetitions for a test" : "nothing to test");
	printf("%s vs %s: %zu pair%s (%s), threshold %.1f%%, alpha %g (%s)\n", A.path, B.path, np, np == 1 ? "" : "s",
	       A.conv ? "convergence runs" : "kernel benchmarks", 100 * threshold, alpha, tests);
	if (paired)
		printf("paired: %zu pairs of files; change: the median of the per-pair ratios; Wilcoxon signed-rank test\n",
		       S.n);
	if (np)
		printf("change: NEW against BASE, as time for the same work (from the metric's direction: a higher\n"
		       "samples/s or fraction of the ceiling is faster, a longer time to target slower)\n");
	int kw = 5; /* the key column fits the longest key: keys are never cut */
	for (size_t i = 0; i < np; i++)
		kw = (int)strlen(P[i].a->key) > kw ? (int)strlen(P[i].a->key) : kw;
	if (np)
		printf("%-*s %-10s %5s %12s %12s %-17s %9s  %s\n", kw, "entry", "metric", "n", "base", "new", "change",
		       "p(adj)", "verdict");
	for (size_t i = 0; i < np; i++) {
		pair *q = &P[i];
		char n[16], pv[16], ch[40];
		snprintf(n, sizeof(n), "%zu/%zu", q->na, q->nb);
		if (q->decidable)
			snprintf(pv, sizeof(pv), "%.3g", q->padj);
		else
			snprintf(pv, sizeof(pv), "-");
		change_text(q->ma, q->mb, q->a->higher_better, q->worse, ch, sizeof(ch));
		printf("%-*s %-10s %5s %12.5g %12.5g %-17s %9s  %s%s\n", kw, q->a->key, q->a->metric, n, q->ma, q->mb, ch,
		       pv, q->verdict, q->a->noisy || q->b->noisy ? " (noisy)" : "");
	}
	size_t only_a = A.n - np, only_b = 0;
	for (size_t j = 0; j < B.n; j++) {
		int found = 0;
		for (size_t i = 0; i < np && !found; i++)
			found = P[i].b == &B.e[j];
		if (!found && !(filter && regexec(&re, B.e[j].key, 0, NULL, 0))) {
			printf("only in %s: %s\n", B.path, B.e[j].key);
			only_b++;
		}
	}
	for (size_t i = 0; i < A.n; i++) {
		int found = 0;
		for (size_t k = 0; k < np && !found; k++)
			found = P[k].a == &A.e[i];
		if (!found && !(filter && regexec(&re, A.e[i].key, 0, NULL, 0)))
			printf("only in %s: %s\n", A.path, A.e[i].key);
	}
	char gm[40];
	if (nlog)
		change_text(1, 1, 0, geo, gm, sizeof(gm));
	printf("%s%s%s%d regression%s, %d improvement%s, %d undecided%s\n", nlog ? "geometric-mean change: " : "",
	       nlog ? gm : "", nlog ? "; " : np ? "no finite change to average; " : "no pairs: no entry is in both files; ",
	       regressions, regressions == 1 ? "" : "s", improvements, improvements == 1 ? "" : "s", undecided,
	       mismatched ? "; files from different machines or builds (see warnings)" : "");

	if (json_out) {
		json_t *arr = json_array();
		for (size_t i = 0; i < np; i++) {
			pair *q = &P[i];
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:I, s:I, s:o, s:o, s:o, s:o, s:s}", "entry",
			                                     q->a->key, "metric", q->a->metric, "higher_is_better",
			                                     q->a->higher_better, "n_base", (json_int_t)q->na, "n_new",
			                                     (json_int_t)q->nb, "median_base",
			                                     isfinite(q->ma) ? json_real(q->ma) : json_null(), "median_new",
			                                     isfinite(q->mb) ? json_real(q->mb) : json_null(), "change",
			                                     isfinite(q->worse) ? json_real(q->worse) : json_null(), "p_adjusted",
			                                     q->decidable ? json_real(q->padj) : json_null(), "verdict", q->verdict));
		}
		json_t *v = json_pack("{s:s, s:s, s:s, s:f, s:f, s:o, s:i, s:i, s:i, s:b, s:o}", "base", A.path, "new", B.path,
		                      "kind", A.conv ? "runs" : "kernels", "threshold", threshold, "alpha", alpha,
		                      "geomean_change", isfinite(geo) ? json_real(geo) : json_null(), "regressions",
		                      regressions, "improvements", improvements, "undecided", undecided,
		                      "comparable_context", !mismatched, "pairs", arr);
		if (v)
			json_object_set_new(v, "paired", json_boolean(paired));
		int we = v ? gd_json_write_atomic(json_out, v, JSON_INDENT(1)) : -ENOMEM;
		if (we) {
			fprintf(stderr, "gdbench-compare: cannot write '%s': %s (any previous file is intact)\n", json_out,
			        strerror(-we));
			write_failed = 1;
		}
		json_decref(v);
	}
	(void)only_a, (void)only_b;
	free(P);
	free(ps);
	free(d);
	cp_free(&S);
	rs_free(&A);
	rs_free(&B);
	if (filter)
		regfree(&re);
	return write_failed ? 2 : regressions ? 1 : 0;
}
