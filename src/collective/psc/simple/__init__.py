"""The simple repository API (PEP 503, 691, 700): one dict per page, two renderings."""
