/*
 * `gdbench kernels --peer torch`: torch.optim timed beside our update
 * benchmarks by tools/peer-torch.py, for the same rules, element counts,
 * parameter sets, dtypes and thread counts. Google Benchmark runs once per
 * process, so the interleaving is A B A: one round of torch before our
 * benchmarks and one after, both in the peer file, whose median
 * gdbench-compare takes, so a drift over the run moves both sides alike.
 * Then gdbench-compare prints gdbench against torch per rule, size, dtype.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "gd_error.h"
#include "jsonfile.h"
#include "kbench.h"

/*
 * Run argv[0] with argv; 0 when it exited 0, else its status or -errno. The
 * child may use every CPU this process may: our benchmark threads (and this
 * one, for the roofline probes) are pinned, and a child inherits the pin.
 */
static int spawn_wait(char *const argv[], int quiet_stdout)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		cpu_set_t all;
		CPU_ZERO(&all);
		for (int c = 0; c < CPU_SETSIZE; c++)
			CPU_SET(c, &all);
		sched_setaffinity(0, sizeof(all), &all); /* the kernel keeps it within our cpuset */
		int fd = quiet_stdout ? open("/dev/null", O_WRONLY) : -1;
		if (fd >= 0)
			dup2(fd, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? (WEXITSTATUS(st) == 127 ? -ENOENT : WEXITSTATUS(st)) : 128 + WTERMSIG(st);
}

/* A parameter set as the JSON file peer-torch.py reads. */
static int write_set(const gd_param_set *ps, const char *path)
{
	json_t *ts = json_array(), *doc = json_pack("{s:s, s:s, s:o}", "name", ps->name, "source",
	                                            ps->source ? ps->source : "", "tensors", ts);
	if (!doc)
		return GD_ENOMEM;
	for (size_t i = 0; i < ps->ntensors; i++) {
		json_t *sh = json_array();
		for (int d = 0; d < ps->t[i].ndim; d++)
			json_array_append_new(sh, json_integer((json_int_t)ps->t[i].shape[d]));
		json_array_append_new(ts, json_pack("{s:s, s:o}", "name", ps->t[i].name, "shape", sh));
	}
	int rc = gd_json_write_atomic(path, doc, JSON_COMPACT);
	json_decref(doc);
	return rc;
}

const char *kpeer_script(void)
{
	const char *s = getenv("GDBENCH_PEER_TORCH");
	return s && *s ? s : GD_PEER_TORCH;
}

int kpeer_round(const kpeer_req *q, const char *out, char *err, size_t errlen)
{
	char *argv[64];
	int n = 0;
	char sets[8][PATH_MAX], mt[32];
	const char *py = getenv("GDBENCH_PYTHON");
	argv[n++] = (char *)(py && *py ? py : "/usr/bin/python3");
	argv[n++] = (char *)kpeer_script();
	argv[n++] = "--rules";
	argv[n++] = (char *)q->rules;
	if (*q->sizes) {
		argv[n++] = "--sizes";
		argv[n++] = (char *)q->sizes;
	}
	for (int i = 0; i < q->nsets && i < 8; i++) {
		snprintf(sets[i], sizeof(sets[i]), "%s.set%d.json", out, i);
		int wrc = write_set(&q->sets[i], sets[i]);
		if (wrc)
			return snprintf(err, errlen, "cannot write '%s': %s", sets[i], gd_strerror(wrc)), GD_EIO;
		argv[n++] = "--params-json";
		argv[n++] = sets[i];
	}
	argv[n++] = "--dtype";
	argv[n++] = (char *)q->dtypes;
	argv[n++] = "--threads";
	argv[n++] = (char *)q->threads;
	if (q->min_time > 0) {
		snprintf(mt, sizeof(mt), "%g", q->min_time);
		argv[n++] = "--min-time";
		argv[n++] = mt;
	}
	argv[n++] = "--force";
	argv[n++] = "--out";
	argv[n++] = (char *)out;
	argv[n] = NULL;
	int rc = spawn_wait(argv, 1);
	for (int i = 0; i < q->nsets && i < 8; i++)
		unlink(sets[i]);
	if (rc < 0)
		return snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(-rc)), GD_EIO;
	if (rc)
		return snprintf(err, errlen, "%s %s exited with status %d (its message is above)", argv[0], argv[1], rc),
		       GD_EIO;
	return 0;
}

int kpeer_merge(const char *a, const char *b, const char *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *da = json_load_file(a, 0, &je), *db = da ? json_load_file(b, 0, &je) : NULL;
	if (!da || !db) {
		json_decref(da);
		return snprintf(err, errlen, "peer results unreadable: %s (line %d)", je.text, je.line), GD_EFORMAT;
	}
	json_t *ba = json_object_get(da, "benchmarks"), *bb = json_object_get(db, "benchmarks");
	int rc = json_is_array(ba) && json_is_array(bb) ? json_array_extend(ba, bb) : -1;
	json_object_set_new(json_object_get(da, "context"), "peer_rounds",
	                    json_string("2: before and after gdbench's benchmarks (A B A)"));
	rc = rc ? GD_EFORMAT : gd_json_write_atomic(out, da, JSON_INDENT(1));
	json_decref(da);
	json_decref(db);
	if (rc)
		snprintf(err, errlen, "cannot write '%s': %s", out, gd_strerror(rc));
	return rc;
}

int kpeer_compare(const char *ours, const char *peer)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -ENOENT;
	self[n] = 0;
	const char *dir = dirname(self);
	for (int i = 0; i < 2; i++) { /* installed beside gdbench, or the build tree's tools/ */
		snprintf(path, sizeof(path), i ? "%s/../tools/gdbench-compare" : "%s/gdbench-compare", dir);
		if (access(path, X_OK) == 0) {
			char *argv[] = { path, (char *)ours, (char *)peer, NULL };
			fflush(stdout);
			return spawn_wait(argv, 0);
		}
	}
	return -ENOENT;
}
