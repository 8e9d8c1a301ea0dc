"""Replies: templates, approval, rendering, linting (issue #5)."""
