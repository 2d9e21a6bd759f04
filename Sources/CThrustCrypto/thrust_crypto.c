#include "thrust_crypto.h"
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

/* ---- digests, fetched once: OpenSSL 3 re-fetches by name on every call that is given a name or
 * a legacy EVP_sha256(), which costs a third of an RSA verify. ---- */
static EVP_MD *md256, *md384, *md512;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static void fetch_digests(void) {
    md256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    md384 = EVP_MD_fetch(NULL, "SHA384", NULL);
    md512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}
static const EVP_MD *digest_for(int bits) {
    pthread_once(&md_once, fetch_digests);
    switch (bits) {
    case 256: return md256;
    case 384: return md384;
    case 512: return md512;
    default: return NULL;
    }
}

static const char *group_for_curve(const char *curve) {
    if (strcmp(curve, "P-256") == 0) return "prime256v1";
    if (strcmp(curve, "P-384") == 0) return "secp384r1";
    if (strcmp(curve, "P-521") == 0) return "secp521r1";
    return NULL;
}

/* Builds a key from parameters. `names` and values stay alive until OSSL_PARAM_BLD_to_param. */
static EVP_PKEY *from_params(const char *type, int selection, OSSL_PARAM_BLD *bld) {
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    if (params == NULL) return NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1) {
        if (EVP_PKEY_fromdata(ctx, &pkey, selection, params) != 1) pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static int push_bn(OSSL_PARAM_BLD *bld, const char *name, const uint8_t *v, size_t len, BIGNUM **keep) {
    if (len > INT_MAX) return 0;
    *keep = BN_bin2bn(v, (int)len, NULL);
    if (*keep == NULL) return 0;
    return OSSL_PARAM_BLD_push_BN(bld, name, *keep) == 1;
}

void *thrust_rsa_public(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen) {
    return thrust_rsa_private(n, nlen, e, elen, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
}

void *thrust_rsa_private(const uint8_t *n, size_t nlen, const uint8_t *e, size_t elen,
                         const uint8_t *d, size_t dlen,
                         const uint8_t *p, size_t plen, const uint8_t *q, size_t qlen,
                         const uint8_t *dp, size_t dplen, const uint8_t *dq, size_t dqlen,
                         const uint8_t *qi, size_t qilen) {
    BIGNUM *bn[8] = {0};
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) return NULL;
    int ok = push_bn(bld, OSSL_PKEY_PARAM_RSA_N, n, nlen, &bn[0])
          && push_bn(bld, OSSL_PKEY_PARAM_RSA_E, e, elen, &bn[1]);
    int selection = EVP_PKEY_PUBLIC_KEY;
    if (ok && d != NULL) {
        selection = EVP_PKEY_KEYPAIR;
        ok = push_bn(bld, OSSL_PKEY_PARAM_RSA_D, d, dlen, &bn[2]);
        if (ok && p != NULL && q != NULL && dp != NULL && dq != NULL && qi != NULL) {
            ok = push_bn(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p, plen, &bn[3])
              && push_bn(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q, qlen, &bn[4])
              && push_bn(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp, dplen, &bn[5])
              && push_bn(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq, dqlen, &bn[6])
              && push_bn(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi, qilen, &bn[7]);
        }
    }
    if (ok) key = from_params("RSA", selection, bld);
    OSSL_PARAM_BLD_free(bld);
    for (int i = 0; i < 8; i++) BN_clear_free(bn[i]);
    return key;
}

void *thrust_ec_private(const char *curve, const uint8_t *point, size_t pointlen,
                        const uint8_t *d, size_t dlen) {
    const char *group = group_for_curve(curve);
    if (group == NULL) return NULL;
    BIGNUM *priv = NULL;
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (bld == NULL) return NULL;
    int ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1
          && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, pointlen) == 1;
    if (ok && d != NULL) ok = push_bn(bld, OSSL_PKEY_PARAM_PRIV_KEY, d, dlen, &priv);
    if (ok) key = from_params("EC", d != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld);
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(priv);
    if (key != NULL) {
        /* fromdata rejects points off the curve; a full public check also catches the identity
         * and points outside the prime-order subgroup. */
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        int good = c != NULL && EVP_PKEY_public_check(c) == 1;
        EVP_PKEY_CTX_free(c);
        if (!good) { EVP_PKEY_free(key); key = NULL; }
    }
    return key;
}

void *thrust_ec_public(const char *curve, const uint8_t *point, size_t pointlen) {
    return thrust_ec_private(curve, point, pointlen, NULL, 0);
}

void *thrust_ed25519_public(const uint8_t *x, size_t xlen) {
    if (xlen != 32) return NULL;
    return EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xlen);
}

void *thrust_ed25519_private(const uint8_t *d, size_t dlen) {
    if (dlen != 32) return NULL;
    return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, d, dlen);
}

/* Never prompt for a passphrase: an encrypted key simply fails to load. */
static int no_password(char *buf, int size, int rwflag, void *u) {
    (void)buf; (void)size; (void)rwflag; (void)u;
    return 0;
}

/* Reads one DER TLV with OpenSSL's own reader; returns its content and advances *p. */
static int der_next(const unsigned char **p, long *left, int want_tag, int constructed,
                    const unsigned char **content, long *clen) {
    const unsigned char *q = *p;
    int tag = 0, cls = 0;
    long len = 0;
    int flags = ASN1_get_object(&q, &len, &tag, &cls, *left);
    if ((flags & 0x80) || cls != V_ASN1_UNIVERSAL || tag != want_tag || ((flags & V_ASN1_CONSTRUCTED) != 0) != constructed)
        return 0;
    long header = (long)(q - *p);
    if (len < 0 || header + len > *left) return 0;
    *content = q;
    *clen = len;
    *p = q + len;
    *left -= header + len;
    return 1;
}

static int der_is(const unsigned char *c, long n, const unsigned char *want, long wn) {
    return n == wn && memcmp(c, want, (size_t)n) == 0;
}

/* SubjectPublicKeyInfo (RFC 5280 §4.1) for RSA, EC P-256/384/521 and Ed25519, decoded by walking
 * its TLVs with ASN1_get_object and building the key from its parameters. OpenSSL 3's generic
 * decoder (PEM_read_bio_PUBKEY) costs about half a one-token process's instructions; this path
 * costs a few microseconds. Anything unusual returns NULL and the caller uses the decoder. */
static EVP_PKEY *spki_public(const unsigned char *der, long len) {
    static const unsigned char rsa_oid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
    static const unsigned char ec_oid[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
    static const unsigned char ed25519_oid[] = {0x2B, 0x65, 0x70};
    static const unsigned char p256[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07};
    static const unsigned char p384[] = {0x2B, 0x81, 0x04, 0x00, 0x22};
    static const unsigned char p521[] = {0x2B, 0x81, 0x04, 0x00, 0x23};
    const unsigned char *p = der, *spki, *alg, *oid, *bits, *params = NULL;
    long left = len, spki_len, alg_len, oid_len, bits_len, params_len = 0;
    if (!der_next(&p, &left, V_ASN1_SEQUENCE, 1, &spki, &spki_len) || left != 0) return NULL;
    const unsigned char *q = spki;
    long qleft = spki_len;
    if (!der_next(&q, &qleft, V_ASN1_SEQUENCE, 1, &alg, &alg_len)) return NULL;
    if (!der_next(&q, &qleft, V_ASN1_BIT_STRING, 0, &bits, &bits_len) || qleft != 0) return NULL;
    if (bits_len < 1 || bits[0] != 0) return NULL;            /* no unused bits */
    const unsigned char *a = alg;
    long aleft = alg_len;
    if (!der_next(&a, &aleft, V_ASN1_OBJECT, 0, &oid, &oid_len)) return NULL;
    const unsigned char *key = bits + 1;
    long key_len = bits_len - 1;
    if (der_is(oid, oid_len, rsa_oid, sizeof rsa_oid)) {
        if (!der_next(&a, &aleft, V_ASN1_NULL, 0, &params, &params_len) || params_len != 0 || aleft != 0) return NULL;
        const unsigned char *r = key, *seq, *n, *e;
        long rleft = key_len, seq_len, n_len, e_len;
        if (!der_next(&r, &rleft, V_ASN1_SEQUENCE, 1, &seq, &seq_len) || rleft != 0) return NULL;
        const unsigned char *s = seq;
        long sleft = seq_len;
        if (!der_next(&s, &sleft, V_ASN1_INTEGER, 0, &n, &n_len) || !der_next(&s, &sleft, V_ASN1_INTEGER, 0, &e, &e_len) || sleft != 0)
            return NULL;
        if (n_len < 1 || e_len < 1 || (n[0] & 0x80) || (e[0] & 0x80)) return NULL;   /* negative */
        return thrust_rsa_public(n, (size_t)n_len, e, (size_t)e_len);
    }
    if (der_is(oid, oid_len, ec_oid, sizeof ec_oid)) {
        if (!der_next(&a, &aleft, V_ASN1_OBJECT, 0, &params, &params_len) || aleft != 0) return NULL;
        const char *curve = der_is(params, params_len, p256, sizeof p256) ? "P-256"
                          : der_is(params, params_len, p384, sizeof p384) ? "P-384"
                          : der_is(params, params_len, p521, sizeof p521) ? "P-521" : NULL;
        if (curve == NULL || key_len < 1 || key[0] != 0x04) return NULL;   /* uncompressed points only */
        return thrust_ec_public(curve, key, (size_t)key_len);
    }
    if (der_is(oid, oid_len, ed25519_oid, sizeof ed25519_oid)) {
        if (aleft != 0 || key_len != 32) return NULL;
        return thrust_ed25519_public(key, (size_t)key_len);
    }
    return NULL;
}

void *thrust_pem_public(const uint8_t *pem, size_t len) {
    if (len == 0 || len > INT_MAX) return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) return NULL;
    /* Fast path: the PEM armour read by PEM_read_bio, the SPKI walked as above. */
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    EVP_PKEY *key = NULL;
    if (PEM_read_bio(bio, &name, &header, &der, &der_len) == 1 && strcmp(name, "PUBLIC KEY") == 0 && header[0] == 0)
        key = spki_public(der, der_len);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    ERR_clear_error();
    BIO_free(bio);
    if (key != NULL) return key;
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) return NULL;
    key = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
    if (key == NULL) {
        ERR_clear_error();
        BIO_free(bio);
        bio = BIO_new_mem_buf(pem, (int)len);
        if (bio == NULL) return NULL;
        X509 *cert = PEM_read_bio_X509(bio, NULL, no_password, NULL);
        if (cert != NULL) {
            key = X509_get_pubkey(cert);
            X509_free(cert);
        }
    }
    BIO_free(bio);
    return key;
}

void *thrust_pem_private(const uint8_t *pem, size_t len) {
    if (len == 0 || len > INT_MAX) return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    BIO_free(bio);
    return key;
}

static EVP_PKEY *generate(const char *type, int rsa_bits, const char *group) {
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx == NULL) return NULL;
    int ok = EVP_PKEY_keygen_init(ctx) == 1;
    if (ok && rsa_bits > 0) ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, rsa_bits) == 1;
    if (ok && group != NULL) ok = EVP_PKEY_CTX_set_group_name(ctx, group) == 1;
    if (ok && EVP_PKEY_generate(ctx, &key) != 1) key = NULL;
    EVP_PKEY_CTX_free(ctx);
    return key;
}

void *thrust_generate_rsa(int bits) { return generate("RSA", bits, NULL); }
void *thrust_generate_ec(const char *curve) {
    const char *group = group_for_curve(curve);
    return group == NULL ? NULL : generate("EC", 0, group);
}
void *thrust_generate_ed25519(void) { return generate("ED25519", 0, NULL); }
void thrust_key_free(void *key) { EVP_PKEY_free((EVP_PKEY *)key); }

int thrust_key_family(const void *key) {
    switch (EVP_PKEY_get_base_id((const EVP_PKEY *)key)) {
    case EVP_PKEY_RSA: return THRUST_FAMILY_RSA;
    case EVP_PKEY_EC: return THRUST_FAMILY_EC;
    case EVP_PKEY_ED25519: return THRUST_FAMILY_ED25519;
    default: return THRUST_FAMILY_OTHER;
    }
}

int thrust_key_bits(const void *key) { return EVP_PKEY_get_bits((const EVP_PKEY *)key); }

int thrust_ec_curve(const void *key, char *out, size_t cap) {
    char group[64];
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param((const EVP_PKEY *)key, OSSL_PKEY_PARAM_GROUP_NAME,
                                       group, sizeof group, &len) != 1) return 0;
    const char *jwk = NULL;
    if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) jwk = "P-256";
    else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) jwk = "P-384";
    else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0) jwk = "P-521";
    if (jwk == NULL || strlen(jwk) + 1 > cap) return 0;
    strcpy(out, jwk);
    return 1;
}

static long bn_component(const EVP_PKEY *key, const char *param, size_t pad, uint8_t *out, size_t cap) {
    BIGNUM *bn = NULL;
    if (EVP_PKEY_get_bn_param(key, param, &bn) != 1 || bn == NULL) { ERR_clear_error(); return 0; }
    size_t len = pad > 0 ? pad : (size_t)BN_num_bytes(bn);
    long rc = -1;
    if (len <= cap && BN_bn2binpad(bn, out, (int)len) == (int)len) rc = (long)len;
    BN_clear_free(bn);
    return rc;
}

long thrust_key_component(const void *key, const char *name, uint8_t *out, size_t cap) {
    const EVP_PKEY *k = (const EVP_PKEY *)key;
    switch (thrust_key_family(key)) {
    case THRUST_FAMILY_RSA: {
        static const char *const map[][2] = {
            {"n", OSSL_PKEY_PARAM_RSA_N}, {"e", OSSL_PKEY_PARAM_RSA_E}, {"d", OSSL_PKEY_PARAM_RSA_D},
            {"p", OSSL_PKEY_PARAM_RSA_FACTOR1}, {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
            {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1}, {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
            {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
        };
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (strcmp(map[i][0], name) == 0) return bn_component(k, map[i][1], 0, out, cap);
        return 0;
    }
    case THRUST_FAMILY_EC: {
        size_t field = ((size_t)EVP_PKEY_get_bits(k) + 7) / 8;
        if (strcmp(name, "x") == 0) return bn_component(k, OSSL_PKEY_PARAM_EC_PUB_X, field, out, cap);
        if (strcmp(name, "y") == 0) return bn_component(k, OSSL_PKEY_PARAM_EC_PUB_Y, field, out, cap);
        if (strcmp(name, "d") == 0) return bn_component(k, OSSL_PKEY_PARAM_PRIV_KEY, field, out, cap);
        return 0;
    }
    case THRUST_FAMILY_ED25519: {
        size_t len = cap;
        int ok = 0;
        if (strcmp(name, "x") == 0) ok = EVP_PKEY_get_raw_public_key(k, out, &len);
        else if (strcmp(name, "d") == 0) ok = EVP_PKEY_get_raw_private_key(k, out, &len);
        if (ok != 1) { ERR_clear_error(); return 0; }
        return (long)len;
    }
    default:
        return 0;
    }
}

/* Whether the key holds its private half, without copying it (any size of key). */
int thrust_key_is_private(const void *key) {
    const EVP_PKEY *k = (const EVP_PKEY *)key;
    BIGNUM *bn = NULL;
    int has = 0;
    switch (thrust_key_family(key)) {
    case THRUST_FAMILY_RSA: has = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_D, &bn) == 1 && bn != NULL; break;
    case THRUST_FAMILY_EC: has = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1 && bn != NULL; break;
    case THRUST_FAMILY_ED25519: {
        size_t len = 0;
        has = EVP_PKEY_get_raw_private_key(k, NULL, &len) == 1 && len > 0;
        break;
    }
    default: break;
    }
    BN_clear_free(bn);
    ERR_clear_error();
    return has;
}

int thrust_key_size(const void *key) { return EVP_PKEY_get_size((const EVP_PKEY *)key); }

static int bio_to_string(BIO *bio, char **out, size_t *len) {
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n <= 0) return 0;
    *out = malloc((size_t)n + 1);
    if (*out == NULL) return 0;
    memcpy(*out, data, (size_t)n);
    (*out)[n] = 0;
    *len = (size_t)n;
    return 1;
}

int thrust_pem_write_public(const void *key, char **out, size_t *len) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return 0;
    int ok = PEM_write_bio_PUBKEY(bio, (EVP_PKEY *)key) == 1 && bio_to_string(bio, out, len);
    BIO_free(bio);
    return ok;
}

int thrust_pem_write_private(const void *key, char **out, size_t *len) {
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return 0;
    int ok = PEM_write_bio_PrivateKey(bio, (EVP_PKEY *)key, NULL, NULL, 0, NULL, NULL) == 1
          && bio_to_string(bio, out, len);
    BIO_free(bio);
    return ok;
}

void thrust_free(void *p) { free(p); }

/* ---- verification ---- */
struct thrust_verifier {
    int scheme;
    size_t coord;            /* ECDSA: bytes per coordinate */
    const EVP_MD *md;
    EVP_PKEY *key;           /* borrowed: the Swift owner outlives its verifiers */
    EVP_PKEY_CTX *pctx;      /* RSA/ECDSA: verify_init'd once, reused for every token */
    EVP_MD_CTX *mdctx;
};

void *thrust_verifier_new(void *key, int scheme, int hashbits) {
    struct thrust_verifier *v = calloc(1, sizeof *v);
    if (v == NULL) return NULL;
    v->scheme = scheme;
    v->key = (EVP_PKEY *)key;
    v->mdctx = EVP_MD_CTX_new();
    if (v->mdctx == NULL) goto fail;
    if (scheme == THRUST_SCHEME_EDDSA) return v;
    v->md = digest_for(hashbits);
    if (v->md == NULL) goto fail;
    v->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, v->key, NULL);
    if (v->pctx == NULL || EVP_PKEY_verify_init(v->pctx) != 1) goto fail;
    if (scheme == THRUST_SCHEME_PSS) {
        if (EVP_PKEY_CTX_set_rsa_padding(v->pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(v->pctx, RSA_PSS_SALTLEN_DIGEST) != 1
            || EVP_PKEY_CTX_set_rsa_mgf1_md(v->pctx, v->md) != 1) goto fail;
    } else if (scheme == THRUST_SCHEME_PKCS1) {
        if (EVP_PKEY_CTX_set_rsa_padding(v->pctx, RSA_PKCS1_PADDING) != 1) goto fail;
    } else if (scheme == THRUST_SCHEME_ECDSA) {
        v->coord = ((size_t)EVP_PKEY_get_bits(v->key) + 7) / 8;
    }
    if (EVP_PKEY_CTX_set_signature_md(v->pctx, v->md) != 1) goto fail;
    return v;
fail:
    thrust_verifier_free(v);
    return NULL;
}

/* JWS carries ECDSA as fixed-length big-endian r||s; OpenSSL wants DER. A wrong length is a bad
 * signature, never something to guess around. */
static int ecdsa_raw_to_der(const uint8_t *sig, size_t siglen, size_t coord, uint8_t *der, size_t cap, size_t *derlen) {
    if (siglen != 2 * coord) return 0;
    ECDSA_SIG *s = ECDSA_SIG_new();
    if (s == NULL) return 0;
    BIGNUM *r = BN_bin2bn(sig, (int)coord, NULL), *ss = BN_bin2bn(sig + coord, (int)coord, NULL);
    if (r == NULL || ss == NULL || ECDSA_SIG_set0(s, r, ss) != 1) {
        BN_free(r); BN_free(ss); ECDSA_SIG_free(s);
        return 0;
    }
    int len = i2d_ECDSA_SIG(s, NULL);
    int ok = 0;
    if (len > 0 && (size_t)len <= cap) {
        uint8_t *p = der;
        ok = i2d_ECDSA_SIG(s, &p) == len;
        *derlen = (size_t)len;
    }
    ECDSA_SIG_free(s);
    return ok;
}

int thrust_verifier_verify(void *verifier, const uint8_t *msg, size_t msglen,
                           const uint8_t *sig, size_t siglen) {
    struct thrust_verifier *v = verifier;
    int rc = 0;
    if (v->scheme == THRUST_SCHEME_EDDSA) {
        if (siglen == 64 && EVP_DigestVerifyInit_ex(v->mdctx, NULL, NULL, NULL, NULL, v->key, NULL) == 1)
            rc = EVP_DigestVerify(v->mdctx, sig, siglen, msg, msglen);
    } else {
        uint8_t digest[EVP_MAX_MD_SIZE];
        unsigned int dlen = 0;
        if (EVP_DigestInit_ex2(v->mdctx, v->md, NULL) == 1
            && EVP_DigestUpdate(v->mdctx, msg, msglen) == 1
            && EVP_DigestFinal_ex(v->mdctx, digest, &dlen) == 1) {
            if (v->scheme == THRUST_SCHEME_ECDSA) {
                uint8_t der[160];
                size_t derlen = 0;
                if (ecdsa_raw_to_der(sig, siglen, v->coord, der, sizeof der, &derlen))
                    rc = EVP_PKEY_verify(v->pctx, der, derlen, digest, dlen);
            } else {
                rc = EVP_PKEY_verify(v->pctx, sig, siglen, digest, dlen);
            }
        }
    }
    if (rc != 1) ERR_clear_error();
    return rc == 1;
}

void thrust_verifier_free(void *verifier) {
    struct thrust_verifier *v = verifier;
    if (v == NULL) return;
    EVP_PKEY_CTX_free(v->pctx);
    EVP_MD_CTX_free(v->mdctx);
    free(v);
}

/* ---- signing ---- */
long thrust_sign(void *key, int scheme, int hashbits, const uint8_t *msg, size_t msglen,
                 uint8_t *out, size_t cap) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return -1;
    long result = -1;
    EVP_PKEY_CTX *pctx = NULL;
    const EVP_MD *md = scheme == THRUST_SCHEME_EDDSA ? NULL : digest_for(hashbits);
    if (scheme != THRUST_SCHEME_EDDSA && md == NULL) goto done;
    if (EVP_DigestSignInit(ctx, &pctx, md, NULL, (EVP_PKEY *)key) != 1) goto done;
    if (scheme == THRUST_SCHEME_PSS
        && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) goto done;
    size_t len = 0;
    if (EVP_DigestSign(ctx, NULL, &len, msg, msglen) != 1) goto done;
    uint8_t *buf = malloc(len);
    if (buf == NULL) goto done;
    if (EVP_DigestSign(ctx, buf, &len, msg, msglen) == 1) {
        if (scheme == THRUST_SCHEME_ECDSA) {
            size_t coord = ((size_t)EVP_PKEY_get_bits((EVP_PKEY *)key) + 7) / 8;
            const uint8_t *p = buf;
            ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
            if (s != NULL && 2 * coord <= cap
                && BN_bn2binpad(ECDSA_SIG_get0_r(s), out, (int)coord) == (int)coord
                && BN_bn2binpad(ECDSA_SIG_get0_s(s), out + coord, (int)coord) == (int)coord)
                result = (long)(2 * coord);
            ECDSA_SIG_free(s);
        } else if (len <= cap) {
            memcpy(out, buf, len);
            result = (long)len;
        }
    }
    free(buf);
done:
    EVP_MD_CTX_free(ctx);
    return result;
}

/* ---- HMAC, digests ---- */
long thrust_hmac(int hashbits, const uint8_t *key, size_t keylen, const uint8_t *msg, size_t msglen,
                 uint8_t *out, size_t cap) {
    const EVP_MD *md = digest_for(hashbits);
    static const uint8_t empty[1] = {0};
    unsigned int len = 0;
    if (md == NULL || cap < EVP_MAX_MD_SIZE || keylen > INT_MAX) return -1;
    if (HMAC(md, keylen ? key : empty, (int)keylen, msglen ? msg : empty, msglen, out, &len) == NULL) return -1;
    return (long)len;
}

int thrust_sha256(const uint8_t *msg, size_t len, uint8_t out[32]) {
    unsigned int n = 0;
    static const uint8_t empty[1] = {0};
    return EVP_Digest(len ? msg : empty, len, out, &n, digest_for(256), NULL) == 1 && n == 32;
}

int thrust_mem_equal(const uint8_t *a, const uint8_t *b, size_t len) {
    return len == 0 || CRYPTO_memcmp(a, b, len) == 0;
}

int thrust_random(uint8_t *out, size_t len) { return len <= INT_MAX && RAND_bytes(out, (int)len) == 1; }

int thrust_last_error(char *buf, size_t cap) {
    unsigned long first = ERR_get_error();
    if (first == 0) { if (cap) buf[0] = 0; return 0; }
    ERR_error_string_n(first, buf, cap);
    ERR_clear_error();
    return 1;
}

void thrust_clear_errors(void) { ERR_clear_error(); }
