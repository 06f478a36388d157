/* Error codes shared by kernels/ and harness/: negative ints, one X-macro list (libuv style). */
#ifndef GD_ERROR_H
#define GD_ERROR_H

/* X(name, value, message): the message says what was wrong, main() adds the context. */
#define GD_ERRNO_MAP(X)                                                        \
	X(EINVAL,    -1,  "invalid argument")                                  \
	X(ENOMEM,    -2,  "out of memory")                                     \
	X(ENOCPU,    -3,  "the CPU lacks a required instruction set")          \
	X(ENOENT,    -4,  "no such entry")                                     \
	X(ERANGE,    -5,  "value out of range")                                \
	X(EIO,       -6,  "input/output error")                                \
	X(EFORMAT,   -7,  "malformed input")                                   \
	X(ETOPO,     -8,  "hardware topology error")                           \
	X(EBIND,     -9,  "could not bind thread to its processing unit")      \
	X(ETHREAD,   -10, "could not create thread")                           \
	X(EBENCH,    -11, "benchmark library error")                         \
	X(ECOMM,     -12, "communication between processes failed")          \
	X(ENOTSUP,   -13, "not supported by this build")

typedef enum {
	GD_OK = 0,
#define GD__ERR_ENUM(name, value, msg) GD_##name = (value),
	GD_ERRNO_MAP(GD__ERR_ENUM)
#undef GD__ERR_ENUM
} gd_err;

/* Message for an error code; never NULL. */
const char *gd_strerror(int err);

#endif
