/* Writing JSON files atomically (jansson only: the tools link this file too). */
#ifndef GD_JSONFILE_H
#define GD_JSONFILE_H
#include <jansson.h>

/*
 * Write doc to path + ".tmp.<pid>", flush and fsync it, then rename it over
 * path: readers see the old file or the new one, never a part; a failed write
 * (disk full, no permission) removes the temporary file and leaves any
 * previous file as it was. flags: jansson's JSON_* dump flags.
 * Returns 0 or -errno (gd_error.h's convention).
 */
int gd_json_write_atomic(const char *path, const json_t *doc, size_t flags);
/* 0 when a file can be created beside path (tried, then removed), else
 * -errno: checked before minutes of measuring, not after. */
int gd_can_write(const char *path);
#endif
