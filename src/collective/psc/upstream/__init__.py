"""Upstream indexes merged into a center's index, files cached, hashes pinned."""
