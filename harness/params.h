/*
 * Parameter sets: the named tensors of a model, with their shapes, laid out
 * one after another in one flat vector (tensor k holds elements
 * [off, off + numel) of it). The optimizer benchmarks step over the whole
 * set (per tensor, or in chunks across tensors); the set keeps the tensor
 * boundaries, which per-tensor rules (LAMB's trust ratio, Adafactor's
 * factored moments, Muon's orthogonalization) need.
 *
 * Built-in sets are derived from each architecture's published
 * hyperparameters (params.c says which, and the totals they give); a user
 * set is a JSON file (results/params.schema.json).
 */
#ifndef GD_PARAMS_H
#define GD_PARAMS_H

#include <stddef.h>

#define GD_PARAM_MAXDIM 4

typedef struct gd_tensor {
	char *name;                   /* "layers.3.attn.q_proj.weight" */
	int ndim;                     /* 1..GD_PARAM_MAXDIM */
	size_t shape[GD_PARAM_MAXDIM];
	size_t numel;                 /* product of the shape */
	size_t off;                   /* first element in the flat vector */
} gd_tensor;

typedef struct gd_param_set {
	char *name;                   /* "llama-1b", or the file's "name" */
	char *source;                 /* where the shapes come from (a paper, a config, a path) */
	size_t ntensors;
	gd_tensor *t;
	size_t total;                 /* elements over all tensors */
} gd_param_set;

/* The built-in sets, in `gdbench list --kind params` order. */
size_t gd_params_builtin_count(void);
const char *gd_params_builtin_name(size_t i);

/*
 * Build a built-in set by name, or read a JSON file when name_or_path is
 * not a built-in name (so a file named like a built-in is read as ./NAME).
 * 0, GD_ENOENT (neither a built-in nor a readable file: err says which
 * names are built in and why the file could not be read), GD_EFORMAT (a
 * bad file: err holds "path:line:column: what, expected what" as the other
 * file readers write it; the position is the offending value's, or for a
 * missing key the enclosing object's), GD_ERANGE (a tensor's or the set's
 * element count overflows size_t; err as for GD_EFORMAT), or GD_ENOMEM.
 * err may be NULL when errlen is 0. On failure *out is left empty
 * (gd_params_free is safe on it).
 */
int gd_params_load(const char *name_or_path, gd_param_set *out, char *err, size_t errlen);

/* The MLP of `gdbench run` as a set named "mlp": W1 [h, d], b1 [h], W2 [c, h],
 * b2 [c], at the offsets gd_mlp_offsets (kernels/grad.h) gives them. 0,
 * GD_EINVAL (a zero size), GD_ERANGE or GD_ENOMEM. */
int gd_params_mlp(size_t d, size_t h, size_t c, gd_param_set *out);
/* A set named name of one tensor of n elements, also named name (a flat
 * vector). 0, GD_EINVAL (n zero, name NULL or empty) or GD_ENOMEM. */
int gd_params_flat(const char *name, size_t n, gd_param_set *out);

/* Free what a set holds and leave it empty (safe on an empty set, twice). */
void gd_params_free(gd_param_set *ps);

/*
 * The multi-tensor pass's work units (params_pieces.c): the range [lo, hi)
 * of the flat vector (one worker's slice) cut at every tensor boundary and
 * every `chunk` elements, so each unit lies in one tensor (a per-tensor rule
 * can reduce over its units). Writes at most cap units to out and returns
 * how many there are (call with cap 0 to size out).
 */
/* The units' length of the multi-tensor pass in `run` and `kernels --params`. */
#define GD_PARAMS_CHUNK 65536

typedef struct gd_piece {
	size_t lo, n;   /* elements [lo, lo + n) of the flat vector */
	size_t tensor;  /* the tensor they belong to */
} gd_piece;
size_t gd_params_pieces(const gd_param_set *ps, size_t lo, size_t hi, size_t chunk, gd_piece *out, size_t cap);

#endif
