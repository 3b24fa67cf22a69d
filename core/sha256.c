// sha256.c: SHA-256 through OpenSSL libcrypto's EVP interface.
#include "core/sha256.h" // defines: gd_sha256_*
#include "core/error.h"  // defines: GD_ERR_*
#include "core/log.h"    // defines: gd_error

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gd_sha256_ctx { EVP_MD_CTX *md; };

static void to_hex(char hex[GD_SHA256_HEX_LEN], const uint8_t d[32]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
}

int gd_sha256(uint8_t out[32], const void *data, size_t len) {
    unsigned int n = 32;
    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 ? GD_OK : GD_ERR_INTERNAL;
}

int gd_sha256_hex(char hex[GD_SHA256_HEX_LEN], const void *data, size_t len) {
    uint8_t d[32];
    int err = gd_sha256(d, data, len);
    if (err == GD_OK) to_hex(hex, d);
    return err;
}

int gd_sha256_init(gd_sha256_ctx **ctx) {
    *ctx = malloc(sizeof **ctx);
    if (!*ctx) return GD_ERR_NOMEM;
    (*ctx)->md = EVP_MD_CTX_new();
    if (!(*ctx)->md || EVP_DigestInit_ex((*ctx)->md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free((*ctx)->md);
        free(*ctx);
        *ctx = NULL;
        return GD_ERR_INTERNAL;
    }
    return GD_OK;
}

int gd_sha256_update(gd_sha256_ctx *ctx, const void *data, size_t len) {
    return EVP_DigestUpdate(ctx->md, data, len) == 1 ? GD_OK : GD_ERR_INTERNAL;
}

int gd_sha256_final_hex(gd_sha256_ctx *ctx, char hex[GD_SHA256_HEX_LEN]) {
    uint8_t d[32];
    unsigned int n = 32;
    int ok = EVP_DigestFinal_ex(ctx->md, d, &n) == 1;
    EVP_MD_CTX_free(ctx->md);
    free(ctx);
    if (!ok) return GD_ERR_INTERNAL;
    to_hex(hex, d);
    return GD_OK;
}

int gd_sha256_file(char hex[GD_SHA256_HEX_LEN], const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        gd_error("%s: %s", path, strerror(errno));
        return GD_ERR_IO;
    }
    gd_sha256_ctx *ctx;
    int err = gd_sha256_init(&ctx);
    if (err) { fclose(f); return err; }
    static const size_t chunk = 1 << 16;
    unsigned char *buf = malloc(chunk);
    if (!buf) { fclose(f); gd_sha256_final_hex(ctx, hex); return GD_ERR_NOMEM; }
    size_t n;
    while ((n = fread(buf, 1, chunk, f)) > 0) gd_sha256_update(ctx, buf, n);
    int read_err = ferror(f);
    fclose(f);
    free(buf);
    err = gd_sha256_final_hex(ctx, hex);
    if (read_err) {
        gd_error("%s: read error", path);
        return GD_ERR_IO;
    }
    return err;
}
