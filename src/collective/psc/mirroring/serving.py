"""Write the Apache and nginx configurations that serve a mirror tree.

Apache negotiates the simple pages with ``negotiation.lua`` (mod_lua), a
line-by-line port of ``simple/negotiation.py``: mod_negotiation's type maps
weigh wildcards and break ties by size, which answers some Accept headers
differently from the live center. nginx has no such hook in its stock
build; its ``map`` recognises the media types by pattern (see docs).
"""

from pathlib import Path

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

# nginx's map takes the first pattern that matches: a JSON type named with
# a q other than 0 wins over the versioned HTML, which wins over text/html.
NGINX_VARIANTS = (
    ("v1\\+json", "v1_json"),
    ("latest\\+json", "v1_json"),
    ("v1\\+html", "v1_html"),
    ("latest\\+html", "v1_html"),
)
NOT_REFUSED = "(?!\\s*;\\s*q=0(\\.0*)?\\s*(,|$))"

NGINX_SITE = string.Template("""\
# Serve the mirror tree ${tree} of a collective.psc software center.
# The map belongs in the http block (for example conf.d/psc-mirror.conf);
# it picks JSON when the client names the JSON type with a non-zero q, the
# versioned HTML when it names that type, and text/html otherwise.
map $$http_accept $$psc_variant {
    default html;
${variants}}

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


def nginx_config(
    *, tree: Path, listen: str = "80", server_name: str = "localhost", prefix: str = ""
) -> str:
    """Return nginx's configuration for a tree: a map and a server block."""
    variants = "".join(
        f'    "~*application/vnd\\.pypi\\.simple\\.{media}{NOT_REFUSED}" {suffix};\n'
        for media, suffix in NGINX_VARIANTS
    )
    return NGINX_SITE.substitute(
        variants=variants,
        tree=str(Path(tree).absolute()),
        listen=listen,
        server_name=server_name,
        prefix=prefix.rstrip("/"),
    )
