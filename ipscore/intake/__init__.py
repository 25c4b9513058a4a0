"""The edge: paths, forms, tables and documents read into typed submissions."""
