/*
 * The one error convention of kernels/ and harness/ (libuv style): a function
 * that can fail returns 0 or a negative int, either one of the GD_E* codes
 * below (all under -1000) or -errno where a system call failed (-ENOSPC,
 * -EACCES, ...). gd_strerror() turns both into words. Nothing returns -1
 * with errno set, nor a positive errno. Only main() prints and picks the
 * exit status.
 */
#ifndef GD_ERROR_H
#define GD_ERROR_H

/* X(name, value, message): the message says what was wrong, main() adds the context. */
#define GD_ERRNO_MAP(X)                                                        \
	X(EINVAL,    -1001,  "invalid argument")                                  \
	X(ENOMEM,    -1002,  "out of memory")                                     \
	X(ENOCPU,    -1003,  "the CPU lacks a required instruction set")          \
	X(ENOENT,    -1004,  "no such entry")                                     \
	X(ERANGE,    -1005,  "value out of range")                                \
	X(EIO,       -1006,  "input/output error")                                \
	X(EFORMAT,   -1007,  "malformed input")                                   \
	X(ETOPO,     -1008,  "hardware topology error")                           \
	X(EBIND,     -1009,  "could not bind thread to its processing unit")      \
	X(ETHREAD,   -1010, "could not create thread")                           \
	X(EBENCH,    -1011, "benchmark library error")                         \
	X(ECOMM,     -1012, "communication between processes failed")          \
	X(ENOTSUP,   -1013, "not supported by this build")                    \
	X(EVERIFY,   -1015, "kernel disagrees with the scalar reference")      \
	X(EPLUGIN,   -1016, "plugin refused")                                  \
	X(EABI,      -1017, "plugin built for another plugin ABI version")

typedef enum {
	GD_OK = 0,
#define GD__ERR_ENUM(name, value, msg) GD_##name = (value),
	GD_ERRNO_MAP(GD__ERR_ENUM)
#undef GD__ERR_ENUM
} gd_err;

/* Message for an error code (a GD_E* code or -errno); never NULL. */
const char *gd_strerror(int err);

#endif
