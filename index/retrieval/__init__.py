"""index/retrieval."""
