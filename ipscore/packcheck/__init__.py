"""Checks of a pack itself: its YAML test cases, z3 proofs and lint."""
