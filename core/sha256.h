// sha256.h: SHA-256 through OpenSSL's libcrypto (EVP interface), not hand-written.
//
// Hex digests are 64 lowercase characters plus NUL. Thread-safe.
#ifndef GD_SHA256_H
#define GD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GD_SHA256_HEX_LEN 65

// Digest of len bytes at data: raw 32 bytes to out.
int gd_sha256(uint8_t out[32], const void *data, size_t len);
// Hex digest of a buffer.
int gd_sha256_hex(char hex[GD_SHA256_HEX_LEN], const void *data, size_t len);
// Hex digest of a file's bytes. GD_ERR_IO if it cannot be read (logged with the path).
int gd_sha256_file(char hex[GD_SHA256_HEX_LEN], const char *path);

// Incremental hashing (for hashing several inputs into one cache key).
typedef struct gd_sha256_ctx gd_sha256_ctx;
int  gd_sha256_init(gd_sha256_ctx **ctx);
int  gd_sha256_update(gd_sha256_ctx *ctx, const void *data, size_t len);
// Writes the hex digest and frees ctx.
int  gd_sha256_final_hex(gd_sha256_ctx *ctx, char hex[GD_SHA256_HEX_LEN]);

#ifdef __cplusplus
}
#endif
#endif
