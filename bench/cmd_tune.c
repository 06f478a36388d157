/*
 * `gdbench tune`: fair comparisons. For each optimizer family (an --opt
 * entry, usually with a sweep such as adam:lr=1e-4..1e-1:log8) and each mode,
 * run the grid with a short budget, pick the best setting by a stated
 * criterion (gd_tune_pick: diverged and not-reached rank last), then rerun the
 * winner over K seeds with the full budget. One result file keeps the whole
 * grid, the criterion, the winners and the reruns; nothing of the grid is
 * discarded. The runs themselves are `gdbench run`'s.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gd_error.h"
#include "jsonfile.h"
#include "optspec.h"
#include "results.h"
#include "runlabel.h"
#include "tune.h"

static const char help[] =
	"Usage: gdbench tune --opt FAMILIES [--mode LIST] [OPTIONS] [run options] -o OUT\n"
	"For each optimizer family x mode: run its grid with a short budget, pick the best\n"
	"setting, rerun it over K seeds with the full budget. Every run is kept in OUT.\n"
	"\n"
	"  --opt LIST          families with sweeps, e.g. sgd:lr=1e-3..1:log8,adam:lr=1e-4..1e-1:log8\n"
	"                      (lists: lr=0.01|0.03|0.1); may repeat\n"
	"  --mode LIST         modes as for run (default minibatch:128)\n"
	"  --grid-epochs N     grid budget per setting (default 1)\n"
	"  --grid-time T       grid budget per setting in training time (instead of epochs)\n"
	"  --seeds K           reruns of each winner, seeds S..S+K-1 (default 5)\n"
	"  --criterion C       time: shortest time to the first --target (default when targets are\n"
	"                      given); loss: lowest final training loss at the budget\n"
	"  -o, --out PATH      the result file (schema: results/schema.json, with a \"tune\" block)\n"
	"  --force             overwrite PATH\n"
	"  --plugin PATH       load a plugin's kernels (repeatable; also GDBENCH_PLUGINS), verified against\n"
	"                      the scalar reference first (--no-verify: not; recorded); it runs its code\n"
	"  -h, --help          this text\n"
	"Other options (--data, --model, --threads, --target, --time/--epochs for the reruns'\n"
	"full budget, --eval-every, --seed, ...) are run's and apply to every run.\n";

#define MAXF 16

typedef struct family {
	char spec[256];
	char grid[64][96];
	int ngrid;
} family;

static int is_tune_flag(const char *a, const char *name)
{
	return !strcmp(a, name);
}

int cmd_tune(int argc, char **argv)
{
	family *fam = calloc(MAXF, sizeof(family));
	int nfam = 0, seeds = 5, force = 0, have_target = 0, rc = GD_EXIT_USAGE;
	const char *modes = "minibatch:128", *grid_epochs = "1", *grid_time = NULL, *out = NULL, *crit = NULL;
	char *pass[256];
	int np = 0, quiet = 0;
	char err[1024], tmpgrid[4200] = "";
	json_t *doc = NULL;
	if (!fam)
		return cli_fail("tune", "out of memory");
	/* our flags; everything else passes through to run */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int val = i + 1 < argc;
#define TAKE(var)                                                                      \
	do {                                                                               \
		if (!val) {                                                                \
			rc = cli_usage("tune", "option '%s' needs a value", a);            \
			goto done;                                                         \
		}                                                                          \
		var = argv[++i];                                                           \
	} while (0)
		if (is_tune_flag(a, "-h") || is_tune_flag(a, "--help")) {
			fputs(help, stdout);
			rc = 0;
			goto done;
		} else if (is_tune_flag(a, "--opt")) {
			const char *list;
			TAKE(list);
			char buf[1024];
			snprintf(buf, sizeof(buf), "%s", list);
			for (char *sv, *w = strtok_r(buf, ",", &sv); w; w = strtok_r(NULL, ",", &sv)) {
				if (nfam == MAXF) {
					rc = cli_usage("tune", "more than %d optimizer families", MAXF);
					goto done;
				}
				family *f = &fam[nfam++];
				snprintf(f->spec, sizeof(f->spec), "%s", w);
				if (gd_optspec_expand(w, f->grid, 64, &f->ngrid, err, sizeof(err))) {
					rc = cli_usage("tune", "--opt: %s", err);
					goto done;
				}
				for (int k = 0; k < f->ngrid; k++) { /* every setting must parse */
					gd_optspec o;
					if (gd_optspec_parse(f->grid[k], &o, err, sizeof(err))) {
						rc = cli_usage("tune", "--opt: %s", err);
						goto done;
					}
				}
			}
		} else if (is_tune_flag(a, "--mode")) {
			TAKE(modes);
		} else if (is_tune_flag(a, "--grid-epochs")) {
			TAKE(grid_epochs);
			char *end;
			long e = strtol(grid_epochs, &end, 10);
			if (*end || e < 1) {
				rc = cli_usage("tune", "--grid-epochs '%s': expected a whole number >= 1", grid_epochs);
				goto done;
			}
		} else if (is_tune_flag(a, "--grid-time")) {
			TAKE(grid_time);
			double secs;
			if (cli_duration(grid_time, &secs)) {
				rc = cli_usage("tune", "--grid-time '%s': expected a duration such as 5s, 500ms, 2m", grid_time);
				goto done;
			}
		} else if (is_tune_flag(a, "--seeds")) {
			const char *s;
			TAKE(s);
			char *end;
			seeds = (int)strtol(s, &end, 10);
			if (*end || seeds < 1 || seeds > 100) {
				rc = cli_usage("tune", "--seeds '%s': expected 1..100", s);
				goto done;
			}
		} else if (is_tune_flag(a, "--criterion")) {
			TAKE(crit);
			if (strcmp(crit, "time") && strcmp(crit, "loss")) {
				rc = cli_usage("tune", "--criterion '%s': expected time or loss", crit);
				goto done;
			}
		} else if (is_tune_flag(a, "-o") || is_tune_flag(a, "--out")) {
			TAKE(out);
		} else if (is_tune_flag(a, "--force")) {
			force = 1;
		} else {
			if (!strcmp(a, "--target"))
				have_target = 1;
			if (!strcmp(a, "--suite") || !strcmp(a, "--append") || !strcmp(a, "--repeat") || !strcmp(a, "--opt")) {
				rc = cli_usage("tune", "'%s' is not available in tune", a);
				goto done;
			}
			quiet |= !strcmp(a, "--quiet");
			if (np < 200)
				pass[np++] = argv[i];
		}
#undef TAKE
	}
	if (!nfam) {
		rc = cli_usage("tune", "--opt: at least one optimizer family (with a sweep) is needed");
		goto done;
	}
	if (!out) {
		rc = cli_usage("tune", "-o PATH is needed: the grid and the reruns go there");
		goto done;
	}
	if (!force && access(out, F_OK) == 0) {
		rc = cli_usage("tune", "'%s' exists; use --force to overwrite it", out);
		goto done;
	}
	int werr = gd_can_write(out);
	if (werr) {
		rc = cli_fail("tune", "cannot write '%s': %s", out, gd_strerror(werr));
		goto done;
	}
	if (!crit)
		crit = have_target ? "time" : "loss";
	if (!strcmp(crit, "time") && !have_target) {
		rc = cli_usage("tune", "--criterion time needs --target");
		goto done;
	}

	/* 1. the grid: every setting of every family, every mode, one seed, short budget */
	snprintf(tmpgrid, sizeof(tmpgrid), "%s.grid.tmp.%ld", out, (long)getpid());
	{
		char *av[300];
		int ac = 0;
		av[ac++] = "run";
		for (int i = 0; i < np; i++)
			av[ac++] = pass[i];
		for (int f = 0; f < nfam && ac < 280; f++) { /* run expands the sweeps itself */
			av[ac++] = "--opt";
			av[ac++] = fam[f].spec;
		}
		av[ac++] = "--mode";
		av[ac++] = (char *)modes;
		if (grid_time) {
			av[ac++] = "--time";
			av[ac++] = (char *)grid_time;
			av[ac++] = "--epochs";
			av[ac++] = "1000000";
		} else {
			av[ac++] = "--epochs";
			av[ac++] = (char *)grid_epochs;
		}
		av[ac++] = "--out";
		av[ac++] = tmpgrid;
		av[ac++] = "--force";
		av[ac] = NULL;
		if (!quiet)
			fprintf(stderr, "gdbench tune: grid: %d families x modes %s\n", nfam, modes);
		cmd_run_as("tune");
		rc = cmd_run(ac, av);
		cmd_run_as("run");
		if (rc) {
			/* an interrupted grid is still a result: keep what it measured */
			if (rc >= 128 && access(tmpgrid, F_OK) == 0 && rename(tmpgrid, out) == 0)
				fprintf(stderr, "gdbench tune: interrupted; the grid so far is in %s\n", out);
			goto done;
		}
	}
	json_error_t je;
	doc = json_load_file(tmpgrid, 0, &je);
	if (!doc) {
		rc = cli_fail("tune", "cannot read the grid results back: %s", je.text);
		goto done;
	}
	json_t *runs = json_object_get(doc, "runs");
	size_t ngrid_runs = json_array_size(runs);
	for (size_t i = 0; i < ngrid_runs; i++)
		json_object_set_new(json_array_get(runs, i), "tune_role", json_string("grid"));

	/* 2. winners per family x mode */
	json_t *groups = json_array();
	char winners[MAXF * 8][96], wmode[MAXF * 8][32];
	int nw = 0;
	size_t i;
	json_t *r;
	char mlist[256];
	snprintf(mlist, sizeof(mlist), "%s", modes);
	for (char *sv, *m = strtok_r(mlist, ",", &sv); m; m = strtok_r(NULL, ",", &sv)) {
		for (int f = 0; f < nfam; f++) {
			gd_tune_result res[64];
			const char *labels[64];
			size_t nres = 0;
			json_t *grid = json_array();
			json_array_foreach(runs, i, r) {
				const char *name = json_string_value(json_object_get(json_object_get(r, "optimizer"), "name"));
				/* the mode as --mode spells it (hogwild-locked:B and mpi:... included) */
				char mode[48];
				gd_run_mode_label(r, mode, sizeof(mode));
				if (strcmp(mode, m))
					continue;
				int member = 0;
				for (int k = 0; k < fam[f].ngrid && !member; k++)
					member = name && !strcmp(name, fam[f].grid[k]);
				if (!member || nres == 64)
					continue;
				json_t *sm = json_object_get(r, "summary");
				json_t *t0 = json_object_get(json_array_get(json_object_get(sm, "time_to_target"), 0), "train_s");
				json_t *fl = json_object_get(sm, "final_loss");
				res[nres] = (gd_tune_result){ json_is_number(t0) ? json_number_value(t0) : INFINITY,
					                      json_is_number(fl) ? json_number_value(fl) : NAN,
					                      json_is_true(json_object_get(sm, "diverged")) };
				labels[nres] = name;
				json_array_append_new(grid, json_pack("{s:s, s:o, s:o, s:b}", "optimizer", name, "time_to_target",
				                                      isfinite(res[nres].time_to_target) ? json_real(res[nres].time_to_target) : json_null(),
				                                      "final_loss", isfinite(res[nres].final_loss) ? json_real(res[nres].final_loss) : json_null(),
				                                      "diverged", res[nres].diverged));
				nres++;
			}
			int w = gd_tune_pick(res, nres, !strcmp(crit, "time") ? GD_TUNE_TIME : GD_TUNE_LOSS);
			if (w < 0) {
				json_decref(grid);
				continue;
			}
			json_array_append_new(groups, json_pack("{s:s, s:s, s:o, s:s}", "family", fam[f].spec, "mode", m,
			                                        "grid", grid, "winner", labels[w]));
			snprintf(winners[nw], sizeof(winners[nw]), "%s", labels[w]);
			snprintf(wmode[nw], sizeof(wmode[nw]), "%s", m);
			if (!quiet)
				fprintf(stderr, "gdbench tune: %s %s -> %s\n", fam[f].spec, m, labels[w]);
			nw++;
		}
	}
	json_object_set_new(doc, "tune",
	                    json_pack("{s:s, s:i, s:{s:o, s:o}, s:o}", "criterion", crit, "seeds", seeds, "grid_budget",
	                              "epochs", grid_time ? json_null() : json_integer(atol(grid_epochs)), "time_s",
	                              grid_time ? json_string(grid_time) : json_null(), "groups", groups));
	/* the grid alone is already a result: write it to OUT before the reruns */
	if ((werr = gd_results_write(out, doc))) {
		rc = cli_fail("tune", "cannot write '%s': %s", out, gd_strerror(werr));
		goto done;
	}

	/* 3. reruns of each winner over K seeds, full budget, appended */
	for (int k = 0; k < nw; k++) {
		char *av[260], seedbuf[16];
		int ac = 0;
		av[ac++] = "run";
		for (int q = 0; q < np; q++)
			av[ac++] = pass[q];
		av[ac++] = "--opt";
		av[ac++] = winners[k];
		av[ac++] = "--mode";
		av[ac++] = wmode[k];
		snprintf(seedbuf, sizeof(seedbuf), "%d", seeds);
		av[ac++] = "--repeat";
		av[ac++] = seedbuf;
		av[ac++] = "--out";
		av[ac++] = (char *)out;
		av[ac++] = "--append";
		av[ac] = NULL;
		if (!quiet)
			fprintf(stderr, "gdbench tune: reruns of %s %s over %d seeds\n", winners[k], wmode[k], seeds);
		cmd_run_as("tune");
		rc = cmd_run(ac, av);
		cmd_run_as("run");
		if (rc)
			goto done;
	}
	/* mark the reruns (the runs after the grid) */
	json_decref(doc);
	doc = json_load_file(out, 0, &je);
	if (!doc) {
		rc = cli_fail("tune", "cannot read '%s' back: %s", out, je.text);
		goto done;
	}
	runs = json_object_get(doc, "runs");
	json_array_foreach(runs, i, r) if (i >= ngrid_runs)
		json_object_set_new(r, "tune_role", json_string("rerun"));
	if ((werr = gd_results_write(out, doc))) {
		rc = cli_fail("tune", "cannot write '%s': %s", out, gd_strerror(werr));
		goto done;
	}
	printf("wrote %s: %zu grid runs, %zu reruns of %d winners\n", out, ngrid_runs, json_array_size(runs) - ngrid_runs,
	       nw);
	rc = 0;
done:
	if (*tmpgrid)
		unlink(tmpgrid);
	json_decref(doc);
	free(fam);
	return rc;
}
