/* Reading result files for the tools: jansson, tolerant of the bare NaN/Infinity Google Benchmark may write. */
#ifndef GD_JSONREAD_H
#define GD_JSONREAD_H
#include <jansson.h>

/* Load path; bare NaN, -nan, Infinity, -Infinity, inf tokens (outside strings)
 * read as null. On failure returns NULL and writes "path:line:col: what" into err. */
json_t *gd_json_load_lenient(const char *path, char *err, size_t errlen);
/* The same over len bytes of buf (not NUL-terminated); name stands for the path in err. */
json_t *gd_json_parse_lenient(const char *buf, size_t len, const char *name, char *err, size_t errlen);
#endif
