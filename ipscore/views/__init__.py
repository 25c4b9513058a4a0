"""Views of results: terminal tables, JSON and CSV written whole, batches streamed to a file."""
