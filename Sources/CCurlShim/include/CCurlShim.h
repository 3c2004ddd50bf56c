#ifndef C_CURL_SHIM_H
#define C_CURL_SHIM_H

#include <curl/curl.h>
#include <stddef.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
   These typed wrappers are the only C the HTTP client needs. */

typedef size_t (*paymentd_curl_write_callback)(char *data, size_t size, size_t nmemb, void *userdata);

CURLcode paymentd_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode paymentd_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode paymentd_curl_setopt_write_callback(CURL *handle, paymentd_curl_write_callback callback);
CURLcode paymentd_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
