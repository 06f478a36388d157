/*
 * The built-in parameter sets: each architecture's tensors generated from its
 * published hyperparameters, named and ordered as the reference
 * implementation's state_dict names them (torchvision, Hugging Face
 * transformers). Only trainable parameters: BatchNorm running statistics,
 * BERT's position_ids and GPT-2's causal-mask buffers are not parameters,
 * and a tied output head is the embedding, counted once.
 *
 * Totals these give (tests/test_params.c checks them):
 *   resnet50    161 tensors   25,557,032   (torchvision's published num_params)
 *   bert-base   199 tensors  109,482,240   (BertModel of bert-base-uncased)
 *   gpt2-small  148 tensors  124,439,808   (GPT-2 "124M")
 *   llama-1b    146 tensors 1,235,814,400  (Llama-3.2-1B, "1.24B")
 */
#include <stdio.h>

#include "gd_error.h"
#include "params_priv.h"

/* nn.Linear: weight [out, in], then bias [out] */
static void linear(gd_pbuild *b, const char *prefix, size_t out, size_t in)
{
	gd__pb_add(b, GD_SHAPE(out, in), "%s.weight", prefix);
	gd__pb_add(b, GD_SHAPE(out), "%s.bias", prefix);
}

/* transformers' Conv1D (GPT-2): weight [in, out], the transpose of nn.Linear's */
static void conv1d(gd_pbuild *b, const char *prefix, size_t in, size_t out)
{
	gd__pb_add(b, GD_SHAPE(in, out), "%s.weight", prefix);
	gd__pb_add(b, GD_SHAPE(out), "%s.bias", prefix);
}

/* LayerNorm, or BatchNorm2d's affine part: weight and bias of n */
static void norm(gd_pbuild *b, const char *prefix, size_t n)
{
	gd__pb_add(b, GD_SHAPE(n), "%s.weight", prefix);
	gd__pb_add(b, GD_SHAPE(n), "%s.bias", prefix);
}

/* ---- ResNet (He et al. 2016), torchvision's Bottleneck variant ---------------- */

typedef struct resnet_cfg {
	int blocks[4];       /* Bottleneck blocks per stage */
	size_t width[4];     /* 3x3 conv channels per stage; a block outputs expansion * width */
	size_t expansion;
	size_t in_channels, stem_width, stem_kernel;
	size_t classes;
} resnet_cfg;

static const resnet_cfg resnet50_cfg = {
	.blocks = { 3, 4, 6, 3 }, .width = { 64, 128, 256, 512 }, .expansion = 4,
	.in_channels = 3, .stem_width = 64, .stem_kernel = 7, .classes = 1000,
};

static int build_resnet(const resnet_cfg *c, const char *name, const char *source, gd_param_set *out)
{
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source);
	/* every convolution is bias-free (a BatchNorm follows it) */
	gd__pb_add(&b, GD_SHAPE(c->stem_width, c->in_channels, c->stem_kernel, c->stem_kernel), "conv1.weight");
	norm(&b, "bn1", c->stem_width);
	size_t in = c->stem_width;
	char p[64], q[80];
	for (int s = 0; s < 4; s++) {
		size_t w = c->width[s], wout = c->expansion * w;
		for (int k = 0; k < c->blocks[s]; k++) {
			snprintf(p, sizeof(p), "layer%d.%d", s + 1, k);
			gd__pb_add(&b, GD_SHAPE(w, in, 1, 1), "%s.conv1.weight", p);
			snprintf(q, sizeof(q), "%s.bn1", p);
			norm(&b, q, w);
			gd__pb_add(&b, GD_SHAPE(w, w, 3, 3), "%s.conv2.weight", p);
			snprintf(q, sizeof(q), "%s.bn2", p);
			norm(&b, q, w);
			gd__pb_add(&b, GD_SHAPE(wout, w, 1, 1), "%s.conv3.weight", p);
			snprintf(q, sizeof(q), "%s.bn3", p);
			norm(&b, q, wout);
			/* the first block of a stage changes the width (and stride):
			 * its shortcut is a 1x1 convolution and a BatchNorm */
			if (k == 0) {
				gd__pb_add(&b, GD_SHAPE(wout, in, 1, 1), "%s.downsample.0.weight", p);
				snprintf(q, sizeof(q), "%s.downsample.1", p);
				norm(&b, q, wout);
			}
			in = wout;
		}
	}
	linear(&b, "fc", c->classes, in);
	return gd__pb_end(&b);
}

/* ---- BERT (Devlin et al. 2019), transformers' BertModel ------------------------ */

typedef struct bert_cfg {
	size_t vocab, hidden, layers, heads, intermediate, max_positions, type_vocab;
} bert_cfg;

/* bert-base-uncased config.json */
static const bert_cfg bert_base_cfg = {
	.vocab = 30522, .hidden = 768, .layers = 12, .heads = 12, .intermediate = 3072,
	.max_positions = 512, .type_vocab = 2,
};

static int build_bert(const bert_cfg *c, const char *name, const char *source, gd_param_set *out)
{
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source);
	size_t H = c->hidden;
	/* the heads split the hidden width: they set no shape of their own */
	if (c->hidden % c->heads)
		b.rc = GD_EINVAL;
	gd__pb_add(&b, GD_SHAPE(c->vocab, H), "embeddings.word_embeddings.weight");
	gd__pb_add(&b, GD_SHAPE(c->max_positions, H), "embeddings.position_embeddings.weight");
	gd__pb_add(&b, GD_SHAPE(c->type_vocab, H), "embeddings.token_type_embeddings.weight");
	norm(&b, "embeddings.LayerNorm", H);
	char p[96];
	for (size_t l = 0; l < c->layers; l++) {
		static const char *const qkv[] = { "query", "key", "value" };
		for (int k = 0; k < 3; k++) {
			snprintf(p, sizeof(p), "encoder.layer.%zu.attention.self.%s", l, qkv[k]);
			linear(&b, p, H, H);
		}
		snprintf(p, sizeof(p), "encoder.layer.%zu.attention.output.dense", l);
		linear(&b, p, H, H);
		snprintf(p, sizeof(p), "encoder.layer.%zu.attention.output.LayerNorm", l);
		norm(&b, p, H);
		snprintf(p, sizeof(p), "encoder.layer.%zu.intermediate.dense", l);
		linear(&b, p, c->intermediate, H);
		snprintf(p, sizeof(p), "encoder.layer.%zu.output.dense", l);
		linear(&b, p, H, c->intermediate);
		snprintf(p, sizeof(p), "encoder.layer.%zu.output.LayerNorm", l);
		norm(&b, p, H);
	}
	linear(&b, "pooler.dense", H, H);
	return gd__pb_end(&b);
}

/* ---- GPT-2 (Radford et al. 2019), transformers' GPT2LMHeadModel --------------- */

typedef struct gpt2_cfg {
	size_t vocab, n_positions, n_embd, n_layer, n_head;
	size_t n_inner; /* 0: 4 * n_embd, as config.json's null means */
} gpt2_cfg;

/* openai-community/gpt2 config.json */
static const gpt2_cfg gpt2_small_cfg = {
	.vocab = 50257, .n_positions = 1024, .n_embd = 768, .n_layer = 12, .n_head = 12, .n_inner = 0,
};

static int build_gpt2(const gpt2_cfg *c, const char *name, const char *source, gd_param_set *out)
{
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source);
	size_t E = c->n_embd, inner = c->n_inner ? c->n_inner : 4 * E;
	if (E % c->n_head)
		b.rc = GD_EINVAL;
	/* lm_head.weight is tied to wte: named_parameters() lists it once, as wte */
	gd__pb_add(&b, GD_SHAPE(c->vocab, E), "transformer.wte.weight");
	gd__pb_add(&b, GD_SHAPE(c->n_positions, E), "transformer.wpe.weight");
	char p[64], q[96];
	for (size_t l = 0; l < c->n_layer; l++) {
		snprintf(p, sizeof(p), "transformer.h.%zu", l);
		snprintf(q, sizeof(q), "%s.ln_1", p);
		norm(&b, q, E);
		snprintf(q, sizeof(q), "%s.attn.c_attn", p); /* query, key and value in one */
		conv1d(&b, q, E, 3 * E);
		snprintf(q, sizeof(q), "%s.attn.c_proj", p);
		conv1d(&b, q, E, E);
		snprintf(q, sizeof(q), "%s.ln_2", p);
		norm(&b, q, E);
		snprintf(q, sizeof(q), "%s.mlp.c_fc", p);
		conv1d(&b, q, E, inner);
		snprintf(q, sizeof(q), "%s.mlp.c_proj", p);
		conv1d(&b, q, inner, E);
	}
	norm(&b, "transformer.ln_f", E);
	return gd__pb_end(&b);
}

/* ---- Llama 3 (Grattafiori et al. 2024), transformers' LlamaForCausalLM -------- */

typedef struct llama_cfg {
	size_t vocab, hidden, layers, heads, kv_heads, head_dim, intermediate;
	int tie_word_embeddings;
} llama_cfg;

/* meta-llama/Llama-3.2-1B config.json */
static const llama_cfg llama_1b_cfg = {
	.vocab = 128256, .hidden = 2048, .layers = 16, .heads = 32, .kv_heads = 8, .head_dim = 64,
	.intermediate = 8192, .tie_word_embeddings = 1,
};

static int build_llama(const llama_cfg *c, const char *name, const char *source, gd_param_set *out)
{
	gd_pbuild b;
	gd__pb_begin(&b, out, name, source);
	size_t H = c->hidden, q = c->heads * c->head_dim, kv = c->kv_heads * c->head_dim;
	if (c->heads % c->kv_heads)
		b.rc = GD_EINVAL;
	gd__pb_add(&b, GD_SHAPE(c->vocab, H), "model.embed_tokens.weight");
	/* bias-free projections; grouped-query attention: k and v have kv_heads heads */
	for (size_t l = 0; l < c->layers; l++) {
		gd__pb_add(&b, GD_SHAPE(q, H), "model.layers.%zu.self_attn.q_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(kv, H), "model.layers.%zu.self_attn.k_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(kv, H), "model.layers.%zu.self_attn.v_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(H, q), "model.layers.%zu.self_attn.o_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(c->intermediate, H), "model.layers.%zu.mlp.gate_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(c->intermediate, H), "model.layers.%zu.mlp.up_proj.weight", l);
		gd__pb_add(&b, GD_SHAPE(H, c->intermediate), "model.layers.%zu.mlp.down_proj.weight", l);
		/* RMSNorm: a weight, no bias */
		gd__pb_add(&b, GD_SHAPE(H), "model.layers.%zu.input_layernorm.weight", l);
		gd__pb_add(&b, GD_SHAPE(H), "model.layers.%zu.post_attention_layernorm.weight", l);
	}
	gd__pb_add(&b, GD_SHAPE(H), "model.norm.weight");
	if (!c->tie_word_embeddings)
		gd__pb_add(&b, GD_SHAPE(c->vocab, H), "lm_head.weight");
	return gd__pb_end(&b);
}

/* ---- the table -------------------------------------------------------------- */

static int resnet50(gd_param_set *out)
{
	return build_resnet(&resnet50_cfg, "resnet50", "torchvision resnet50 (He et al. 2016, arXiv:1512.03385)", out);
}

static int bert_base(gd_param_set *out)
{
	return build_bert(&bert_base_cfg, "bert-base",
	                  "bert-base-uncased config.json, BertModel with pooler (Devlin et al. 2019)", out);
}

static int gpt2_small(gd_param_set *out)
{
	return build_gpt2(&gpt2_small_cfg, "gpt2-small",
	                  "openai-community/gpt2 config.json, lm_head tied (Radford et al. 2019)", out);
}

static int llama_1b(gd_param_set *out)
{
	return build_llama(&llama_1b_cfg, "llama-1b", "meta-llama/Llama-3.2-1B config.json, embeddings tied", out);
}

const gd_params_builtin gd__params_builtins[] = {
	{ "resnet50", resnet50 },
	{ "bert-base", bert_base },
	{ "gpt2-small", gpt2_small },
	{ "llama-1b", llama_1b },
};
const size_t gd__params_nbuiltins = sizeof(gd__params_builtins) / sizeof(gd__params_builtins[0]);
