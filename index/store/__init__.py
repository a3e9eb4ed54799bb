"""index/store."""
