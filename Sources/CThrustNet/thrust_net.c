#include "thrust_net.h"
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <curl/curl.h>
#include <microhttpd.h>

/* ================= libcurl, opened on first use ================= */

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    int ok;
    char why[200];
} curl;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void load_curl(void) {
    void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        snprintf(curl.why, sizeof curl.why, "libcurl is not installed (libcurl.so.4: %s); install the libcurl4 package", dlerror());
        return;
    }
#define SYM(field, name) do { *(void **)&curl.field = dlsym(h, name); if (curl.field == NULL) { snprintf(curl.why, sizeof curl.why, "libcurl lacks %s", name); return; } } while (0)
    SYM(global_init, "curl_global_init");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(easy_strerror, "curl_easy_strerror");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
#undef SYM
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(curl.why, sizeof curl.why, "curl_global_init failed");
        return;
    }
    curl.ok = 1;
}

int thrust_http_available(char *err, size_t cap) {
    pthread_once(&curl_once, load_curl);
    if (!curl.ok && err != NULL && cap > 0) snprintf(err, cap, "%s", curl.why);
    return curl.ok;
}

struct sink {
    uint8_t *data;
    size_t len, cap, max;
    int too_large;
};

static int sink_append(struct sink *s, const void *p, size_t n) {
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        while (cap < s->len + n + 1) cap *= 2;
        uint8_t *d = realloc(s->data, cap);
        if (d == NULL) return 0;
        s->data = d;
        s->cap = cap;
    }
    memcpy(s->data + s->len, p, n);
    s->len += n;
    s->data[s->len] = 0;
    return 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
    struct sink *s = ud;
    size_t bytes = size * n;
    if (s->len + bytes > s->max) { s->too_large = 1; return 0; }   /* aborts: CURLE_WRITE_ERROR */
    return sink_append(s, p, bytes) ? bytes : 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
    struct sink *s = ud;
    size_t bytes = size * n;
    /* A new status line starts a new header block (100 Continue, proxies): keep the last one. */
    if (bytes >= 5 && memcmp(p, "HTTP/", 5) == 0) s->len = 0;
    if (s->len + bytes > 256 * 1024) return 0;
    return sink_append(s, p, bytes) ? bytes : 0;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int thrust_http_perform(const thrust_http_request *req, thrust_http_response *resp) {
    memset(resp, 0, sizeof *resp);
    if (!thrust_http_available(resp->error, sizeof resp->error)) { resp->curl_code = CURLE_FAILED_INIT; return 0; }
    CURL *h = curl.easy_init();
    if (h == NULL) { resp->curl_code = CURLE_FAILED_INIT; snprintf(resp->error, sizeof resp->error, "curl_easy_init failed"); return 0; }
    struct sink body = {0}, head = {0};
    body.max = req->max_body;
    char errbuf[CURL_ERROR_SIZE] = {0};
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < req->header_count; i++) list = curl.slist_append(list, req->headers[i]);

    curl.easy_setopt(h, CURLOPT_URL, req->url);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);            /* redirects are judged by the caller */
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    /* Proxies never for loopback (all of 127.0.0.0/8, ::1, *.localhost), and the user's own
     * NO_PROXY still applies: setting the option replaces libcurl's reading of the environment. */
    char noproxy[2048];
    const char *env_noproxy = getenv("no_proxy");
    if (env_noproxy == NULL || env_noproxy[0] == 0) env_noproxy = getenv("NO_PROXY");
    snprintf(noproxy, sizeof noproxy, "localhost,.localhost,127.0.0.0/8,::1%s%s",
             env_noproxy && env_noproxy[0] ? "," : "", env_noproxy ? env_noproxy : "");
    curl.easy_setopt(h, CURLOPT_NOPROXY, noproxy);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    /* The system CA store, unless the environment names another bundle the way the curl tool
     * reads it (corporate TLS proxies, private CAs). Verification itself is never turned off. */
    const char *ca = req->ca_file;
    if (ca == NULL || ca[0] == 0) ca = getenv("CURL_CA_BUNDLE");
    if (ca == NULL || ca[0] == 0) ca = getenv("SSL_CERT_FILE");
    if (ca != NULL && ca[0] != 0) curl.easy_setopt(h, CURLOPT_CAINFO, ca);
    const char *cadir = getenv("SSL_CERT_DIR");
    if (cadir != NULL && cadir[0] != 0) curl.easy_setopt(h, CURLOPT_CAPATH, cadir);
    curl.easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(h, CURLOPT_USERAGENT, "thrust-jwt");
    curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body);
    if (list != NULL) curl.easy_setopt(h, CURLOPT_HTTPHEADER, list);
    if (strcmp(req->method, "GET") == 0) {
        curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(req->method, "HEAD") == 0) {
        curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        if (strcmp(req->method, "POST") != 0) curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl.easy_setopt(h, CURLOPT_COPYPOSTFIELDS, req->body ? (const char *)req->body : "");
    }
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &head);

    CURLcode rc = curl.easy_perform(h);
    resp->curl_code = (int)rc;
    resp->body_too_large = body.too_large || rc == CURLE_FILESIZE_EXCEEDED;
    if (rc != CURLE_OK) {
        snprintf(resp->error, sizeof resp->error, "%s", errbuf[0] ? errbuf : curl.easy_strerror(rc));
    }
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    double t = 0;
    curl.easy_getinfo(h, CURLINFO_NAMELOOKUP_TIME, &t); resp->t_dns = t;
    curl.easy_getinfo(h, CURLINFO_CONNECT_TIME, &t); resp->t_connect = t;
    curl.easy_getinfo(h, CURLINFO_APPCONNECT_TIME, &t); resp->t_tls = t;
    curl.easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME, &t); resp->t_first_byte = t;
    curl.easy_getinfo(h, CURLINFO_TOTAL_TIME, &t); resp->t_total = t;
    char *s = NULL;
    if (curl.easy_getinfo(h, CURLINFO_REDIRECT_URL, &s) == CURLE_OK) resp->redirect_url = dup_or_null(s);
    s = NULL;
    if (curl.easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &s) == CURLE_OK) resp->effective_url = dup_or_null(s);
    long version = 0;
    curl.easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
    resp->http_version = version == CURL_HTTP_VERSION_2_0 ? "2" : version == CURL_HTTP_VERSION_1_0 ? "1.0"
                       : version == CURL_HTTP_VERSION_3 ? "3" : "1.1";
    resp->body = body.data;
    resp->body_len = body.len;
    resp->headers = (char *)head.data;
    resp->headers_len = head.len;
    curl.easy_cleanup(h);
    curl.slist_free_all(list);
    return rc == CURLE_OK && resp->status > 0;
}

void thrust_http_response_free(thrust_http_response *resp) {
    free(resp->body);
    free(resp->headers);
    free(resp->redirect_url);
    free(resp->effective_url);
    memset(resp, 0, sizeof *resp);
}

/* ================= libmicrohttpd, opened on first use ================= */

static struct {
    struct MHD_Daemon *(*start_daemon)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *, MHD_AccessHandlerCallback, void *, ...);
    void (*stop_daemon)(struct MHD_Daemon *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...);
    int (*get_connection_values)(struct MHD_Connection *, enum MHD_ValueKind, MHD_KeyValueIterator, void *);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
    int ok;
    char why[200];
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;

static void load_mhd(void) {
    void *h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        snprintf(mhd.why, sizeof mhd.why, "libmicrohttpd is not installed (%s); install libmicrohttpd12", dlerror());
        return;
    }
#define SYM(field, name) do { *(void **)&mhd.field = dlsym(h, name); if (mhd.field == NULL) { snprintf(mhd.why, sizeof mhd.why, "libmicrohttpd lacks %s", name); return; } } while (0)
    SYM(start_daemon, "MHD_start_daemon");
    SYM(stop_daemon, "MHD_stop_daemon");
    SYM(get_daemon_info, "MHD_get_daemon_info");
    SYM(get_connection_values, "MHD_get_connection_values");
    SYM(create_response_from_buffer, "MHD_create_response_from_buffer");
    SYM(add_response_header, "MHD_add_response_header");
    SYM(queue_response, "MHD_queue_response");
    SYM(destroy_response, "MHD_destroy_response");
#undef SYM
    mhd.ok = 1;
}

int thrust_server_available(char *err, size_t cap) {
    pthread_once(&mhd_once, load_mhd);
    if (!mhd.ok && err != NULL && cap > 0) snprintf(err, cap, "%s", mhd.why);
    return mhd.ok;
}

struct server {
    struct MHD_Daemon *daemon;
    thrust_server_handler handler;
    void *ctx;
};

/* Per-request state: the upload body, accumulated across access-handler calls. */
struct upload {
    struct sink body;
    int too_large;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    struct sink *s = cls;
    sink_append(s, key, strlen(key));
    sink_append(s, ": ", 2);
    if (value) sink_append(s, value, strlen(value));
    sink_append(s, "\n", 1);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls) {
    (void)version;
    struct server *srv = cls;
    if (*con_cls == NULL) {                       /* first call: headers only */
        struct upload *u = calloc(1, sizeof *u);
        if (u == NULL) return MHD_NO;
        u->body.max = 1024 * 1024;
        *con_cls = u;
        return MHD_YES;
    }
    struct upload *u = *con_cls;
    if (*upload_size > 0) {                       /* a body chunk: kept up to the cap, then dropped */
        if (u->too_large || u->body.len + *upload_size > u->body.max || !sink_append(&u->body, upload_data, *upload_size))
            u->too_large = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (u->too_large) {                           /* answer, rather than drop the connection */
        static const char msg[] = "{\"error\":\"Request body too large\"}";
        struct MHD_Response *big = mhd.create_response_from_buffer(sizeof msg - 1, (void *)msg, MHD_RESPMEM_PERSISTENT);
        if (big == NULL) return MHD_NO;
        mhd.add_response_header(big, "Content-Type", "application/json");
        enum MHD_Result queued = mhd.queue_response(conn, 413, big);
        mhd.destroy_response(big);
        return queued;
    }
    struct sink headers = {0};
    headers.max = 256 * 1024;
    mhd.get_connection_values(conn, MHD_HEADER_KIND, (MHD_KeyValueIterator)collect_header, &headers);
    thrust_server_request req = {
        .method = method, .url = url, .headers = headers.data ? (const char *)headers.data : "",
        .body = u->body.data, .body_len = u->body.len,
    };
    thrust_server_response resp = {.status = 500};
    srv->handler(srv->ctx, &req, &resp);
    free(headers.data);
    struct MHD_Response *r = mhd.create_response_from_buffer(resp.body_len, resp.body ? resp.body : (uint8_t *)"", MHD_RESPMEM_MUST_COPY);
    if (r == NULL) {
        free(resp.headers);
        free(resp.body);
        return MHD_NO;
    }
    if (resp.headers != NULL) {
        char *save = NULL;
        for (char *line = strtok_r(resp.headers, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char *colon = strchr(line, ':');
            if (colon == NULL) continue;
            *colon = 0;
            char *value = colon + 1;
            while (*value == ' ') value++;
            mhd.add_response_header(r, line, value);
        }
    }
    enum MHD_Result ok = mhd.queue_response(conn, (unsigned)resp.status, r);
    mhd.destroy_response(r);
    free(resp.headers);
    free(resp.body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode code) {
    (void)cls; (void)conn; (void)code;
    struct upload *u = *con_cls;
    if (u != NULL) { free(u->body.data); free(u); *con_cls = NULL; }
}

void *thrust_server_start(const char *host, int port, thrust_server_handler handler, void *ctx,
                          const char *cert_pem, const char *key_pem,
                          int *bound_port, char *err, size_t cap) {
    if (!thrust_server_available(err, cap)) return NULL;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        snprintf(err, cap, "'%s' is not an IPv4 address", host);
        return NULL;
    }
    struct server *srv = calloc(1, sizeof *srv);
    if (srv == NULL) return NULL;
    srv->handler = handler;
    srv->ctx = ctx;
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (cert_pem != NULL && key_pem != NULL) {
        srv->daemon = mhd.start_daemon(flags | MHD_USE_TLS,
                                       (uint16_t)port, NULL, NULL, (MHD_AccessHandlerCallback)on_request, srv,
                                       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                       MHD_OPTION_NOTIFY_COMPLETED, (MHD_RequestCompletedCallback)on_completed, NULL,
                                       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
                                       MHD_OPTION_HTTPS_MEM_KEY, key_pem,
                                       MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                                       MHD_OPTION_END);
    } else {
        srv->daemon = mhd.start_daemon(flags,
                                       (uint16_t)port, NULL, NULL, (MHD_AccessHandlerCallback)on_request, srv,
                                       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                       MHD_OPTION_NOTIFY_COMPLETED, (MHD_RequestCompletedCallback)on_completed, NULL,
                                       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
                                       MHD_OPTION_END);
    }
    if (srv->daemon == NULL) {
        snprintf(err, cap, "cannot listen on %s:%d (in use, or not permitted)", host, port);
        free(srv);
        return NULL;
    }
    const union MHD_DaemonInfo *info = mhd.get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    *bound_port = info ? (int)info->port : port;
    return srv;
}

void thrust_server_stop(void *server) {
    struct server *srv = server;
    if (srv == NULL) return;
    mhd.stop_daemon(srv->daemon);
    free(srv);
}
