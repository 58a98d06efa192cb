# Varnish in front of a routecache tRPC server: caches what CDN-Cache-Control (RFC 9213) or
# s-maxage allows, files objects under the xkey surrogate keys routecache sends, and accepts
# xkey purges (routecache's varnishPurger) from the purgers ACL. Needs Varnish 7 and vmod xkey
# (Debian: apt-get install varnish varnish-modules).
vcl 4.1;

import std;
import xkey;

# The routecache server. The test harness and the demo point this at their own port.
backend default {
    .host = "127.0.0.1";
    .port = "3000";
}

# Who may purge: keep this to the app servers' network.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-softpurge) {
            set req.http.n-gone = xkey.softpurge(req.http.xkey-softpurge);
        } elsif (req.http.xkey) {
            set req.http.n-gone = xkey.purge(req.http.xkey);
        } else {
            return (synth(400, "PURGE needs an xkey or xkey-softpurge header"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
    # Then Varnish's built-in vcl_recv: only GET/HEAD are looked up; a request carrying
    # Authorization or Cookie is passed to the server, never answered from the cache.
}

sub vcl_backend_response {
    # RFC 9213: CDN-Cache-Control is meant for us and wins over Cache-Control.
    if (beresp.http.CDN-Cache-Control ~ "(?i)(no-store|private)") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.http.CDN-Cache-Control ~ "(?i)max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.CDN-Cache-Control, "(?i)^.*max-age=([0-9]+).*$", "\1s"), 0s);
        set beresp.grace = 0s;
        if (beresp.http.CDN-Cache-Control ~ "(?i)stale-while-revalidate=[0-9]+") {
            set beresp.grace = std.duration(
                regsub(beresp.http.CDN-Cache-Control,
                    "(?i)^.*stale-while-revalidate=([0-9]+).*$", "\1s"), 0s);
        }
    }
    # Then the built-in vcl_backend_response (without CDN-Cache-Control the lifetime came from
    # s-maxage / max-age): nothing with ttl 0, Set-Cookie, Surrogate-Control: no-store,
    # Cache-Control private/no-cache/no-store (when no Surrogate-Control), or Vary: * is stored.
}

sub vcl_deliver {
    # RFC 9211: members are ordered from the origin to the client, so this cache's goes last.
    if (obj.uncacheable) {
        set req.http.cache-status = "varnish; fwd=bypass";
    } elsif (obj.hits > 0) {
        set req.http.cache-status = "varnish; hit";
    } else {
        set req.http.cache-status = "varnish; fwd=miss; stored";
    }
    if (resp.http.Cache-Status) {
        set resp.http.Cache-Status = resp.http.Cache-Status + ", " + req.http.cache-status;
    } else {
        set resp.http.Cache-Status = req.http.cache-status;
    }
    # Surrogate keys and CDN directives are for this cache only.
    unset resp.http.xkey;
    unset resp.http.CDN-Cache-Control;
    unset resp.http.Surrogate-Control;
}
