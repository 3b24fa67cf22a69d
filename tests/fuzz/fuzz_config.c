// fuzz_config.c: libFuzzer target for the training config loader (train/config.c). The input
// is a whole config file; loading must succeed or fail with a GD_ERR_*. A loaded config
// printed back as YAML must load to the same YAML.
#include "train/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rv_config c, back;
    rv_config_default(&c);
    int err = rv_config_load(&c, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    if (err) return 0;
    static char y1[16384], y2[16384];
    rv_config_to_yaml(&c, y1, sizeof y1);
    rv_config_default(&back);
    FUZZ_CHECK(rv_config_parse(&back, y1, strlen(y1), "printed") == 0);
    rv_config_to_yaml(&back, y2, sizeof y2);
    FUZZ_CHECK(!strcmp(y1, y2));
    return 0;
}
