// test_text.c: CSV quoting round trip and errors, metadata.csv, JSON writer, SHA-256
// known vectors, checked number parsing, atomic writes.
#include "../test.h"
#include "core/cli.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/log.h"
#include "core/metadata.h"
#include "core/sha256.h"

#include <string.h>

static char dir[] = "/tmp/gd_test_text_XXXXXX";

static void test_csv_quoting_round_trip(void) {
    const char *row[5] = {"plain", "with,comma", "with \"quotes\"", "multi\nline", ""};
    char path[300];
    snprintf(path, sizeof path, "%s/q.csv", dir);
    FILE *f = fopen(path, "w");
    const char *hdr[5] = {"a", "b", "c", "d", "e"};
    gd_csv_write_row(f, hdr, 5);
    gd_csv_write_row(f, row, 5);
    gd_csv_write_row(f, row, 5);
    fclose(f);
    gd_csv *c;
    CHECK(gd_csv_read(&c, path) == 0);
    CHECK(c->n_cols == 5 && c->n_rows == 2);
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 5; k++) CHECK(strcmp(gd_csv_get(c, r, k), row[k]) == 0);
    CHECK(gd_csv_col(c, "d") == 3 && gd_csv_col(c, "zz") == -1);
    gd_csv_free(c);
    // CRLF line ends and a quoted field with a doubled quote.
    const char *t = "x,y\r\n1,\"a\"\"b\"\r\n";
    CHECK(gd_csv_parse(&c, t, strlen(t), "crlf") == 0);
    CHECK(c->n_rows == 1 && strcmp(gd_csv_get(c, 0, 1), "a\"b") == 0);
    gd_csv_free(c);
}

static void test_csv_errors(void) {
    gd_csv *c;
    gd_log_set_level(GD_LOG_QUIET);
    const char *t1 = "a,b\n1,2,3\n", *t2 = "a,b\n\"open,2\n", *t3 = "";
    CHECK(gd_csv_parse(&c, t1, strlen(t1), "t1") == GD_ERR_PARSE);
    CHECK(gd_csv_parse(&c, t2, strlen(t2), "t2") == GD_ERR_PARSE);
    CHECK(gd_csv_parse(&c, t3, 0, "t3") == GD_ERR_PARSE);
    gd_log_set_level(GD_LOG_INFO);
}

// A log whose writer was killed mid-row: the short last row without a line end is dropped;
// a short row that did end, or a whole last row without a line end, is not torn.
static void test_csv_torn_last_line(void) {
    gd_csv *c;
    gd_log_set_level(GD_LOG_QUIET);
    const char *torn = "step,loss\n1,0.5\n2,0.4\n3", *whole = "step,loss\n1,0.5\n2,0.4";
    const char *short_row = "step,loss\n1,0.5\n3\n";
    CHECK(gd_csv_parse(&c, torn, strlen(torn), "torn") == 0);
    CHECK(c && c->n_rows == 2 && !strcmp(gd_csv_get(c, 1, 1), "0.4"));
    gd_csv_free(c);
    CHECK(gd_csv_parse(&c, whole, strlen(whole), "whole") == 0);
    CHECK(c && c->n_rows == 2 && !strcmp(gd_csv_get(c, 1, 1), "0.4"));
    gd_csv_free(c);
    CHECK(gd_csv_parse(&c, short_row, strlen(short_row), "short") == GD_ERR_PARSE);
    gd_log_set_level(GD_LOG_INFO);
}

static void test_metadata_round_trip_sorted(void) {
    gd_meta *m;
    CHECK(gd_meta_init(&m) == 0);
    gd_meta_row r = {"train/b.wav", "train", "src1", "g1", "djembe, tone", 1.5, 44100,
                     "ab", 42, "pitch:semitones=2|gain:db=-3"};
    gd_meta_append(m, &r);
    r.file_name = "train/a.wav";
    r.seed = 18446744073709551615ull;
    gd_meta_append(m, &r);
    char path[300];
    snprintf(path, sizeof path, "%s/metadata.csv", dir);
    CHECK(gd_meta_write(m, path) == 0);
    gd_meta *back;
    CHECK(gd_meta_read(&back, path) == 0);
    CHECK(back->n_rows == 2);
    CHECK(strcmp(back->rows[0].file_name, "train/a.wav") == 0);   // sorted
    CHECK(back->rows[0].seed == 18446744073709551615ull);
    CHECK(strcmp(back->rows[1].label, "djembe, tone") == 0);
    CHECK(strcmp(back->rows[1].ops, "pitch:semitones=2|gain:db=-3") == 0);
    CHECK_NEAR(back->rows[1].duration_s, 1.5, 1e-9);
    CHECK(gd_meta_find(back, "train/b.wav") == 1);
    char *text;
    gd_read_file(path, &text, NULL);
    CHECK(strncmp(text, "file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops\n",
                  77) == 0);
    free(text);
    gd_meta_free(m);
    gd_meta_free(back);
}

static void test_json_writer(void) {
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    gd_json j;
    gd_json_init(&j, f);
    gd_json_begin_object(&j);
    gd_json_key(&j, "a");
    gd_json_number(&j, 1.5);
    gd_json_key(&j, "nan");
    gd_json_number(&j, NAN);
    gd_json_key(&j, "s");
    gd_json_string(&j, "q\"\n");
    gd_json_key(&j, "list");
    gd_json_begin_array(&j);
    gd_json_int(&j, 1);
    gd_json_bool(&j, 0);
    gd_json_null(&j);
    gd_json_end_array(&j);
    gd_json_end_object(&j);
    fclose(f);
    CHECK(strcmp(buf, "{\"a\":1.5,\"nan\":null,\"s\":\"q\\\"\\n\",\"list\":[1,false,null]}") == 0);
    free(buf);
}

static void test_sha256_known_vectors(void) {
    char hex[65];
    gd_sha256_hex(hex, "", 0);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    gd_sha256_hex(hex, "abc", 3);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    gd_sha256_hex(hex, m, strlen(m));
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
    char path[300], fh[65], ih[65];
    snprintf(path, sizeof path, "%s/m.txt", dir);
    FILE *f = fopen(path, "w");
    fputs(m, f);
    fclose(f);
    CHECK(gd_sha256_file(fh, path) == 0 && strcmp(fh, hex) == 0);
    gd_sha256_ctx *ctx;
    gd_sha256_init(&ctx);
    gd_sha256_update(ctx, m, 10);
    gd_sha256_update(ctx, m + 10, strlen(m) - 10);
    gd_sha256_final_hex(ctx, ih);
    CHECK(strcmp(ih, hex) == 0);
    gd_log_set_level(GD_LOG_QUIET);
    CHECK(gd_sha256_file(fh, "/nonexistent") == GD_ERR_IO);
    gd_log_set_level(GD_LOG_INFO);
}

static void test_number_parsing(void) {
    double d;
    int64_t i;
    uint64_t u;
    CHECK(gd_parse_double("1.5", 0, 2, &d) == 0 && d == 1.5);
    CHECK(gd_parse_double("-3e-2", -1, 1, &d) == 0 && d == -0.03);
    CHECK(gd_parse_double("1.5x", 0, 2, &d) == GD_ERR_PARSE);
    CHECK(gd_parse_double("", 0, 2, &d) == GD_ERR_PARSE);
    CHECK(gd_parse_double("nan", -1e9, 1e9, &d) == GD_ERR_PARSE);
    CHECK(gd_parse_double("3", 0, 2, &d) == GD_ERR_RANGE);
    CHECK(gd_parse_double("1e999", -1e300, 1e300, &d) == GD_ERR_RANGE);
    CHECK(gd_parse_int("42", 0, 100, &i) == 0 && i == 42);
    CHECK(gd_parse_int("4.2", 0, 100, &i) == GD_ERR_PARSE);
    CHECK(gd_parse_int("101", 0, 100, &i) == GD_ERR_RANGE);
    CHECK(gd_parse_u64("18446744073709551615", &u) == 0 && u == UINT64_MAX);
    CHECK(gd_parse_u64("-1", &u) == GD_ERR_PARSE);
}

static void test_atomic_write(void) {
    char path[300];
    snprintf(path, sizeof path, "%s/sub/dir/out.txt", dir);
    char *parent = gd_path_dirname(path);
    CHECK(gd_mkdir_p(parent) == 0 && gd_is_dir(parent));
    free(parent);
    gd_atomic a;
    CHECK(gd_atomic_open(&a, path, "w") == 0);
    fputs("half", a.f);
    CHECK(!gd_path_exists(path));      // nothing visible before commit
    CHECK(gd_atomic_commit(&a) == 0);
    CHECK(gd_path_exists(path));
    CHECK(gd_atomic_open(&a, path, "w") == 0);
    fputs("other", a.f);
    char *tmp = strdup(a.tmp_path);
    gd_atomic_abort(&a);
    CHECK(!gd_path_exists(tmp));
    free(tmp);
    char *text;
    gd_read_file(path, &text, NULL);
    CHECK(strcmp(text, "half") == 0);  // abort kept the old file
    free(text);
    char *j = gd_path_join("a/", "b");
    CHECK(strcmp(j, "a/b") == 0);
    free(j);
    CHECK(strcmp(gd_path_basename("x/y/z.wav"), "z.wav") == 0);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    RUN(test_csv_quoting_round_trip);
    RUN(test_csv_errors);
    RUN(test_csv_torn_last_line);
    RUN(test_metadata_round_trip_sorted);
    RUN(test_json_writer);
    RUN(test_sha256_known_vectors);
    RUN(test_number_parsing);
    RUN(test_atomic_write);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) ? 1 : TEST_REPORT();
}
