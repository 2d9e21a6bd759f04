/* C glue between thrust-jwt's Swift code and OpenSSL 3's EVP layer.
 *
 * Why C: OpenSSL keeps pointers to parameter names and values (OSSL_PARAM), several of its
 * helpers are macros, and the fastest verify path (a context initialised once per key, reused per
 * token) is plain pointer work. Everything here is a thin call into OpenSSL; no cryptography is
 * implemented in this file. Swift never sees an OpenSSL type: keys are `void *` handles. */
#ifndef THRUST_CRYPTO_H
#define THRUST_CRYPTO_H
#include <stddef.h>
#include <stdint.h>

/* Signature schemes (the JWS family) and hashes (digest bits: 256, 384, 512). */
enum {
    THRUST_SCHEME_PKCS1 = 1,   /* RS*: RSASSA-PKCS1-v1_5 */
    THRUST_SCHEME_PSS = 2,     /* PS*: RSASSA-PSS, MGF1 with the same hash, salt = hash length */
    THRUST_SCHEME_ECDSA = 3,   /* ES*: raw r||s as JWS carries it (RFC 7518 §3.4) */
    THRUST_SCHEME_EDDSA = 4,   /* Ed25519 (RFC 8037) */
};

/* Key families as reported by thrust_key_family. */
enum {
    THRUST_FAMILY_OTHER = 0,
    THRUST_FAMILY_RSA = 1,
    THRUST_FAMILY_EC = 2,
    THRUST_FAMILY_ED25519 = 3,
};

/* ---- keys (an EVP_PKEY, freed with thrust_key_free) ---- */
void *thrust_rsa_public(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen);
/* Private RSA key from JWK members; the CRT members may be NULL (all or none). */
void *thrust_rsa_private(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                         const uint8_t *d, size_t dlen,
                         const uint8_t *p, size_t plen, const uint8_t *q, size_t qlen,
                         const uint8_t *dp, size_t dplen, const uint8_t *dq, size_t dqlen,
                         const uint8_t *qi, size_t qilen);
/* EC key on a named group ("P-256", "P-384", "P-521"); point is 0x04||x||y, checked on curve. */
void *thrust_ec_public(const char *curve, const uint8_t *point, size_t pointlen);
void *thrust_ec_private(const char *curve, const uint8_t *point, size_t pointlen,
                        const uint8_t *d, size_t dlen);
void *thrust_ed25519_public(const uint8_t *x, size_t xlen);
void *thrust_ed25519_private(const uint8_t *d, size_t dlen);
/* PEM: SPKI public key, or an X.509 certificate's public key. */
void *thrust_pem_public(const uint8_t *pem, size_t len);
/* PEM private key (PKCS#8 or traditional), unencrypted. */
void *thrust_pem_private(const uint8_t *pem, size_t len);
/* Fresh keys: RSA with `bits`, EC on `curve`, Ed25519. */
void *thrust_generate_rsa(int bits);
void *thrust_generate_ec(const char *curve);
void *thrust_generate_ed25519(void);
void thrust_key_free(void *key);

int thrust_key_family(const void *key);
int thrust_key_bits(const void *key);
int thrust_key_is_private(const void *key);
/* The maximum signature size for this key (EVP_PKEY_get_size). */
int thrust_key_size(const void *key);
/* Writes the JWK curve name ("P-256", …) into out; returns 1 on success. */
int thrust_ec_curve(const void *key, char *out, size_t cap);
/* Big-endian public/private components for JWK export. `name` is one of:
 * "n" "e" "d" "p" "q" "dp" "dq" "qi" (RSA), "x" "y" "d" (EC, padded to the field size),
 * "x" "d" (Ed25519). Returns the length written, 0 when absent, -1 when cap is too small. */
long thrust_key_component(const void *key, const char *name, uint8_t *out, size_t cap);
/* PEM encodings; *out is malloc'd and freed with thrust_free. Returns 1 on success. */
int thrust_pem_write_public(const void *key, char **out, size_t *len);
int thrust_pem_write_private(const void *key, char **out, size_t *len);
void thrust_free(void *p);

/* ---- verification ----
 * A verifier is one key bound to one scheme and hash, with its OpenSSL contexts initialised once.
 * It is not thread-safe: the Swift side pools verifiers per key so each is used by one thread at
 * a time. Returns 1 valid, 0 invalid (any malformed signature content included). */
void *thrust_verifier_new(void *key, int scheme, int hashbits);
int thrust_verifier_verify(void *verifier, const uint8_t *msg, size_t msglen,
                           const uint8_t *sig, size_t siglen);
void thrust_verifier_free(void *verifier);

/* ---- signing: writes the JWS signature (raw r||s for ECDSA); returns its length or -1. ---- */
long thrust_sign(void *key, int scheme, int hashbits, const uint8_t *msg, size_t msglen,
                 uint8_t *out, size_t cap);

/* ---- HMAC, digests, comparison ---- */
/* Returns the tag length, or -1. */
long thrust_hmac(int hashbits, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t msglen,
                 uint8_t *out, size_t cap);
int thrust_sha256(const uint8_t *msg, size_t len, uint8_t out[32]);
/* Constant-time equality of two equal-length buffers (CRYPTO_memcmp). */
int thrust_mem_equal(const uint8_t *a, const uint8_t *b, size_t len);
int thrust_random(uint8_t *out, size_t len);

/* Drains OpenSSL's per-thread error queue into buf (first error's text); returns 1 if any. */
int thrust_last_error(char *buf, size_t cap);
void thrust_clear_errors(void);
#endif
