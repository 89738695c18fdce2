"""Instructor side: nbgrader at the edge (pipeline, parallel autograde, exports, reports)."""
