"""``psc balancer nginx``: nginx in front of several instances, round-robin.

Every instance serves the same database (ZEO or RelStorage), so any of them
may answer any request: no sticky sessions. nginx rewrites each request into
Zope's virtual hosting path (``/VirtualHostBase/...``), so the pages carry
the public URL whichever instance built them.
"""

from string import Template

import argparse


NGINX_BALANCER = Template("""\
# Written by "psc balancer nginx": ${count} instances, round-robin.
upstream psc_instances {
${servers}    keepalive 16;
}

server {
    listen ${listen};
    server_name ${server_name};
    # Uploads: as large as the centers' upload size limit allows.
    client_max_body_size ${max_body};

    location / {
        rewrite ^(.*)$$ ${virtual_host_path} break;
        proxy_pass http://psc_instances;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $$host;
        proxy_set_header X-Forwarded-For $$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $$scheme;
        # A stopped instance: reads go to the next one. An upload (POST) is
        # never sent twice, so a file is never stored twice.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_read_timeout 300s;
    }
}
""")


def nginx_balancer(
    *,
    instances: list[str],
    listen: str = "80",
    server_name: str = "localhost",
    site: str = "/Plone",
    max_body: str = "1g",
) -> str:
    """Return an nginx server block that balances requests over instances."""
    if not instances:
        raise ValueError("Name at least one instance (HOST:PORT).")
    servers = "".join(f"    server {instance};\n" for instance in instances)
    return NGINX_BALANCER.substitute(
        count=len(instances),
        servers=servers,
        listen=listen,
        server_name=server_name,
        virtual_host_path=(
            "/VirtualHostBase/$scheme/$host:$server_port"
            f"{'/' + site.strip('/') if site.strip('/') else ''}/VirtualHostRoot$1"
        ),
        max_body=max_body,
    )


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``psc balancer nginx`` to the subcommands of ``psc``."""
    balancer = commands.add_parser(
        "balancer", help="print a balancer's configuration for several instances"
    )
    kinds = balancer.add_subparsers(dest="balancer_command", required=True)
    nginx = kinds.add_parser(
        "nginx",
        help="print an nginx server block that balances over the instances",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    nginx.add_argument(
        "--instance",
        action="append",
        required=True,
        metavar="HOST:PORT",
        help="an instance's address (repeat for each instance)",
    )
    nginx.add_argument("--listen", default="80")
    nginx.add_argument("--server-name", default="localhost")
    nginx.add_argument("--site", default="/Plone", help="the Plone site's path")
    nginx.add_argument(
        "--max-body", default="1g", help="the largest upload nginx accepts"
    )
    nginx.set_defaults(handler=run_nginx)


def run_nginx(args: argparse.Namespace) -> int:
    """Print the nginx configuration."""
    print(
        nginx_balancer(
            instances=args.instance,
            listen=args.listen,
            server_name=args.server_name,
            site=args.site,
            max_body=args.max_body,
        ),
        end="",
    )
    return 0
