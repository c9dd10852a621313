"""Download counts: read from web server access logs, kept per file and project."""
