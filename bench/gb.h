/* C interface to Google Benchmark (bench/gb_shim.cc): register C functions, run once, read results. */
#ifndef GD_GB_H
#define GD_GB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define GB_NOEXCEPT noexcept
extern "C" {
#else
#define GB_NOEXCEPT
#endif

typedef struct gb_state gb_state; /* a benchmark::State */
typedef void (*gb_fn)(gb_state *st, void *user);

typedef struct gb_opts {
	int manual_time;      /* time comes from gb_set_iteration_time */
	int threads;          /* 0 or 1: one thread */
	double min_time;      /* seconds; 0 = library default / --benchmark_min_time */
} gb_opts;

enum { GB_COUNTER_PLAIN = 0, GB_COUNTER_RATE = 1, GB_COUNTER_AVG_THREADS = 2 };

/* Strip and apply the --benchmark_* flags from argv. Run before parsing the
 * rest of the command line. Returns 0 or -1 (exception inside the library). */
int gb_init(int *argc, char **argv) GB_NOEXCEPT;
/* Register fn under name; returns 0 or -1. */
int gb_register(const char *name, gb_fn fn, void *user, const gb_opts *opts) GB_NOEXCEPT;
/* on: the console/CSV reporters print Google Benchmark's context block on stderr (off by
 * default: it is in the result file, and Debian's build adds a DEBUG-build warning). */
void gb_set_verbose(int on) GB_NOEXCEPT;
/* Context key/value written into the JSON "context" block. */
void gb_add_context(const char *key, const char *value) GB_NOEXCEPT;
/* Run every registered benchmark that matches --benchmark_filter. Call once:
 * Google Benchmark 1.7.1 crashes on a second call. Returns the number run,
 * or -1 on error / second call. */
long gb_run(void) GB_NOEXCEPT;

/* Inside a benchmark function */
int gb_keep_running(gb_state *st) GB_NOEXCEPT;
void gb_set_iteration_time(gb_state *st, double seconds) GB_NOEXCEPT;
void gb_set_items_processed(gb_state *st, int64_t items) GB_NOEXCEPT;
void gb_set_bytes_processed(gb_state *st, int64_t bytes) GB_NOEXCEPT;
void gb_set_counter(gb_state *st, const char *name, double value, int flags) GB_NOEXCEPT;
void gb_pause_timing(gb_state *st) GB_NOEXCEPT;
void gb_resume_timing(gb_state *st) GB_NOEXCEPT;
void gb_skip_with_error(gb_state *st, const char *msg) GB_NOEXCEPT;
int gb_thread_index(const gb_state *st) GB_NOEXCEPT;
int gb_threads(const gb_state *st) GB_NOEXCEPT;

/* Results of gb_run (each run and aggregate row, in report order). */
typedef struct gb_result {
	const char *name;       /* full run name */
	const char *aggregate;  /* "" for an iteration row, else "mean", "median", ... */
	int64_t iterations;
	int threads;
	double real_time_s;     /* per iteration (manual time when used) */
	int error;              /* the benchmark skipped with an error */
} gb_result;
size_t gb_result_count(void) GB_NOEXCEPT;
int gb_result_get(size_t i, gb_result *out) GB_NOEXCEPT;
/* Counter value of result i by name; returns 0 if present. */
int gb_result_counter(size_t i, const char *name, double *value) GB_NOEXCEPT;

#ifdef __cplusplus
}
#endif
#endif
