"""Write the Apache and nginx configurations that serve a mirror tree.

Apache negotiates the simple pages with ``negotiation.lua`` (mod_lua), a
line-by-line port of ``simple/negotiation.py``: mod_negotiation's type maps
weigh wildcards and break ties by size, which answers some Accept headers
differently from the live center. Stock nginx runs no code; its
configuration does the same negotiation with chained ``map`` blocks of
regular expressions, generated here from the same offers.
"""

from collective.psc.simple.negotiation import HTML
from collective.psc.simple.negotiation import HTML_V1
from collective.psc.simple.negotiation import JSON
from collective.psc.simple.negotiation import OFFERS
from pathlib import Path

import re
import string


LUA_SCRIPT = Path(__file__).parent / "negotiation.lua"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
# Modules the tree needs; Debian builds mod_unixd and mod_log_config in.
MODULES = (
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("alias_module", "mod_alias.so"),
    ("rewrite_module", "mod_rewrite.so"),
    ("headers_module", "mod_headers.so"),
    ("lua_module", "mod_lua.so"),
)

APACHE_SITE = string.Template("""\
# Serve the mirror tree ${tree} of a collective.psc software center.
# Needs mod_lua, mod_rewrite, mod_headers, mod_mime, mod_alias and mod_dir.
<VirtualHost ${listen}>
    ServerName ${server_name}
${body}</VirtualHost>
""")

APACHE_BODY = string.Template("""\
    Alias "${prefix}/" "${tree}/"
    <Directory "${tree}">
        Require all granted
        Options None
        AllowOverride None
        DirectoryIndex disabled
        FileETag MTime Size
        AddType application/vnd.pypi.simple.v1+json .v1_json
        AddType application/vnd.pypi.simple.v1+html .v1_html
        AddType text/html .html
        AddCharset utf-8 .html
        AddType application/json .json
    </Directory>
    <Directory "${tree}/packages">
        RemoveEncoding .gz .bz2 .xz .Z .zip
        ForceType application/octet-stream
        Header set Cache-Control "max-age=31536000, immutable"
        <FilesMatch "\\.metadata$$">
            ForceType "text/plain; charset=utf-8"
        </FilesMatch>
    </Directory>
    <Directory "${tree}/simple">
        Header set Vary Accept
        Header set Cache-Control "max-age=0, must-revalidate"
    </Directory>
    # Temporary files of an export and the lock are nobody's business.
    <FilesMatch "^\\.">
        Require all denied
    </FilesMatch>

    # Pick index.html, index.v1_html or index.v1_json of a simple page from
    # the Accept header, as the live center does.
    LuaScope thread
    LuaHookTranslateName "${lua}" simple_variant early
    RewriteEngine On
    RewriteRule "^${prefix}/simple/((?:[^/]+/)?)$$" \\
        "${tree}/simple/$$1index.%{ENV:PSC_VARIANT}" [END]
    <LocationMatch "^${prefix}/simple/[^/]*$$">
        Header set Vary Accept
    </LocationMatch>
""")

APACHE_STANDALONE = string.Template("""\
# A complete Apache configuration serving the mirror tree ${tree}:
#   apache2 -f <this file> -DFOREGROUND
ServerRoot "${run_dir}"
DefaultRuntimeDir "${run_dir}"
PidFile "${run_dir}/apache2.pid"
ErrorLog "${run_dir}/error.log"
LogLevel warn
Mutex file:${run_dir} default
${modules}
Listen ${listen}
ServerName ${server_name}
TypesConfig /dev/null
StartServers 1
ThreadsPerChild 25
MaxRequestWorkers 50
DocumentRoot "${tree}"
<Directory />
    Require all denied
    AllowOverride None
</Directory>
${body}""")

# nginx has no hook to run code in its stock build, so its configuration
# does the negotiation of simple/negotiation.py with chained maps of regular
# expressions: each media range's quality read from the Accept header, the
# offers compared in order, and the answer.
NGINX_SUFFIXES = {JSON: "v1_json", HTML_V1: "v1_html", HTML: "html"}
# The ranges an offer falls back to when the header does not name it.
NGINX_WILDCARDS = (
    ("any", "*/*", None),
    ("application", "application/*", "any"),
    ("text", "text/*", "any"),
)
# Ranges that say nothing about formats: a header of only these gets HTML.
NGINX_BARE = ("*/*", "text/*")
# A parameter other than q, and the q parameter last in its range.
NGINX_OTHER = r";(?!\s*q\s*(?:=|;|,|$))[^;,]*"
NGINX_LAST_Q = r"(?:;[^,]*)?;\s*q\s*"
# A quality as a string of digits that sorts as the number does: "1", "0",
# or "0" and the decimals without trailing zeros ("05" is 0.5). A q of 1 or
# more is 1; a negative or malformed one is 0, as in parse_accept.
NGINX_QUALITIES = (
    (r"=\s*\+?(?:0*[1-9]\d*(?:\.\d*)?|inf(?:inity)?)\s*", "1"),
    (r"=\s*\+?0*\.(?<psc_decimals>\d*?)0*\s*", "0$psc_decimals"),
    (r"(?:=[^;,]*)?", "0"),
)
# "a:b" where the quality a is at least b: b is a prefix of a, or the first
# digit that differs is larger in a.
NGINX_AT_LEAST = "(?<psc_same>\\d*)(?:\\d*:\\k<psc_same>{})".format(
    "".join(
        f"|{digit}\\d*:\\k<psc_same>[0-{digit - 1}]\\d*" for digit in range(9, 0, -1)
    )
)

NGINX_SITE = string.Template("""\
# Serve the mirror tree ${tree} of a collective.psc software center.
# The maps belong in the http block (for example conf.d/psc-mirror.conf).
# They choose a simple page's file from the Accept header as the center
# does: $$psc_q_* is the quality each media type gets (its own range, else
# its type's wildcard, else */*), $$psc_pick_* the best offer so far, JSON
# before versioned HTML before text/html on equal quality.
${maps}
server {
    listen ${listen};
    server_name ${server_name};

    location ~ ^${prefix}/simple/(?<psc_page>([^/]+/)?)$$ {
        alias ${tree}/simple/$$psc_page;
        default_type text/html;
        types {
            application/vnd.pypi.simple.v1+json v1_json;
            application/vnd.pypi.simple.v1+html v1_html;
            text/html html;
        }
        charset utf-8;
        charset_types text/html;
        add_header Vary Accept always;
        add_header Cache-Control "max-age=0, must-revalidate" always;
        try_files index.$$psc_variant =404;
    }

    location ${prefix}/packages/ {
        alias ${tree}/packages/;
        types { }
        default_type application/octet-stream;
        add_header Cache-Control "max-age=31536000, immutable";
        location ~ \\.metadata$$ {
            types { }
            default_type "text/plain; charset=utf-8";
        }
    }

    location = ${prefix}/mirror-status.json {
        alias ${tree}/mirror-status.json;
        default_type application/json;
    }
}
""")


def apache_config(
    *,
    tree: Path,
    listen: str = "*:80",
    server_name: str = "localhost",
    prefix: str = "",
    run_dir: Path | None = None,
) -> str:
    """Return Apache's configuration for a tree.

    A virtual host to include, or with ``run_dir`` a complete configuration
    for ``apache2 -f``.
    """
    values = {
        "tree": str(Path(tree).absolute()),
        "listen": listen,
        "server_name": server_name,
        "prefix": prefix.rstrip("/"),
        "lua": str(LUA_SCRIPT),
    }
    body = APACHE_BODY.substitute(values)
    if run_dir is None:
        return APACHE_SITE.substitute(values, body=body)
    modules = "\n".join(
        f"LoadModule {name} {APACHE_MODULES / filename}" for name, filename in MODULES
    )
    return APACHE_STANDALONE.substitute(
        values, body=body, modules=modules, run_dir=str(Path(run_dir).absolute())
    )


def _nginx_map(
    source: str, variable: str, entries: list[tuple[str, str]], default: str
) -> str:
    """Return an nginx map: regular expressions and values, tried in order."""
    lines = "".join(f'    "{pattern}" "{value}";\n' for pattern, value in entries)
    return f'map "{source}" ${variable} {{\n{lines}    default "{default}";\n}}\n'


def _nginx_range_name(media: str) -> str:
    """Return the name of a media type in the variables of the maps."""
    return media.rsplit(".", 1)[-1].rsplit("/", 1)[-1].replace("+", "_")


def _nginx_quality(name: str, media: str, fallback: str | None) -> str:
    """Return the map of the quality the first range ``media`` gives."""
    escaped = re.escape(media)
    head = rf"~*^(?:(?!\s*{escaped}\s*(?:;|,|$))[^,]*,)*\s*{escaped}\s*"
    tail = rf"(?:{NGINX_OTHER})*(?:,|$)"
    entries = [
        (f"{head}{NGINX_LAST_Q}{value}{tail}", quality)
        for value, quality in NGINX_QUALITIES
    ]
    entries.append((head + tail, "1"))
    default = f"$psc_q_{fallback}" if fallback else "0"
    return _nginx_map("$http_accept", f"psc_q_{name}", entries, default)


def _nginx_maps() -> str:
    """Return the nginx maps that set $psc_variant from the Accept header."""
    maps = [_nginx_quality(*wildcard) for wildcard in NGINX_WILDCARDS]
    offers = []
    for media, answer in OFFERS:
        name = _nginx_range_name(media)
        maps.append(_nginx_quality(name, media, media.split("/")[0]))
        offers.append((f"$psc_q_{name}", NGINX_SUFFIXES[answer]))
    (quality, suffix), *others = offers
    best = f"{suffix}:{quality}"
    for step, (quality, suffix) in enumerate(others, start=2):
        keep = (rf"~^(?<psc_best>\w+:(?={NGINX_AT_LEAST}$)\d+):", "$psc_best")
        maps.append(
            _nginx_map(
                f"{best}:{quality}", f"psc_pick_{step}", [keep], f"{suffix}:{quality}"
            )
        )
        best = f"$psc_pick_{step}"
    bare = "|".join(re.escape(media) for media in NGINX_BARE)
    element = rf"\s*(?:(?:{bare})\s*)?(?:;[^,]*)?"
    maps.append(
        _nginx_map(
            "$http_accept",
            "psc_bare",
            [(rf"~*^{element}(?:,{element})*$", "1")],
            "0",
        )
    )
    maps.append(
        _nginx_map(
            f"$psc_bare:{best}",
            "psc_variant",
            [(r"~^0:(?<psc_answer>\w+):(?!0$)", "$psc_answer")],
            "html",
        )
    )
    return "\n".join(maps)


def nginx_config(
    *, tree: Path, listen: str = "80", server_name: str = "localhost", prefix: str = ""
) -> str:
    """Return nginx's configuration for a tree: its maps and a server block."""
    return NGINX_SITE.substitute(
        maps=_nginx_maps(),
        tree=str(Path(tree).absolute()),
        listen=listen,
        server_name=server_name,
        prefix=prefix.rstrip("/"),
    )
