/* The plugin loader and the plugin rows of the registry (plugins.h, plugin.h). */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gd_error.h"
#include "plugin.h"
#include "plugins.h"
#include "trules.h"

/* Loaded rows, after the built-in table; names live in names[]. A process
 * loads its plugins once, at start, before any thread runs: no locking. */
static gd_update_entry rows[GD_PLUGIN_MAX_ROWS];
static char names[GD_PLUGIN_MAX_ROWS][64];
static size_t nrows;
static gd_grad_entry grows[GD_PLUGIN_MAX_ROWS];
static char gnames[GD_PLUGIN_MAX_ROWS][64];
static size_t ngrows;
static char rule_names[GD_MAX_RULES - GD_NRULES][24]; /* the rules' names and descriptions, copied */
static char rule_desc[GD_MAX_RULES - GD_NRULES][128];
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

size_t gd_grad_rows(void)
{
	return gd_grad_count + ngrows;
}

const gd_grad_entry *gd_grad_row(size_t i)
{
	return i < gd_grad_count ? &gd_grad_table[i] : i - gd_grad_count < ngrows ? &grows[i - gd_grad_count] : NULL;
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

const gd_plugin_file *gd_plugin_of_grad(const gd_grad_entry *e)
{
	for (size_t f = 0; f < nfiles; f++)
		if (e >= grows + files[f].gfirst && e < grows + files[f].gfirst + files[f].gcount)
			return &files[f];
	return NULL;
}

const gd_plugin_file *gd_plugin_of_rule(gd_rule r)
{
	for (size_t f = 0; f < nfiles; f++)
		if ((int)r >= files[f].rfirst && (int)r < files[f].rfirst + files[f].rcount)
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

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"

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

/* The checks a variant's impl, isa and features pass (update and gradient
 * rows alike): 0 with the impl's number in *impl and the row's level in
 * *level, or the refusal. */
static int variant_common(loading *ld, const char *row, const char *impl_name, const char *isa, const char *feats,
                          gd_impl *impl, gd_isa *level)
{
	if (!*impl_name || strspn(impl_name, NAME_CHARS ".-") != strlen(impl_name) || strlen(impl_name) >= sizeof(impls[0]))
		return refuse(ld, GD_EPLUGIN, "%s: impl '%s' is not a name of 1-23 of [a-z0-9_.-]", row, impl_name);
	unsigned set;
	char bad[32];
	if (!strcmp(impl_name, "best") || !strcmp(impl_name, "all") ||
	    (!gd_impl_parse(impl_name, &set, bad, sizeof(bad)) && !(set & GD_IMPL_PLUGIN_BITS)))
		return refuse(ld, GD_EPLUGIN, "%s: impl '%s' clashes with a built-in one (scalar, auto, simd, blas, best, all)",
		              row, impl_name);
	gd_isa named = GD_ISA_SCALAR, need;
	if (isa && gd_isa_from_name(isa, &named))
		return refuse(ld, GD_EPLUGIN, "%s: isa '%s' is not a level of this architecture; expected one of: %s", row, isa,
		              GD_ISA_CHOICES);
	if (features_level(ld, row, feats, &need))
		return ld->rc;
	if (nrows == GD_PLUGIN_MAX_ROWS || ngrows == GD_PLUGIN_MAX_ROWS)
		return refuse(ld, GD_EPLUGIN, "%s: more than %d plugin rows", row, GD_PLUGIN_MAX_ROWS);
	int k = 0;
	while (k < nimpls && strcmp(impls[k], impl_name))
		k++;
	if (k == nimpls) {
		if (nimpls == GD_IMPL_PLUGIN_MAX)
			return refuse(ld, GD_EPLUGIN, "%s: more than %d plugin impl names", row, GD_IMPL_PLUGIN_MAX);
		snprintf(impls[nimpls++], sizeof(impls[0]), "%s", impl_name);
	}
	*impl = (gd_impl)(GD_IMPL_PLUGIN_FIRST + k);
	*level = need > named ? need : named; /* the row's level: what dispatch caps (GDBENCH_ISA, --isa) */
	return 0;
}

static void row_name(char row[64], const char *what, const char *impl, const char *isa)
{
	snprintf(row, 64, "%s/%s%s%s", what, impl, isa ? "/" : "", isa ? isa : "");
}

static int register_update(const gdbench_host *host, const gdbench_update_variant *v)
{
	loading *ld = host->priv;
	char row[64];
	if (!v || !v->rule || !v->impl)
		return refuse(ld, GD_EPLUGIN, "a variant without rule or impl");
	row_name(row, v->rule, v->impl, v->isa);
	int r = gd_rule_from_name(v->rule);
	if (r < 0)
		return refuse(ld, GD_EPLUGIN, "%s: '%s' is not a rule of this gdbench (`gdbench list`) nor one a plugin registered before it",
		              row, v->rule);
	if (!v->fn[GD_DT_F32])
		return refuse(ld, GD_EPLUGIN, "%s: null function for f32 (fn[GD_DT_F32] is required)", row);
	for (int d = 0; d < GD_NDT; d++) /* a plugin rule's reference says which dtypes it has */
		if (v->fn[d] && !gd_update_scalar((gd_rule)r)->fn[d])
			return refuse(ld, GD_EPLUGIN, "%s: a kernel at %s, where rule %s has no reference", row,
			              gd_dtype_name((gd_dtype)d), v->rule);
	if (gd_update_by_name(row))
		return refuse(ld, GD_EPLUGIN, "%s: duplicate row name (a built-in row or one loaded already)", row);
	gd_update_entry e = { .rule = (gd_rule)r };
	if (variant_common(ld, row, v->impl, v->isa, v->features, &e.impl, &e.isa))
		return ld->rc;
	memcpy(e.fn, v->fn, sizeof(e.fn));
	snprintf(names[nrows], sizeof(names[0]), "%s", row);
	e.name = names[nrows];
	rows[nrows++] = e;
	return 0;
}

static int register_grad(const gdbench_host *host, const gdbench_grad_variant *v)
{
	loading *ld = host->priv;
	char row[64];
	if (!v || !v->model || !v->impl)
		return refuse(ld, GD_EPLUGIN, "a gradient variant without model or impl");
	row_name(row, v->model, v->impl, v->isa);
	int m = gd_model_from_name(v->model);
	if (m < 0) {
		char known[128] = "";
		for (int k = 0; k < GD_NMODELS; k++)
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", k ? ", " : "", gd_model_name((gd_model_kind)k));
		return refuse(ld, GD_EPLUGIN, "%s: '%s' is not a gradient model; expected one of: %s", row, v->model, known);
	}
	if (!v->fn)
		return refuse(ld, GD_EPLUGIN, "%s: null function", row);
	for (size_t i = 0; i < gd_grad_rows(); i++)
		if (!strcmp(gd_grad_row(i)->name, row))
			return refuse(ld, GD_EPLUGIN, "%s: duplicate row name (a built-in row or one loaded already)", row);
	gd_grad_entry e = { .model = (gd_model_kind)m, .fn = v->fn };
	if (variant_common(ld, row, v->impl, v->isa, v->features, &e.impl, &e.isa))
		return ld->rc;
	snprintf(gnames[ngrows], sizeof(gnames[0]), "%s", row);
	e.name = gnames[ngrows];
	grows[ngrows++] = e;
	return 0;
}

/* keys "lr,betas,..." into *bits: 0 or the refusal naming the word */
static int rule_keys(loading *ld, const char *rule, const char *list, unsigned *bits)
{
	char word[40];
	*bits = 0;
	for (const char *p = list ? list : ""; *p;) {
		size_t n = strcspn(p, ",");
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n : sizeof(word) - 1), p);
		int k = 0;
		while (gd_key_name(k) && strcmp(gd_key_name(k), word))
			k++;
		if (!gd_key_name(k) || k == GD_KI_NESTEROV || k == GD_KI_AMSGRAD || k == GD_KI_DECOUPLED) {
			char known[512] = "";
			for (int j = 0; gd_key_name(j); j++)
				if (j != GD_KI_NESTEROV && j != GD_KI_AMSGRAD && j != GD_KI_DECOUPLED)
					snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", *known ? " " : "", gd_key_name(j));
			return refuse(ld, GD_EPLUGIN, "rule %s: %s hyperparameter key '%s'; expected some of: %s", rule,
			              gd_key_name(k) ? "cannot declare the" : "unknown", word, known);
		}
		*bits |= 1u << k;
		p += n + (p[n] == ',');
	}
	if (*bits & GD_K_WEIGHT_DECAY)
		*bits |= GD_K_DECOUPLED; /* the prologue reads both (rules.h) */
	return 0;
}

static int register_rule(const gdbench_host *host, const gdbench_rule *r)
{
	loading *ld = host->priv;
	if (!r || !r->name)
		return refuse(ld, GD_EPLUGIN, "a rule without a name");
	const char *nm = r->name;
	if (!*nm || strspn(nm, NAME_CHARS) != strlen(nm) || strlen(nm) >= sizeof(rule_names[0]))
		return refuse(ld, GD_EPLUGIN, "rule '%s': not a name of 1-23 of [a-z0-9_]", nm);
	int had = gd_rule_from_name(nm);
	if ((had >= 0 && had < GD_NRULES) || gd_trule_from_name(nm) >= 0 || !strcmp(nm, "lbfgs") || !strcmp(nm, "newton"))
		return refuse(ld, GD_EPLUGIN, "rule %s: clashes with a built-in rule of the same name (`gdbench list`)", nm);
	if (had >= 0)
		return refuse(ld, GD_EPLUGIN, "rule %s: duplicate rule name (a plugin loaded already registered it)", nm);
	if (r->nstate < 0 || r->nstate > GD_MAX_STATE)
		return refuse(ld, GD_EPLUGIN, "rule %s: nstate %d out of range; expected 0..%d state arrays", nm, r->nstate,
		              GD_MAX_STATE);
	if (!r->reference[GD_DT_F32])
		return refuse(ld, GD_EPLUGIN, "rule %s: missing reference (reference[GD_DT_F32], its scalar kernel, is required)", nm);
	if (r->flops < 0 || r->bytes < 0 || (unsigned)r->scalars > GD_SC_RPROP)
		return refuse(ld, GD_EPLUGIN, "rule %s: flops and bytes must be >= 0 and scalars a gd_step_scalars value", nm);
	gd_rule_info ri = { .nstate = r->nstate, .flops = r->flops, .bytes = r->bytes, .decoupled = r->decoupled != 0,
		            .scalars = r->scalars, .check = r->check, .defaults = r->defaults };
	if (rule_keys(ld, nm, r->keys, &ri.keys))
		return ld->rc;
	char row[64];
	row_name(row, nm, "scalar", NULL);
	if (nrows == GD_PLUGIN_MAX_ROWS)
		return refuse(ld, GD_EPLUGIN, "%s: more than %d plugin rows", row, GD_PLUGIN_MAX_ROWS);
	int k = gd_rule_count() - GD_NRULES;
	if (k >= GD_MAX_RULES - GD_NRULES)
		return refuse(ld, GD_EPLUGIN, "rule %s: more than %d plugin rules", nm, GD_MAX_RULES - GD_NRULES);
	snprintf(rule_names[k], sizeof(rule_names[0]), "%s", nm);
	snprintf(rule_desc[k], sizeof(rule_desc[0]), "%s", r->description ? r->description : "a plugin's rule");
	ri.name = rule_names[k];
	ri.torch = rule_desc[k];
	int id = gd__rule_add(&ri);
	if (id < 0)
		return refuse(ld, GD_EPLUGIN, "rule %s: %s", nm, gd_strerror(id));
	const char *what = "";
	int crc = gd_hparams_check((gd_rule)id, &r->defaults, &what);
	if (crc)
		return refuse(ld, GD_EPLUGIN, "rule %s: its defaults fail its checks: %s", nm, what);
	/* the reference row: impl scalar, what its variants are verified against */
	gd_update_entry e = { .rule = (gd_rule)id, .impl = GD_IMPL_SCALAR, .isa = GD_ISA_SCALAR };
	memcpy(e.fn, r->reference, sizeof(e.fn));
	snprintf(names[nrows], sizeof(names[0]), "%s", row);
	e.name = names[nrows];
	rows[nrows++] = e;
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
	size_t first = nrows, gfirst = ngrows;
	int rfirst = gd_rule_count();
	gdbench_host host = { GDBENCH_PLUGIN_ABI, register_update, register_rule, register_grad, &ld };
	int irc = init(&host);
	if (irc && !ld.rc)
		refuse(&ld, GD_EPLUGIN, "gdbench_plugin_init returned %d", irc);
	if (!ld.rc && nrows == first && ngrows == gfirst)
		refuse(&ld, GD_EPLUGIN, "registered no variant");
	if (ld.rc) { /* all or nothing; the code stays mapped: init may have left pointers to it anywhere */
		nrows = first;
		ngrows = gfirst;
		nimpls = ld.nimpls0;
		gd__rule_drop(rfirst);
		return ld.rc;
	}
	gd_plugin_file *f = &files[nfiles++];
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->first = first;
	f->count = nrows - first;
	f->gfirst = gfirst;
	f->gcount = ngrows - gfirst;
	f->rfirst = rfirst;
	f->rcount = gd_rule_count() - rfirst;
	f->verified = 0;
	return 0;
}

int gd_plugin_verify(gd_mismatch *mm)
{
	for (size_t fi = 0; fi < nfiles; fi++) {
		gd_plugin_file *f = &files[fi];
		for (size_t i = f->first; i < f->first + f->count; i++) {
			const gd_update_entry *e = &rows[i];
			if (e->isa > gd_cpu_get()->max || e->impl == GD_IMPL_SCALAR)
				continue; /* never run here (skipped as built-in rows are), or a plugin rule's reference */
			for (int d = 0; d < GD_NDT; d++) {
				if (!e->fn[d])
					continue;
				int rc = gd_verify_update(e, gd_update_scalar(e->rule), (gd_dtype)d, mm);
				if (rc)
					return rc;
			}
		}
		for (size_t i = f->gfirst; i < f->gfirst + f->gcount; i++) {
			const gd_grad_entry *e = &grows[i];
			if (e->isa > gd_cpu_get()->max)
				continue;
			int rc = gd_verify_grad(e, gd_grad_scalar(e->model), mm);
			if (rc)
				return rc;
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
		const gd_plugin_file *f = &files[fi];
		json_t *names_j = json_array(), *rules_j = json_array();
		for (size_t i = f->first; i < f->first + f->count; i++)
			json_array_append_new(names_j, json_string(rows[i].name));
		for (size_t i = f->gfirst; i < f->gfirst + f->gcount; i++)
			json_array_append_new(names_j, json_string(grows[i].name));
		for (int r = f->rfirst; r < f->rfirst + f->rcount; r++)
			json_array_append_new(rules_j, json_string(gd_rule_name((gd_rule)r)));
		json_t *o = json_pack("{s:s, s:o, s:b}", "path", f->path, "rows", names_j, "verified", f->verified);
		if (f->rcount)
			json_object_set_new(o, "rules", rules_j);
		else
			json_decref(rules_j);
		json_array_append_new(arr, o);
	}
	json_object_set_new(ctx, "plugins", arr);
}
