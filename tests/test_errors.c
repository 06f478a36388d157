/* The one error convention (gd_error.h): 0 or a negative code, GD_E* below -1000 or -errno. */
#include <errno.h>
#include <jansson.h>
#include <string.h>

#include "gd_error.h"
#include "jsonfile.h"
#include "results.h"
#include "testutil.h"

static void test_codes_apart_from_errno(void **unused)
{
	(void)unused;
	/* every GD_E* code lies below -1000, so none can be read as -errno (GD_EINVAL was -1 = -EPERM) */
#define X(name, value, msg) assert_true(GD_##name < -1000 && strcmp(gd_strerror(GD_##name), msg) == 0);
	GD_ERRNO_MAP(X)
#undef X
	assert_string_equal(gd_strerror(-ENOSPC), strerror(ENOSPC));
	assert_string_equal(gd_strerror(0), "success");
	assert_string_equal(gd_strerror(5), "unknown error");
}

static void test_file_errors_are_negative_errno(void **unused)
{
	(void)unused;
	json_t *doc = json_pack("{s:i}", "x", 1);
	assert_non_null(doc);
	/* the writer returned -1 with errno, the probe a positive errno: now both -errno */
	assert_int_equal(gd_json_write_atomic("/nonexistent-dir/x.json", doc, 0), -ENOENT);
	assert_int_equal(gd_results_write("/nonexistent-dir/x.json", doc), -ENOENT);
	assert_int_equal(gd_can_write("/nonexistent-dir/x.json"), -ENOENT);
	assert_string_equal(gd_strerror(gd_can_write("/nonexistent-dir/x.json")), strerror(ENOENT));
	char path[] = "/tmp/gd-test-errors-XXXXXX";
	assert_non_null(mkdtemp(path));
	char file[64];
	snprintf(file, sizeof(file), "%s/ok.json", path);
	assert_int_equal(gd_can_write(file), 0);
	assert_int_equal(gd_json_write_atomic(file, doc, 0), 0);
	json_t *back = json_load_file(file, 0, NULL);
	assert_non_null(back);
	assert_int_equal(json_integer_value(json_object_get(back, "x")), 1);
	json_decref(back);
	unlink(file);
	rmdir(path);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codes_apart_from_errno),
		cmocka_unit_test(test_file_errors_are_negative_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
