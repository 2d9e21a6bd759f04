/* C glue for libcurl (HTTP client) and libmicrohttpd (local HTTP server).
 *
 * Both libraries are opened with dlopen on first use, so the offline commands never pay for
 * loading them (libcurl alone pulls in about 30 shared libraries). The headers are used only for
 * types and constants. Swift never sees a curl or MHD type. */
#ifndef THRUST_NET_H
#define THRUST_NET_H
#include <stddef.h>
#include <stdint.h>

/* ---- client ---- */
typedef struct {
    const char *method;            /* "GET", "POST", … */
    const char *url;
    const char *const *headers;    /* "Name: value" lines */
    size_t header_count;
    const uint8_t *body;           /* may be NULL */
    size_t body_len;
    long timeout_ms;               /* whole transfer */
    long connect_timeout_ms;
    size_t max_body;               /* the body cap; more is an error */
    const char *ca_file;           /* a CA bundle instead of the system store, or NULL */
} thrust_http_request;

typedef struct {
    int curl_code;                 /* CURLcode; 0 on success */
    int body_too_large;            /* the cap was hit */
    long status;
    uint8_t *body;                 /* malloc'd */
    size_t body_len;
    char *headers;                 /* the final response's header lines, "\r\n"-separated, malloc'd */
    size_t headers_len;
    char *redirect_url;            /* absolute Location target for 3xx, malloc'd or NULL */
    char *effective_url;           /* malloc'd or NULL */
    char *http_version;            /* "1.1", "2", … (static) */
    double t_dns, t_connect, t_tls, t_first_byte, t_total;   /* seconds from the start */
    char error[256];
} thrust_http_response;

/* Loads libcurl once; returns 1 when available, else 0 with a reason in err. Thread-safe. */
int thrust_http_available(char *err, size_t cap);
/* Performs one request on the calling thread (blocking). Returns 1 when a response was received,
 * 0 otherwise (see curl_code and error). Always call thrust_http_response_free. */
int thrust_http_perform(const thrust_http_request *req, thrust_http_response *resp);
void thrust_http_response_free(thrust_http_response *resp);

/* ---- server ---- */
typedef struct {
    const char *method;
    const char *url;               /* path, without the query */
    const char *headers;           /* "Name: value\n" lines */
    const uint8_t *body;
    size_t body_len;
} thrust_server_request;

typedef struct {
    int status;
    char *headers;                 /* "Name: value\n" lines, malloc'd by the handler, or NULL */
    uint8_t *body;                 /* malloc'd by the handler, or NULL */
    size_t body_len;
} thrust_server_response;

/* Called on the connection's own thread; fills resp (buffers malloc'd; the shim frees them). */
typedef void (*thrust_server_handler)(void *ctx, const thrust_server_request *req, thrust_server_response *resp);

int thrust_server_available(char *err, size_t cap);
/* Starts a server on host:port (port 0: any free port), a thread per connection; HTTPS when
 * cert_pem and key_pem are given. Returns an opaque handle or NULL (with a reason in err);
 * *bound_port receives the port. */
void *thrust_server_start(const char *host, int port, thrust_server_handler handler, void *ctx,
                          const char *cert_pem, const char *key_pem,
                          int *bound_port, char *err, size_t cap);
void thrust_server_stop(void *server);
#endif
