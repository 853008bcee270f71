"""Programmes: creating and importing, a programme's page and people, the portfolio, the audit log, the lifecycle
diagram, the "What to do next" panel, and the lifecycle definitions."""
