"""index/model."""
