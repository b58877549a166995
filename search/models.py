"""Saved searches and view counts."""
