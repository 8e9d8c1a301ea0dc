"""Classifier: themes and escalation (issue #4)."""
