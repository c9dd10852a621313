"""The legacy upload protocol (twine, uv publish): ``:action`` dispatch and checks."""
