"""The web pages of a center: listing, project, release, file, maintainer tools."""
