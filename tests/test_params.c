/*
 * Parameter sets: every built-in set has its architecture's published tensor
 * count and parameter total (the one place those constants belong) with
 * state_dict names and shapes; every set is contiguous with unique names;
 * the MLP set sits at gd_mlp_offsets; a user file loads, and every bad file
 * in tests/data/params fails with its code and "path:line:column:".
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "grad.h"
#include "params.h"
#include "testutil.h"

static const char *data_dir(void)
{
	const char *d = getenv("GD_TEST_DATA");
	return d ? d : "tests/data";
}

static const char *fixture(const char *name)
{
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s/params/%s", data_dir(), name);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What every set must satisfy: tensors back to back from 0, numel the product
 * of a 1..4-dimensional positive shape, names non-empty and unique. */
static void check_layout(const gd_param_set *ps)
{
	assert_non_null(ps->name);
	assert_non_null(ps->source);
	assert_true(*ps->source);
	assert_true(ps->ntensors > 0);
	size_t off = 0;
	char **names = calloc(ps->ntensors, sizeof(*names));
	assert_non_null(names);
	for (size_t i = 0; i < ps->ntensors; i++) {
		const gd_tensor *t = &ps->t[i];
		assert_true(t->ndim >= 1 && t->ndim <= GD_PARAM_MAXDIM);
		size_t numel = 1;
		for (int k = 0; k < t->ndim; k++) {
			assert_true(t->shape[k] >= 1);
			numel *= t->shape[k];
		}
		assert_int_equal(t->numel, numel);
		assert_int_equal(t->off, off);
		off += t->numel;
		assert_true(t->name && *t->name);
		names[i] = t->name;
	}
	assert_int_equal(ps->total, off);
	qsort(names, ps->ntensors, sizeof(*names), cmp_str);
	for (size_t i = 1; i < ps->ntensors; i++)
		if (!strcmp(names[i], names[i - 1]))
			fail_msg("%s: tensor name '%s' repeats", ps->name, names[i]);
	free(names);
}

static const gd_tensor *find(const gd_param_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->ntensors; i++)
		if (!strcmp(ps->t[i].name, name))
			return &ps->t[i];
	fail_msg("%s has no tensor '%s'", ps->name, name);
	return NULL;
}

/* name has the shape a, b, c, d (0 ends it) */
static void has(const gd_param_set *ps, const char *name, size_t a, size_t b, size_t c, size_t d)
{
	const gd_tensor *t = find(ps, name);
	size_t want[4] = { a, b, c, d };
	int ndim = 0;
	while (ndim < 4 && want[ndim])
		ndim++;
	assert_int_equal(t->ndim, ndim);
	for (int k = 0; k < ndim; k++)
		assert_int_equal(t->shape[k], want[k]);
}

static void test_builtin_totals_are_the_published_ones(void **state)
{
	(void)state;
	/* torchvision's resnet50 num_params; BertModel of bert-base-uncased; GPT-2 "124M";
	 * Llama-3.2-1B's 1.24B (tied embeddings) */
	static const struct { const char *name, *first, *last; size_t ntensors, total; } want[] = {
		{ "resnet50", "conv1.weight", "fc.bias", 161, 25557032 },
		{ "bert-base", "embeddings.word_embeddings.weight", "pooler.dense.bias", 199, 109482240 },
		{ "gpt2-small", "transformer.wte.weight", "transformer.ln_f.bias", 148, 124439808 },
		{ "llama-1b", "model.embed_tokens.weight", "model.norm.weight", 146, 1235814400 },
	};
	assert_int_equal(gd_params_builtin_count(), 4);
	assert_null(gd_params_builtin_name(4));
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(gd_params_builtin_name(i), want[i].name);
		gd_param_set ps;
		char err[256];
		assert_int_equal(gd_params_load(want[i].name, &ps, err, sizeof(err)), 0);
		assert_string_equal(ps.name, want[i].name);
		assert_int_equal(ps.ntensors, want[i].ntensors);
		assert_int_equal(ps.total, want[i].total);
		assert_string_equal(ps.t[0].name, want[i].first);
		assert_string_equal(ps.t[ps.ntensors - 1].name, want[i].last);
		check_layout(&ps);
		gd_params_free(&ps);
	}
}

/* The naming and shape conventions of each reference implementation: a few
 * tensors of each set (a 0 ends a shorter shape). */
static const struct { const char *set, *tensor; size_t shape[4]; } spot[] = {
	{ "resnet50", "conv1.weight", { 64, 3, 7, 7 } },
	{ "resnet50", "layer1.0.conv1.weight", { 64, 64, 1, 1 } },
	{ "resnet50", "layer2.3.conv2.weight", { 128, 128, 3, 3 } },
	{ "resnet50", "layer4.0.downsample.0.weight", { 2048, 1024, 1, 1 } },
	{ "resnet50", "layer4.2.bn3.bias", { 2048 } },
	{ "resnet50", "fc.weight", { 1000, 2048 } },
	{ "bert-base", "embeddings.position_embeddings.weight", { 512, 768 } },
	{ "bert-base", "embeddings.token_type_embeddings.weight", { 2, 768 } },
	{ "bert-base", "encoder.layer.11.attention.self.value.weight", { 768, 768 } },
	{ "bert-base", "encoder.layer.0.intermediate.dense.weight", { 3072, 768 } }, /* nn.Linear: [out, in] */
	{ "bert-base", "encoder.layer.0.output.dense.weight", { 768, 3072 } },
	{ "bert-base", "pooler.dense.weight", { 768, 768 } },
	{ "gpt2-small", "transformer.wte.weight", { 50257, 768 } },
	{ "gpt2-small", "transformer.wpe.weight", { 1024, 768 } },
	{ "gpt2-small", "transformer.h.0.attn.c_attn.weight", { 768, 2304 } }, /* Conv1D: [in, out] */
	{ "gpt2-small", "transformer.h.11.mlp.c_proj.weight", { 3072, 768 } },
	{ "llama-1b", "model.embed_tokens.weight", { 128256, 2048 } },
	{ "llama-1b", "model.layers.0.self_attn.k_proj.weight", { 512, 2048 } }, /* 8 KV heads of 64 */
	{ "llama-1b", "model.layers.15.mlp.down_proj.weight", { 2048, 8192 } },
	{ "llama-1b", "model.layers.15.post_attention_layernorm.weight", { 2048 } },
};

static void test_builtin_shapes_follow_the_reference(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(spot) / sizeof(spot[0]); i++) {
		gd_param_set ps;
		char err[256];
		assert_int_equal(gd_params_load(spot[i].set, &ps, err, sizeof(err)), 0);
		const size_t *d = spot[i].shape;
		has(&ps, spot[i].tensor, d[0], d[1], d[2], d[3]);
		gd_params_free(&ps);
	}
}

static void test_mlp_set_matches_gd_mlp_offsets(void **state)
{
	(void)state;
	static const size_t shapes[][3] = { { 784, 128, 10 }, { 1, 1, 1 }, { 3, 5, 2 }, { 4096, 7, 1000 } };
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		gd_model m = { .kind = GD_MODEL_MLP, .d = shapes[s][0], .h = shapes[s][1], .c = shapes[s][2] };
		gd_param_set ps;
		assert_int_equal(gd_params_mlp(m.d, m.h, m.c, &ps), 0);
		check_layout(&ps);
		size_t off[4];
		gd_mlp_offsets(&m, off);
		assert_int_equal(ps.ntensors, 4);
		for (int k = 0; k < 4; k++)
			assert_int_equal(ps.t[k].off, off[k]);
		assert_int_equal(ps.total, gd_model_nparams(&m));
		has(&ps, "W1", m.h, m.d, 0, 0);
		has(&ps, "b1", m.h, 0, 0, 0);
		has(&ps, "W2", m.c, m.h, 0, 0);
		has(&ps, "b2", m.c, 0, 0, 0);
		gd_params_free(&ps);
	}
	gd_param_set ps;
	assert_int_equal(gd_params_mlp(0, 1, 1, &ps), GD_EINVAL);
	assert_int_equal(ps.ntensors, 0);
	gd_params_free(&ps);
}

/* The multi-tensor work units cover a slice exactly, in order, each inside
 * one tensor and at most one chunk long, wherever the slice starts and ends. */
static void test_pieces_cover_slices_within_tensors(void **state)
{
	(void)state;
	gd_param_set ps;
	char err[256];
	assert_int_equal(gd_params_load("resnet50", &ps, err, sizeof(err)), 0);
	const size_t chunks[] = { 0, 1000, 65536 };
	uint64_t seed = 12345;
	for (int trial = 0; trial < 200; trial++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t a = (size_t)(seed >> 20) % (ps.total + 1);
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		size_t b = (size_t)(seed >> 20) % (ps.total + 1);
		size_t lo = a < b ? a : b, hi = a < b ? b : a;
		if (trial == 0)
			lo = 0, hi = ps.total;
		size_t chunk = chunks[trial % 3];
		size_t n = gd_params_pieces(&ps, lo, hi, chunk, NULL, 0);
		gd_piece *p = malloc((n ? n : 1) * sizeof(*p));
		assert_non_null(p);
		assert_int_equal(gd_params_pieces(&ps, lo, hi, chunk, p, n), n);
		size_t at = lo;
		for (size_t k = 0; k < n; k++) {
			const gd_tensor *t = &ps.t[p[k].tensor];
			assert_int_equal(p[k].lo, at);
			assert_true(p[k].n > 0 && (!chunk || p[k].n <= chunk));
			assert_true(p[k].lo >= t->off && p[k].lo + p[k].n <= t->off + t->numel);
			at += p[k].n;
		}
		assert_int_equal(at, lo < hi ? hi : lo);
		if (trial == 0 && chunk == 0)
			assert_int_equal(n, ps.ntensors); /* the whole set, one unit per tensor */
		free(p);
	}
	gd_params_free(&ps);
}

static void test_flat_set(void **state)
{
	(void)state;
	gd_param_set ps;
	assert_int_equal(gd_params_flat("x", 1000, &ps), 0);
	check_layout(&ps);
	assert_int_equal(ps.ntensors, 1);
	has(&ps, "x", 1000, 0, 0, 0);
	gd_params_free(&ps);
	gd_params_free(&ps); /* safe twice: freeing leaves the set empty */
	assert_int_equal(gd_params_flat("x", 0, &ps), GD_EINVAL);
	assert_int_equal(gd_params_flat("", 4, &ps), GD_EINVAL);
}

static void test_user_file_loads(void **state)
{
	(void)state;
	gd_param_set ps;
	char err[256];
	int rc = gd_params_load(fixture("good.json"), &ps, err, sizeof(err));
	if (rc)
		fail_msg("%s", err);
	check_layout(&ps);
	assert_string_equal(ps.name, "tiny-transformer");
	assert_string_equal(ps.source, "hand-written test fixture");
	assert_int_equal(ps.ntensors, 5);
	has(&ps, "conv.weight", 8, 3, 3, 3);
	has(&ps, "norm.gain·γ", 64, 0, 0, 0);
	assert_int_equal(ps.total, 1000 * 64 + 192 * 64 + 192 + 8 * 27 + 64);
	gd_params_free(&ps);
}

static void test_missing_file_is_enoent(void **state)
{
	(void)state;
	gd_param_set ps;
	char err[256];
	assert_int_equal(gd_params_load("no-such-set", &ps, err, sizeof(err)), GD_ENOENT);
	assert_non_null(strstr(err, "'no-such-set' is neither a built-in parameter set (resnet50, bert-base"));
	assert_int_equal(ps.ntensors, 0);
	assert_int_equal(gd_params_load(data_dir(), &ps, err, sizeof(err)), GD_ENOENT); /* a directory */
	assert_non_null(strstr(err, "Is a directory"));
}

/* Each bad file: its code, position and what the message says. */
static const struct bad_case { const char *file; int code; const char *at, *what; } bad_cases[] = {
	{ "bad-syntax.json", GD_EFORMAT, "1:58", "unexpected token near ']'" },
	{ "bad-empty-file.json", GD_EFORMAT, "1:1", "end of file" },
	{ "bad-duplicate-key.json", GD_EFORMAT, "1:20", "duplicate object key" },
	{ "bad-not-object.json", GD_EFORMAT, "1:1", "not an object" },
	{ "bad-missing-name.json", GD_EFORMAT, "1:1", "the object starting here has no \"name\"" },
	{ "bad-name-type.json", GD_EFORMAT, "2:11", "name: not a string" },
	{ "bad-unknown-key.json", GD_EFORMAT, "3:3", "unknown key \"tensor\" (expected name, source or tensors)" },
	{ "bad-missing-tensors.json", GD_EFORMAT, "1:1", "has no \"tensors\"" },
	{ "bad-tensors-type.json", GD_EFORMAT, "3:14", "tensors: not an array" },
	{ "bad-empty-tensors.json", GD_EFORMAT, "3:14", "tensors: empty (expected at least one tensor)" },
	{ "bad-tensor-type.json", GD_EFORMAT, "4:5", "tensors[0]: not an object" },
	{ "bad-tensor-key.json", GD_EFORMAT, "4:33", "tensors[0]: unknown key \"dtype\"" },
	{ "bad-missing-tensor-name.json", GD_EFORMAT, "4:5", "tensors[0]: the object starting here has no \"name\"" },
	{ "bad-empty-tensor-name.json", GD_EFORMAT, "4:14", "tensors[0].name: empty string" },
	{ "bad-missing-shape.json", GD_EFORMAT, "5:5", "tensors[1]: the object starting here has no \"shape\"" },
	{ "bad-shape-type.json", GD_EFORMAT, "4:28", "tensors[0].shape: not an array" },
	{ "bad-ndim0.json", GD_EFORMAT, "4:28", "tensors[0].shape: 0 dimensions (expected 1 to 4)" },
	{ "bad-ndim5.json", GD_EFORMAT, "4:28", "tensors[0].shape: 5 dimensions (expected 1 to 4)" },
	{ "bad-dim-zero.json", GD_EFORMAT, "4:32", "tensors[0].shape[1]: 0 is not positive" },
	{ "bad-dim-negative.json", GD_EFORMAT, "5:26", "tensors[0].shape[1]: -2 is not positive" },
	{ "bad-dim-real.json", GD_EFORMAT, "4:29", "tensors[0].shape[0]: not an integer" },
	{ "bad-dim-string.json", GD_EFORMAT, "4:29", "tensors[0].shape[0]: not a number" },
	/* columns count characters, not bytes (as jansson's do): the name before it is UTF-8 */
	{ "bad-dim-utf8.json", GD_EFORMAT, "4:34", "tensors[0].shape[0]: 0 is not positive" },
	{ "bad-duplicate-name.json", GD_EFORMAT, "6:28", "tensors[2].name: \"w\" repeats tensors[0]'s" },
	{ "range-numel.json", GD_ERANGE, "4:41", "tensors[0].shape[1]: 4294967296 makes the tensor's element count overflow" },
	{ "range-total.json", GD_ERANGE, "7:28", "tensors[3].shape: the set's element count overflows" },
};

static void test_bad_files_name_line_and_column(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char path[512], prefix[600], err[512];
		snprintf(path, sizeof(path), "%s", fixture(c->file));
		snprintf(prefix, sizeof(prefix), "%s:%s: ", path, c->at);
		gd_param_set ps;
		int rc = gd_params_load(path, &ps, err, sizeof(err));
		if (rc != c->code || strncmp(err, prefix, strlen(prefix)) || !strstr(err, c->what))
			fail_msg("%s: got %s, '%s'; wanted %s, '%s...%s'", c->file, gd_strerror(rc), err, gd_strerror(c->code),
			         prefix, c->what);
		assert_int_equal(ps.ntensors, 0); /* nothing left allocated */
		assert_null(ps.t);
		assert_null(ps.name);
	}
}

/* Every bad-* and range-* fixture is in the table above. */
static void test_every_bad_fixture_is_checked(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/params", data_dir());
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "bad-", 4) && strncmp(e->d_name, "range-", 6))
			continue;
		n++;
		size_t i = 0;
		while (i < sizeof(bad_cases) / sizeof(bad_cases[0]) && strcmp(bad_cases[i].file, e->d_name))
			i++;
		if (i == sizeof(bad_cases) / sizeof(bad_cases[0]))
			fail_msg("%s/%s has no case in bad_cases", dir, e->d_name);
	}
	closedir(d);
	assert_int_equal(n, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_totals_are_the_published_ones),
		cmocka_unit_test(test_builtin_shapes_follow_the_reference),
		cmocka_unit_test(test_mlp_set_matches_gd_mlp_offsets),
		cmocka_unit_test(test_flat_set),
		cmocka_unit_test(test_pieces_cover_slices_within_tensors),
		cmocka_unit_test(test_user_file_loads),
		cmocka_unit_test(test_missing_file_is_enoent),
		cmocka_unit_test(test_bad_files_name_line_and_column),
		cmocka_unit_test(test_every_bad_fixture_is_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
