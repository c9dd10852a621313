"""The PyPI JSON API: /pypi/<project>/json and /pypi/<project>/<version>/json."""
