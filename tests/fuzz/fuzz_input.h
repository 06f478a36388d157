/*
 * Helpers for the fuzz targets: the loaders take paths, so the input goes
 * into a memfd opened by its /proc/self/fd path (no disk, no cleanup).
 */
#ifndef GD_FUZZ_INPUT_H
#define GD_FUZZ_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	int fd;
	char path[32];
} fuzz_file;

/* Replace the file's contents with data[0..size); returns its path. */
static inline const char *fuzz_file_set(fuzz_file *f, const uint8_t *data, size_t size)
{
	if (!f->path[0]) {
		f->fd = memfd_create("gdbench-fuzz", 0);
		if (f->fd < 0)
			abort();
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	}
	if (ftruncate(f->fd, 0) || (size && pwrite(f->fd, data, size, 0) != (ssize_t)size))
		abort();
	return f->path;
}
#endif
