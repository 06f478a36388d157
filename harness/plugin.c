/* The plugin loader and the plugin rows of the registry (plugins.h, plugin.h). */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "plugin.h"
#include "plugins.h"

/* Loaded rows, after the built-in table; names live in names[]. A process
 * loads its plugins once, at start, before any thread runs: no locking. */
static gd_update_entry rows[GD_PLUGIN_MAX_ROWS];
static char names[GD_PLUGIN_MAX_ROWS][64];
static size_t nrows;
static gd_plugin_file files[GD_PLUGIN_MAX_FILES];
static size_t nfiles;
static char impls[GD_IMPL_PLUGIN_MAX][24];
static int nimpls;

size_t gd_update_rows(void)
{
	return gd_update_count + nrows;
}

const gd_update_entry *gd_update_row(size_t i)
{
	return i < gd_update_count ? &gd_update_table[i] : i - gd_update_count < nrows ? &rows[i - gd_update_count] : NULL;
}

size_t gd_plugin_nfiles(void)
{
	return nfiles;
}

const gd_plugin_file *gd_plugin_file_at(size_t i)
{
	return i < nfiles ? &files[i] : NULL;
}

const gd_plugin_file *gd_plugin_of(const gd_update_entry *e)
{
	for (size_t f = 0; f < nfiles; f++)
		if (e >= rows + files[f].first && e < rows + files[f].first + files[f].count)
			return &files[f];
	return NULL;
}

const char *gd_plugin_impl_name(int k)
{
	return k >= 0 && k < nimpls ? impls[k] : NULL;
}

/* The registration in progress: the first refusal's words. */
typedef struct loading {
	char *why;
	size_t len;
	int rc;
	int nimpls0;
} loading;

static int refuse(loading *ld, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(loading *ld, int rc, const char *fmt, ...)
{
	if (!ld->rc) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ld->why, ld->len, fmt, ap);
		va_end(ap);
		ld->rc = rc;
	}
	return rc;
}

/* Each CPU feature a plugin may name, and the lowest level that has it
 * (cpu.h: dispatch checks levels, not single features). */
static const struct {
	const char *name;
	gd_isa level;
} features[] = {
#if defined(__x86_64__)
	{ "sse2", GD_ISA_SCALAR },    { "avx", GD_ISA_AVX2 },         { "avx2", GD_ISA_AVX2 },
	{ "fma", GD_ISA_AVX2 },       { "f16c", GD_ISA_AVX2 },        { "bmi1", GD_ISA_AVX2 },
	{ "bmi2", GD_ISA_AVX2 },      { "lzcnt", GD_ISA_AVX2 },       { "movbe", GD_ISA_AVX2 },
	{ "avx512f", GD_ISA_AVX512 }, { "avx512dq", GD_ISA_AVX512 },  { "avx512cd", GD_ISA_AVX512 },
	{ "avx512bw", GD_ISA_AVX512 }, { "avx512vl", GD_ISA_AVX512 },
#elif defined(__aarch64__)
	{ "neon", GD_ISA_NEON }, { "asimd", GD_ISA_NEON }, { "sve", GD_ISA_SVE },
#endif
	{ NULL, GD_ISA_SCALAR },
};

/* The level the comma-separated list needs: 0, or GD_EPLUGIN naming the unknown word. */
static int features_level(loading *ld, const char *row, const char *list, gd_isa *level)
{
	char word[32];
	*level = GD_ISA_SCALAR;
	for (const char *p = list ? list : ""; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), p);
		int k = 0;
		while (features[k].name && strcmp(features[k].name, word))
			k++;
		if (!features[k].name) {
			char known[256] = "";
			for (int j = 0; features[j].name; j++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", j ? " " : "", features[j].name);
			return refuse(ld, GD_EPLUGIN, "%s: unknown CPU feature '%s'; expected some of: %s", row, word, known);
		}
		if (features[k].level > *level)
			*level = features[k].level;
		p += n + (p[n] == ',');
	}
	return 0;
}

static int register_update(const gdbench_host *host, const gdbench_update_variant *v)
{
	loading *ld = host->priv;
	char row[64];
	if (!v || !v->rule || !v->impl)
		return refuse(ld, GD_EPLUGIN, "a variant without rule or impl");
	snprintf(row, sizeof(row), "%s/%s%s%s", v->rule, v->impl, v->isa ? "/" : "", v->isa ? v->isa : "");
	int r = gd_rule_from_name(v->rule);
	if (r < 0)
		return refuse(ld, GD_EPLUGIN, "%s: '%s' is not a rule of this gdbench (`gdbench list`)", row, v->rule);
	if (!*v->impl || strspn(v->impl, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(v->impl) ||
	    strlen(v->impl) >= sizeof(impls[0]))
		return refuse(ld, GD_EPLUGIN, "%s: impl '%s' is not a name of 1-23 of [a-z0-9_.-]", row, v->impl);
	unsigned set;
	char bad[32];
	if (!strcmp(v->impl, "best") || !strcmp(v->impl, "all") ||
	    (!gd_impl_parse(v->impl, &set, bad, sizeof(bad)) && !(set & GD_IMPL_PLUGIN_BITS)))
		return refuse(ld, GD_EPLUGIN, "%s: impl '%s' clashes with a built-in one (scalar, auto, simd, blas, best, all)",
		              row, v->impl);
	gd_isa named = GD_ISA_SCALAR, need;
	if (v->isa && gd_isa_from_name(v->isa, &named))
		return refuse(ld, GD_EPLUGIN, "%s: isa '%s' is not a level of this architecture; expected one of: %s", row,
		              v->isa, GD_ISA_CHOICES);
	if (features_level(ld, row, v->features, &need))
		return ld->rc;
	if (!v->fn[GD_DT_F32])
		return refuse(ld, GD_EPLUGIN, "%s: null function for f32 (fn[GD_DT_F32] is required)", row);
	if (gd_update_by_name(row))
		return refuse(ld, GD_EPLUGIN, "%s: duplicate row name (a built-in row or one loaded already)", row);
	if (nrows == GD_PLUGIN_MAX_ROWS)
		return refuse(ld, GD_EPLUGIN, "%s: more than %d plugin rows", row, GD_PLUGIN_MAX_ROWS);
	int k = 0;
	while (k < nimpls && strcmp(impls[k], v->impl))
		k++;
	if (k == nimpls) {
		if (nimpls == GD_IMPL_PLUGIN_MAX)
			return refuse(ld, GD_EPLUGIN, "%s: more than %d plugin impl names", row, GD_IMPL_PLUGIN_MAX);
		snprintf(impls[nimpls++], sizeof(impls[0]), "%s", v->impl);
	}
	snprintf(names[nrows], sizeof(names[0]), "%s", row);
	gd_update_entry *e = &rows[nrows++];
	e->name = names[nrows - 1];
	e->rule = (gd_rule)r;
	e->impl = (gd_impl)(GD_IMPL_PLUGIN_FIRST + k);
	e->isa = need > named ? need : named; /* the row's level: what dispatch caps (GDBENCH_ISA, --isa) */
	memcpy(e->fn, v->fn, sizeof(e->fn));
	return 0;
}

int gd_plugin_load(const char *path, char *why, size_t len)
{
	loading ld = { why, len, 0, nimpls };
	if (nfiles == GD_PLUGIN_MAX_FILES)
		return refuse(&ld, GD_EPLUGIN, "more than %d plugin files", GD_PLUGIN_MAX_FILES);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return refuse(&ld, GD_EPLUGIN, "dlopen: %s", dlerror());
	const int *abi = dlsym(h, "gdbench_plugin_abi");
	int (*init)(const gdbench_host *);
	*(void **)&init = dlsym(h, "gdbench_plugin_init"); /* POSIX's way to a function pointer */
	if (!abi || !init) {
		refuse(&ld, GD_EPLUGIN, "missing symbol %s (plugin.h: GDBENCH_PLUGIN_DEFINE_ABI and gdbench_plugin_init)",
		       abi ? "gdbench_plugin_init" : "gdbench_plugin_abi");
		dlclose(h);
		return ld.rc;
	}
	if (*abi != GDBENCH_PLUGIN_ABI) {
		refuse(&ld, GD_EABI, "built for plugin ABI %d; this gdbench has ABI %d (rebuild it against these headers)",
		       *abi, GDBENCH_PLUGIN_ABI);
		dlclose(h);
		return ld.rc;
	}
	size_t first = nrows;
	gdbench_host host = { GDBENCH_PLUGIN_ABI, register_update, &ld };
	int irc = init(&host);
	if (irc && !ld.rc)
		refuse(&ld, GD_EPLUGIN, "gdbench_plugin_init returned %d", irc);
	if (!ld.rc && nrows == first)
		refuse(&ld, GD_EPLUGIN, "registered no variant");
	if (ld.rc) { /* all or nothing; the code stays mapped: init may have left pointers to it anywhere */
		nrows = first;
		nimpls = ld.nimpls0;
		return ld.rc;
	}
	gd_plugin_file *f = &files[nfiles++];
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->first = first;
	f->count = nrows - first;
	f->verified = 0;
	return 0;
}

int gd_plugin_verify(gd_mismatch *mm)
{
	for (size_t fi = 0; fi < nfiles; fi++) {
		gd_plugin_file *f = &files[fi];
		for (size_t i = f->first; i < f->first + f->count; i++) {
			const gd_update_entry *e = &rows[i];
			if (e->isa > gd_cpu_get()->max)
				continue; /* never run here: skipped as built-in rows are */
			for (int d = 0; d < GD_NDT; d++) {
				if (!e->fn[d])
					continue;
				int rc = gd_verify_update(e, gd_update_scalar(e->rule), (gd_dtype)d, mm);
				if (rc)
					return rc;
			}
		}
		f->verified = 1;
	}
	return 0;
}

void gd_plugin_context(json_t *ctx)
{
	if (!nfiles)
		return;
	json_t *arr = json_array();
	for (size_t fi = 0; fi < nfiles; fi++) {
		json_t *names_j = json_array();
		for (size_t i = files[fi].first; i < files[fi].first + files[fi].count; i++)
			json_array_append_new(names_j, json_string(rows[i].name));
		json_array_append_new(arr, json_pack("{s:s, s:o, s:b}", "path", files[fi].path, "rows", names_j, "verified",
		                                     files[fi].verified));
	}
	json_object_set_new(ctx, "plugins", arr);
}
