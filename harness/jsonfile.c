/* Atomic JSON files (see jsonfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonfile.h"

int gd_json_write_atomic(const char *path, const json_t *doc, size_t flags)
{
	size_t len = strlen(path) + 32;
	char *tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
	int saved = 0;
	FILE *f = fopen(tmp, "w");
	if (!f) {
		saved = errno;
	} else {
		errno = 0;
		int bad = json_dumpf(doc, f, flags) != 0 || fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fileno(f)) != 0;
		saved = bad ? (errno ? errno : EIO) : 0;
		if (fclose(f) != 0 && !saved)
			saved = errno;
		if (!saved && rename(tmp, path) != 0)
			saved = errno;
		if (saved)
			unlink(tmp);
	}
	free(tmp);
	return -saved;
}

int gd_can_write(const char *path)
{
	char probe[4096];
	snprintf(probe, sizeof(probe), "%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(probe, "w");
	if (!f)
		return errno ? -errno : -EIO;
	fclose(f);
	unlink(probe);
	return 0;
}
