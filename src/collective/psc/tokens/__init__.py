"""API tokens: upload credentials scoped to a user's projects or one project."""
