// Google Benchmark behind a C API: the only C++ in gdbench. Every entry point is
// noexcept and turns exceptions into return codes, so C callers never unwind.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gb.h"

namespace {

struct Row {
	std::string name, aggregate;
	int64_t iterations;
	int threads;
	double real_time_s;
	int error;
	std::map<std::string, double> counters;
};

std::vector<Row> g_rows;
bool g_ran = false;
bool g_verbose = false;
std::string g_format = "console";

double to_seconds(double t, benchmark::TimeUnit u)
{
	switch (u) {
	case benchmark::kNanosecond: return t * 1e-9;
	case benchmark::kMicrosecond: return t * 1e-6;
	case benchmark::kMillisecond: return t * 1e-3;
	case benchmark::kSecond: return t;
	}
	return t;
}

// Keeps a copy of every run, then lets the library's own reporter print it.
template <class Base> class Capture : public Base {
public:
	using Base::Base;
	// The console and CSV reporters print the library's context block (date, CPU, caches,
	// load) on stderr, and Debian's libbenchmark, built without NDEBUG, ends it with
	// "***WARNING*** Library was built as DEBUG". gdbench writes its own context into the
	// result file and times every benchmark itself (manual time), so the block goes to a
	// sink unless gb_set_verbose asked for it (`gdbench kernels --verbose`). The JSON
	// reporter writes the context into its output and prints nothing else.
	bool ReportContext(const benchmark::BenchmarkReporter::Context &ctx) override
	{
		if (g_verbose)
			return Base::ReportContext(ctx);
		std::ostringstream sink;
		std::ostream &err = this->GetErrorStream();
		this->SetErrorStream(&sink);
		bool ok = Base::ReportContext(ctx);
		this->SetErrorStream(&err);
		return ok;
	}
	void ReportRuns(const std::vector<benchmark::BenchmarkReporter::Run> &runs) override
	{
		for (const auto &r : runs) {
			Row row;
			row.name = r.benchmark_name();
			row.aggregate = r.run_type == benchmark::BenchmarkReporter::Run::RT_Aggregate ? r.aggregate_name : "";
			row.iterations = r.iterations;
			row.threads = (int)r.threads;
			row.real_time_s = to_seconds(r.GetAdjustedRealTime(), r.time_unit);
			row.error = r.error_occurred ? 1 : 0;
			for (const auto &c : r.counters)
				row.counters[c.first] = c.second.value;
			g_rows.push_back(row);
		}
		Base::ReportRuns(runs);
	}
};

benchmark::State *S(gb_state *st) { return reinterpret_cast<benchmark::State *>(st); }
const benchmark::State *S(const gb_state *st) { return reinterpret_cast<const benchmark::State *>(st); }

} // namespace

extern "C" {

int gb_init(int *argc, char **argv) noexcept
{
	try {
		// the display reporter is ours (to capture results), so honour the format flag here
		for (int i = 1; i < *argc; i++)
			if (!strncmp(argv[i], "--benchmark_format=", 19))
				g_format = argv[i] + 19;
		benchmark::Initialize(argc, argv);
		return 0;
	} catch (...) {
		return -1;
	}
}

int gb_register(const char *name, gb_fn fn, void *user, const gb_opts *o) noexcept
{
	try {
		auto *b = benchmark::RegisterBenchmark(name, [fn, user](benchmark::State &st) {
			fn(reinterpret_cast<gb_state *>(&st), user);
		});
		if (o) {
			if (o->manual_time)
				b->UseManualTime();
			if (o->threads > 1)
				b->Threads(o->threads);
			if (o->min_time > 0)
				b->MinTime(o->min_time);
		}
		return 0;
	} catch (...) {
		return -1;
	}
}

void gb_set_verbose(int on) noexcept { g_verbose = on != 0; }

void gb_add_context(const char *key, const char *value) noexcept
{
	try {
		benchmark::AddCustomContext(key, value);
	} catch (...) {
	}
}

long gb_run(void) noexcept
{
	if (g_ran)
		return -1;
	g_ran = true;
	try {
		size_t n;
		if (g_format == "json") {
			Capture<benchmark::JSONReporter> rep;
			n = benchmark::RunSpecifiedBenchmarks(&rep);
		} else if (g_format == "csv") {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
			Capture<benchmark::CSVReporter> rep; // deprecated upstream, still a documented flag
#pragma GCC diagnostic pop
			n = benchmark::RunSpecifiedBenchmarks(&rep);
		} else {
			Capture<benchmark::ConsoleReporter> rep(isatty(1) ? benchmark::ConsoleReporter::OO_ColorTabular
			                                                  : benchmark::ConsoleReporter::OO_Tabular);
			n = benchmark::RunSpecifiedBenchmarks(&rep);
		}
		benchmark::Shutdown();
		return (long)n;
	} catch (...) {
		return -1;
	}
}

int gb_keep_running(gb_state *st) noexcept { return S(st)->KeepRunning() ? 1 : 0; }
void gb_set_iteration_time(gb_state *st, double s) noexcept { S(st)->SetIterationTime(s); }
void gb_set_items_processed(gb_state *st, int64_t n) noexcept { S(st)->SetItemsProcessed(n); }
void gb_set_bytes_processed(gb_state *st, int64_t n) noexcept { S(st)->SetBytesProcessed(n); }
void gb_pause_timing(gb_state *st) noexcept { S(st)->PauseTiming(); }
void gb_resume_timing(gb_state *st) noexcept { S(st)->ResumeTiming(); }
int gb_thread_index(const gb_state *st) noexcept { return S(st)->thread_index(); }
int gb_threads(const gb_state *st) noexcept { return S(st)->threads(); }

void gb_set_counter(gb_state *st, const char *name, double value, int flags) noexcept
{
	try {
		int f = benchmark::Counter::kDefaults;
		if (flags & GB_COUNTER_RATE)
			f |= benchmark::Counter::kIsRate;
		if (flags & GB_COUNTER_AVG_THREADS)
			f |= benchmark::Counter::kAvgThreads;
		S(st)->counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(f));
	} catch (...) {
	}
}

void gb_skip_with_error(gb_state *st, const char *msg) noexcept
{
	try {
		S(st)->SkipWithError(msg);
	} catch (...) {
	}
}

size_t gb_result_count(void) noexcept { return g_rows.size(); }

int gb_result_get(size_t i, gb_result *out) noexcept
{
	if (i >= g_rows.size())
		return -1;
	const Row &r = g_rows[i];
	out->name = r.name.c_str();
	out->aggregate = r.aggregate.c_str();
	out->iterations = r.iterations;
	out->threads = r.threads;
	out->real_time_s = r.real_time_s;
	out->error = r.error;
	return 0;
}

int gb_result_counter(size_t i, const char *name, double *value) noexcept
{
	try {
		if (i >= g_rows.size())
			return -1;
		auto it = g_rows[i].counters.find(name);
		if (it == g_rows[i].counters.end())
			return -1;
		*value = it->second;
		return 0;
	} catch (...) {
		return -1;
	}
}

} // extern "C"
